package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.model.onnx.LinearModel.ONE_COLUMN;
import static org.tabserve.model.onnx.LinearModel.ROWS;
import static org.tabserve.model.onnx.LinearModel.THREE_CLASSES;
import static org.tabserve.model.onnx.ModelAssertions.TOLERANCE;
import static org.tabserve.model.onnx.ModelAssertions.assertPrediction;
import static org.tabserve.model.onnx.ModelAssertions.assertPredictions;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.onnx.OnnxModels.Head;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.model.signature.Prediction;

/** Models with a single float output [N, C] (Tribuo, Keras, PyTorch): probabilities, logits, or one sigmoid column. */
class TensorOutputTest {

    private static final List<String> THREE_LABELS = List.of("0", "1", "2");
    private static final List<String> TWO_LABELS = List.of("0", "1");
    private static final Map<String, String> LOGITS = Map.of(CardKeys.SCORES, "logits");

    @TempDir
    Path dir;

    @Test
    void softmaxOutputGivesEveryClassItsProbabilityRowByRowAndInOneBatch() {
        Path file = OnnxModels.tensorOutput(dir.resolve("softmax.onnx"), THREE_CLASSES, Head.SOFTMAX, false, Map.of());
        try (Model classifier = OnnxModelLoader.load(file)) {
            ModelSignature signature = classifier.signature();
            assertEquals(OutputKind.PROBABILITIES, signature.outputKind());
            assertEquals(THREE_LABELS, signature.classLabels());
            assertEquals("input", signature.inputName());
            assertFalse(signature.logits());
            assertEquals(0, signature.fixedBatch());

            double[][] expected =
                    Arrays.stream(ROWS).map(THREE_CLASSES::softmax).toArray(double[][]::new);
            for (int r = 0; r < ROWS.length; r++) {
                assertPrediction(classifier.predict(ROWS[r]), THREE_LABELS, expected[r], "single row " + r);
            }
            assertPredictions(classifier.predict(ROWS), THREE_LABELS, expected);
        }
    }

    @Test
    void predictionListsClassesInOutputOrderWithMatchingProbabilities() {
        Path file = OnnxModels.tensorOutput(dir.resolve("softmax.onnx"), THREE_CLASSES, Head.SOFTMAX, false, Map.of());
        try (Model classifier = OnnxModelLoader.load(file)) {
            Prediction prediction = classifier.predict(ROWS[3]);
            double[] expected = THREE_CLASSES.softmax(ROWS[3]);
            assertEquals(THREE_LABELS, prediction.classification().classes());
            for (int c = 0; c < expected.length; c++) {
                assertEquals(
                        expected[c], prediction.classification().probabilities().get(c), TOLERANCE);
                assertEquals(
                        expected[c],
                        prediction.classification().probabilityByClass().get(THREE_LABELS.get(c)),
                        TOLERANCE);
            }
        }
    }

    @Test
    void logitsAreTurnedIntoProbabilitiesWithSoftmaxWhenTheCardSaysLogits() {
        Path file = OnnxModels.tensorOutput(dir.resolve("logits.onnx"), THREE_CLASSES, Head.LOGITS, false, LOGITS);
        try (Model classifier = OnnxModelLoader.load(file)) {
            assertEquals(OutputKind.PROBABILITIES, classifier.signature().outputKind());
            assertTrue(classifier.signature().logits());
            assertEquals(THREE_LABELS, classifier.signature().classLabels());
            double[][] expected =
                    Arrays.stream(ROWS).map(THREE_CLASSES::softmax).toArray(double[][]::new);
            assertPredictions(classifier.predict(ROWS), THREE_LABELS, expected);
        }
    }

