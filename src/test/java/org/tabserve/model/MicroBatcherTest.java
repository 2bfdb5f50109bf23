package org.tabserve.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.OnnxModels.Head;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.model.LinearModel.THREE_CLASSES;

/**
 * Single rows that arrive together are merged into one call of a real ONNX Runtime session, and each caller still
 * gets exactly its own answer; a row that fails fails alone.
 */
class MicroBatcherTest {

    @TempDir
    static Path dir;
    private static OnnxModel model;

    @BeforeAll
    static void load() {
        model = OnnxModel.load(OnnxModels.tensorOutput(dir.resolve("free.onnx"), THREE_CLASSES, Head.SOFTMAX, false,
                Map.of()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** A distinct row for each index. */
    private static double[] row(int i) {
        return new double[]{3 * Math.sin(i), 2 * Math.cos(0.7 * i), (i % 7) - 3, (i % 5) * 0.5};
    }

    private static Batch batch(double[] row) {
        return Batch.ofNumbers(model.signature(), new double[][]{row});
    }

    /**
     * Asserts the same answer: same label, probabilities within float rounding (a row's arithmetic may round a little
     * differently in a larger call; another row's answer differs by far more).
     */
    private static void assertSameAnswer(Prediction expected, Prediction actual, String what) {
        assertEquals(expected.classification().label(), actual.classification().label(), what);
        List<Double> want = expected.classification().probabilities();
        List<Double> got = actual.classification().probabilities();
        assertEquals(want.size(), got.size(), what);
        for (int c = 0; c < want.size(); c++) {
            assertEquals(want.get(c), got.get(c), 1e-6, what + ", class " + c);
        }
    }

    /** What the model answers for this row alone (a batch of two runs outside any merger). */
    private static Prediction alone(double[] row) {
        return model.predict(new double[][]{row, row}).get(0);
    }

    /**
     * Holds the first call (one lane) until {@code queued} more rows have queued behind it, so that the next call is
     * certain to carry them all.
     */
    private static final class HeldRuns implements Function<Batch, List<Prediction>> {
        final CountDownLatch firstEntered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Integer> callSizes = new CopyOnWriteArrayList<>();
        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public List<Prediction> apply(Batch batch) {
            callSizes.add(batch.size());
            if (calls.getAndIncrement() == 0) {
                firstEntered.countDown();
                try {
                    assertTrue(release.await(30, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            // A batch of two or more never goes back into a merger: a real ORT call with every row.
            return batch.size() == 1 ? model.predict(Batch.concat(List.of(batch, batch))).subList(0, 1)
                    : model.predict(batch);
        }
    }

    private static List<Future<Prediction>> queueBehindHeldCall(MicroBatcher batcher, HeldRuns runs,
                                                                ExecutorService pool, List<double[]> rows)
            throws Exception {
        List<Future<Prediction>> answers = new ArrayList<>();
        answers.add(pool.submit(() -> batcher.predict(batch(rows.get(0)))));
        assertTrue(runs.firstEntered.await(30, TimeUnit.SECONDS));
        for (int i = 1; i < rows.size(); i++) {
            double[] r = rows.get(i);
            answers.add(pool.submit(() -> batcher.predict(batch(r))));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (batcher.queued() < rows.size() - 1) {
            assertTrue(System.nanoTime() < deadline, "rows did not queue behind the held call");
            Thread.sleep(1);
        }
        runs.release.countDown();
        return answers;
    }

    @Test
    void rowsQueuedBehindABusyLaneGoInOneCallAndEachGetsItsOwnAnswer() throws Exception {
        HeldRuns runs = new HeldRuns();
        MicroBatcher batcher = new MicroBatcher(1, 64, runs);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            rows.add(row(i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(rows.size());
        try {
            List<Future<Prediction>> answers = queueBehindHeldCall(batcher, runs, pool, rows);
            for (int i = 0; i < rows.size(); i++) {
                assertSameAnswer(alone(rows.get(i)), answers.get(i).get(30, TimeUnit.SECONDS), "row " + i);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(1, 8), runs.callSizes, "the first row alone, then the eight queued rows in one call");
        assertEquals(1, batcher.mergedCalls());
        assertEquals(8, batcher.mergedRows());
    }

    @Test
    void aMergedCallTakesAtMostMaxRowsAndTheRestFollow() throws Exception {
        HeldRuns runs = new HeldRuns();
        MicroBatcher batcher = new MicroBatcher(1, 3, runs);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            rows.add(row(100 + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(rows.size());
        try {
            List<Future<Prediction>> answers = queueBehindHeldCall(batcher, runs, pool, rows);
            for (int i = 0; i < rows.size(); i++) {
                assertSameAnswer(alone(rows.get(i)), answers.get(i).get(30, TimeUnit.SECONDS), "row " + i);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(1, 3, 3, 1), runs.callSizes);
    }

    @Test
    void aRowThatFailsInAMergedCallFailsAloneAndTheOthersAreAnswered() throws Exception {
        HeldRuns runs = new HeldRuns();
        MicroBatcher batcher = new MicroBatcher(1, 64, runs);
        double[] overflows = {3e38, -3e38, 1, -1}; // the model gives no finite answer for it
        List<double[]> rows = List.of(row(1), row(2), overflows, row(3));
        ExecutorService pool = Executors.newFixedThreadPool(rows.size());
        try {
            List<Future<Prediction>> answers = queueBehindHeldCall(batcher, runs, pool, rows);
            assertSameAnswer(alone(rows.get(0)), answers.get(0).get(30, TimeUnit.SECONDS), "row 0");
            assertSameAnswer(alone(rows.get(1)), answers.get(1).get(30, TimeUnit.SECONDS), "row 1");
            assertSameAnswer(alone(rows.get(3)), answers.get(3).get(30, TimeUnit.SECONDS), "row 3");
            Exception failed = assertThrows(Exception.class, () -> answers.get(2).get(30, TimeUnit.SECONDS));
            ModelException cause = (ModelException) failed.getCause();
            assertEquals(ModelException.Kind.INVALID_INPUT, cause.kind());
            assertEquals(0, cause.fieldErrors().get(0).row(), "the error names the caller's own row");
        } finally {
            pool.shutdownNow();
        }
        // The merged call of three failed as a whole (the model refuses the batch), so each ran again alone.
        assertEquals(List.of(1, 3, 1, 1, 1), runs.callSizes);
        assertEquals(0, batcher.mergedCalls());
    }

    @Test
    void aLoneRowNeverWaitsAndRunsAlone() {
        List<Integer> sizes = new ArrayList<>();
        MicroBatcher batcher = new MicroBatcher(1, 64, b -> {
            sizes.add(b.size());
            return model.predict(Batch.concat(List.of(b, b))).subList(0, 1);
        });
        for (int i = 0; i < 5; i++) {
            assertSameAnswer(alone(row(i)), batcher.predict(batch(row(i))), "row " + i);
        }
        assertEquals(List.of(1, 1, 1, 1, 1), sizes);
        assertEquals(0, batcher.queued());
    }

    @Test
    void sixteenThreadsSendingDifferentRowsToTheModelEachGetTheirOwnAnswer() throws Exception {
        int threads = 16;
        int perThread = 400;
        List<Prediction> expected = new ArrayList<>();
        for (int i = 0; i < threads * perThread; i++) {
            expected.add(alone(row(i)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * perThread;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = first; i < first + perThread; i++) {
                        Prediction p = model.predict(row(i));
                        assertNotNull(p);
                        assertSameAnswer(expected.get(i), p, "row " + i);
                    }
                    return perThread;
                }));
            }
            start.countDown();
            for (Future<Integer> f : done) {
                assertEquals(perThread, f.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(model.mergedCalls() > 0, "sixteen threads on a model with few lanes should have merged some rows");
    }
}
