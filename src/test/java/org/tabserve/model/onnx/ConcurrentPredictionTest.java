package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.model.onnx.LinearModel.THREE_CLASSES;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModels.Head;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.ValueType;

/** One classifier shared by many threads answers every row exactly as it does for a single thread. */
class ConcurrentPredictionTest {

    private static final int THREADS = 8;
    private static final int BATCHES = 500;

    @TempDir
    Path dir;

    /** A distinct, deterministic row for each index. */
    private static double[] row(int i) {
        return new double[] {3 * Math.sin(i), 2 * Math.cos(0.7 * i), (i % 7) - 3, (i % 5) * 0.5};
    }

    /** Batch {@code b} holds 1 to 4 consecutive rows, so single rows and batches run side by side. */
    private static List<double[][]> batches() {
        List<double[][]> batches = new ArrayList<>();
        int next = 0;
        for (int b = 0; b < BATCHES; b++) {
            double[][] batch = new double[1 + b % 4][];
            for (int r = 0; r < batch.length; r++) {
                batch[r] = row(next++);
            }
            batches.add(batch);
        }
        return batches;
    }

    private static void assertSameAnswersFromEightThreads(Model classifier) throws Exception {
        assertSameAnswersFromEightThreads(batches(), classifier::predict);
    }

    private static <B> void assertSameAnswersFromEightThreads(List<B> batches, Function<B, List<Prediction>> predict)
            throws Exception {
        assertEquals(BATCHES, batches.size());
        List<List<Prediction>> expected = new ArrayList<>();
        for (B batch : batches) {
            expected.add(predict.apply(batch));
        }

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int offset = t * BATCHES / THREADS; // each thread starts elsewhere, so threads run different rows
                results.add(pool.submit(() -> {
                    start.await();
                    int checked = 0;
                    for (int k = 0; k < BATCHES; k++) {
                        int b = (offset + k) % BATCHES;
                        assertEquals(expected.get(b), predict.apply(batches.get(b)), "batch " + b);
                        checked++;
                    }
                    return checked;
                }));
            }
            start.countDown();
            for (Future<Integer> result : results) {
                assertEquals(BATCHES, result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void eightThreadsGetTheSameAnswersAsOneFromAFreeBatchModel() throws Exception {
        Path file = OnnxModels.tensorOutput(dir.resolve("free.onnx"), THREE_CLASSES, Head.SOFTMAX, false, Map.of());
        try (Model classifier = OnnxModelLoader.load(file)) {
            // The single-thread answers are themselves right.
            for (int i = 0; i < 20; i++) {
                Prediction p = classifier.predict(row(i));
                double[] expected = THREE_CLASSES.softmax(row(i));
                for (int c = 0; c < expected.length; c++) {
                    assertEquals(
                            expected[c],
                            p.classification().probabilities().get(c),
                            ModelAssertions.TOLERANCE,
                            "row " + i);
                }
            }
            assertSameAnswersFromEightThreads(classifier);
        }
    }

    @Test
    void eightThreadsGetTheSameAnswersAsOneFromABatchOfOneModel() throws Exception {
        Path file = OnnxModels.tensorOutput(dir.resolve("fixed.onnx"), THREE_CLASSES, Head.SOFTMAX, true, Map.of());
        try (Model classifier = OnnxModelLoader.load(file)) {
            assertSameAnswersFromEightThreads(classifier);
        }
    }

    /**
     * The penguins classifier's single rows bind text values to one-row tensors shared by every run (made once, at
     * load): threads running them at once, mixed with batches, must each get the answer a lone thread gets.
     */
    @Test
    void eightThreadsGetTheSameAnswersAsOneFromTextInputsSharedAcrossRuns() throws Exception {
        Path fixtures = Path.of("src/test/resources/org/tabserve/fixtures/penguins");
        try (Model classifier = OnnxModelLoader.load(fixtures.resolve("species-zipmap.onnx"))) {
            ModelSignature signature = classifier.signature();
            List<String> lines = Files.readAllLines(fixtures.resolve("species-zipmap.inputs.csv"));
            List<String> header = List.of(lines.get(0).split(",", -1));
            List<Object[]> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.split(",", -1);
                Object[] row = new Object[signature.features().size()];
                for (int f = 0; f < row.length; f++) {
                    Feature feature = signature.features().get(f);
                    String text = fields[header.indexOf(feature.name())];
                    row[f] = feature.type() == ValueType.STRING
                            ? text
                            : text.isEmpty() ? null : (Object) Double.parseDouble(text);
                }
                rows.add(row);
            }
            List<Batch> batches = new ArrayList<>();
            for (int b = 0; b < BATCHES; b++) {
                int size = b % 4 == 3 ? 3 : 1; // mostly single rows (shared tensors), some batches (their own)
                List<Object[]> cells = new ArrayList<>();
                for (int r = 0; r < size; r++) {
                    cells.add(rows.get((b * 7 + r) % rows.size()));
                }
                batches.add(Batch.of(signature, cells));
            }
            assertSameAnswersFromEightThreads(batches, classifier::predict);
        }
    }

    @Test
    void eightThreadsGetTheSameAnswersAsOneFromAZipMapModel() throws Exception {
        Path file = OnnxModels.labelAndZipMap(dir.resolve("zip.onnx"), THREE_CLASSES, List.of("b", "a", "c"), Map.of());
        try (Model classifier = OnnxModelLoader.load(file)) {
            assertSameAnswersFromEightThreads(classifier);
        }
    }
}
