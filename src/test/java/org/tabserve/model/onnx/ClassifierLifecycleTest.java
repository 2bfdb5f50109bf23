package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.model.onnx.LinearModel.ROWS;
import static org.tabserve.model.onnx.LinearModel.THREE_CLASSES;
import static org.tabserve.model.onnx.ModelAssertions.assertPredictions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModels.Head;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.Prediction;

/** A classifier knows where it came from, and once closed it refuses to predict instead of touching freed memory. */
class ClassifierLifecycleTest {

    private static final List<String> LABELS = List.of("0", "1", "2");

    @TempDir
    Path dir;

    private Path model() {
        return OnnxModels.tensorOutput(dir.resolve("model.onnx"), THREE_CLASSES, Head.SOFTMAX, false, Map.of());
    }

    private static void assertClosed(Model classifier, Path file, Executable call) {
        ModelException e = assertThrows(ModelException.class, call);
        assertEquals(ModelException.Kind.PREDICTION_FAILED, e.kind());
        assertTrue(e.getMessage().contains("closed") && e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void predictAfterCloseFailsAsPredictionFailed() {
        Path file = model();
        Model classifier = OnnxModelLoader.load(file);
        classifier.predict(ROWS[0]);
        classifier.close();
        assertClosed(classifier, file, () -> classifier.predict(ROWS[0]));
        assertClosed(classifier, file, () -> classifier.predict(ROWS));
    }

    @Test
    void closingTwiceIsHarmless() {
        Path file = model();
        Model classifier = OnnxModelLoader.load(file);
        classifier.close();
        classifier.close();
        assertClosed(classifier, file, () -> classifier.predict(ROWS[0]));
    }

    @Test
    void closingOneClassifierLeavesAnotherWorking() {
        Path file = model();
        double[][] expected = Arrays.stream(ROWS).map(THREE_CLASSES::softmax).toArray(double[][]::new);
        try (Model survivor = OnnxModelLoader.load(file)) {
            OnnxModelLoader.load(file).close();
            assertPredictions(survivor.predict(ROWS), LABELS, expected);
        }
        // And a model loaded after every earlier one closed still works (the shared ORT environment stays open).
        try (Model later = OnnxModelLoader.load(file)) {
            assertPredictions(later.predict(ROWS), LABELS, expected);
        }
    }

    @Test
    void classifierReportsItsSourceAndTheFilesSha256() throws Exception {
        Path file = model();
        String digest =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        try (Model classifier = OnnxModelLoader.load(file)) {
            assertEquals(file.toString(), classifier.source());
            assertEquals(digest, classifier.sha256());
            assertTrue(classifier.toString().contains(file.toString()), classifier.toString());
        }
    }

    @Test
    void severalIntraOpThreadsGiveTheSameAnswers() {
        Path file = model();
        try (Model one = OnnxModelLoader.load(file, 1);
                Model four = OnnxModelLoader.load(file, 4)) {
            List<Prediction> expected = one.predict(ROWS);
            List<Prediction> actual = four.predict(ROWS);
            for (int r = 0; r < ROWS.length; r++) {
                assertEquals(
                        expected.get(r).classification().label(),
                        actual.get(r).classification().label());
                for (String label : LABELS) {
                    assertEquals(
                            expected.get(r).classification().probabilityOf(label),
                            actual.get(r).classification().probabilityOf(label),
                            1e-6);
                }
            }
        }
    }

    /**
     * The crash of issue 15: a swapped-out model was closed while a scoring thread was still inside ONNX Runtime.
     * Now closing while a large batch runs lets the batch finish with right answers, and only then frees the session.
     * (Freeing it under the run crashed the JVM, or made ONNX Runtime fail the run.)
     */
    @Test
    void closingWhileABatchIsInsideTheModelLetsItFinishAndThenRefusesNewOnes() throws Exception {
        Path file = model();
        double[][] rows = new double[200_000][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = ROWS[r % ROWS.length];
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        int closedUnderARun = 0;
        try {
            for (int round = 0; round < 20; round++) {
                Model classifier = OnnxModelLoader.load(file);
                java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.Future<List<Prediction>> batch = pool.submit(() -> {
                    started.countDown();
                    return classifier.predict(rows);
                });
                started.await();
                Thread.sleep(2);
                classifier.close();
                boolean stillRunning = !batch.isDone();
                List<Prediction> predictions;
                try {
                    predictions = batch.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    // Closed before the batch got in: refused cleanly, which is also right.
                    assertClosed(classifier, file, () -> {
                        throw e.getCause();
                    });
                    continue;
                }
                if (stillRunning) {
                    closedUnderARun++;
                }
                assertEquals(rows.length, predictions.size());
                for (int r = 0; r < rows.length; r += 9_973) {
                    assertEquals(
                            THREE_CLASSES.softmax(rows[r])[0],
                            predictions.get(r).classification().probabilityOf("0"),
                            1e-5);
                }
                assertClosed(classifier, file, () -> classifier.predict(ROWS[0]));
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(closedUnderARun > 0, "close() never came while a batch was inside; the test proved nothing");
    }
}