    /** Issue 12: a graph that ends its scores in Gemm (or MatMul, Add) without a card gives logits: softmax them. */
    @Test
    void scoresOfAGraphEndingInGemmAreReadAsLogitsWhenTheCardSaysNothing() {
        Path file = OnnxModels.tensorOutput(dir.resolve("gemm.onnx"), THREE_CLASSES, Head.LOGITS, false, Map.of());
        try (Model classifier = OnnxModelLoader.load(file)) {
            assertTrue(classifier.signature().logits());
            for (double[] row : ROWS) {
                double[] expected = THREE_CLASSES.softmax(row);
                Prediction.Classification prediction = classifier.predict(row).classification();
                for (int c = 0; c < expected.length; c++) {
                    assertEquals(expected[c], prediction.probabilityOf(THREE_LABELS.get(c)), TOLERANCE);
                }
            }
        }
    }

    /** Scores outside [0, 1] are never served as probabilities, even when the card says they are: refused at load. */
    @Test
    void aCardThatCallsScoresOutsideZeroToOneProbabilitiesIsRefusedAtLoad() {
        Path file = OnnxModels.tensorOutput(
                dir.resolve("raw.onnx"), THREE_CLASSES, Head.LOGITS, false, Map.of(CardKeys.SCORES, "probabilities"));
        ModelException e = assertThrows(ModelException.class, () -> OnnxModelLoader.load(file));
        assertEquals(ModelException.Kind.UNUSABLE_MODEL, e.kind());
        assertTrue(
                e.getMessage().contains("output 'scores' gave")
                        && e.getMessage().contains("not probabilities")
                        && e.getMessage().contains("'" + CardKeys.SCORES + "' = logits"),
                e.getMessage());
    }

    @Test
    void singleLogitColumnIsTurnedIntoProbabilitiesWithSigmoidWhenTheCardSaysLogits() {
        Path file = OnnxModels.tensorOutput(dir.resolve("logit.onnx"), ONE_COLUMN, Head.LOGITS, false, LOGITS);
        try (Model classifier = OnnxModelLoader.load(file)) {
            assertEquals(TWO_LABELS, classifier.signature().classLabels());
            double[][] expected =
                    Arrays.stream(ROWS).map(ONE_COLUMN::sigmoidPair).toArray(double[][]::new);
            assertPredictions(classifier.predict(ROWS), TWO_LABELS, expected);
        }
    }

    @Test
    void modelWithBatchFixedAtOneAnswersABatchLikeTheFreeBatchModel() {
        Path fixed = OnnxModels.tensorOutput(dir.resolve("fixed.onnx"), THREE_CLASSES, Head.SOFTMAX, true, Map.of());
        Path free = OnnxModels.tensorOutput(dir.resolve("free.onnx"), THREE_CLASSES, Head.SOFTMAX, false, Map.of());
        try (Model one = OnnxModelLoader.load(fixed);
                Model many = OnnxModelLoader.load(free)) {
            assertTrue(one.signature().fixedBatch() == 1);
            assertFalse(many.signature().fixedBatch() == 1);
            List<Prediction> fromFixed = one.predict(ROWS);
            List<Prediction> fromFree = many.predict(ROWS);
            assertEquals(ROWS.length, fromFixed.size());
            for (int r = 0; r < ROWS.length; r++) {
                assertEquals(
                        fromFree.get(r).classification().label(),
                        fromFixed.get(r).classification().label(),
                        "label of row " + r);
                for (String label : THREE_LABELS) {
                    assertEquals(
                            fromFree.get(r).classification().probabilityOf(label),
                            fromFixed.get(r).classification().probabilityOf(label),
                            1e-6,
                            "class " + label + " of row " + r);
                }
            }
            double[][] expected =
                    Arrays.stream(ROWS).map(THREE_CLASSES::softmax).toArray(double[][]::new);
            assertPredictions(fromFixed, THREE_LABELS, expected);
        }
    }

    @Test
    void emptyBatchGivesNoPredictions() {
        Path file = OnnxModels.tensorOutput(dir.resolve("softmax.onnx"), THREE_CLASSES, Head.SOFTMAX, false, Map.of());
        try (Model classifier = OnnxModelLoader.load(file)) {
            assertEquals(List.of(), classifier.predict(new double[0][]));
        }
    }
}
