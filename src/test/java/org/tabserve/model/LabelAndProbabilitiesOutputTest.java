package org.tabserve.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.model.LinearModel.ROWS;
import static org.tabserve.model.LinearModel.THREE_CLASSES;
import static org.tabserve.model.ModelAssertions.assertPrediction;
import static org.tabserve.model.ModelAssertions.assertPredictions;
import static org.tabserve.model.ModelAssertions.assertUnusable;

/** skl2onnx with {@code zipmap=False}: a label tensor [N] next to a probability tensor [N, C]. */
class LabelAndProbabilitiesOutputTest {

    @TempDir
    Path dir;

    private final double[][] expected = Arrays.stream(ROWS).map(THREE_CLASSES::softmax).toArray(double[][]::new);

    @Test
    void int64LabelsAndProbabilitiesMatchTheReferenceWithClassesFromTheCard() {
        List<String> classes = List.of("3", "5", "9");
        Path file = OnnxModels.labelAndProbabilities(dir.resolve("ints.onnx"), THREE_CLASSES, List.of(3L, 5L, 9L),
                Map.of(CardKeys.CLASSES, "[\"3\", \"5\", \"9\"]"));
        try (OnnxClassifier classifier = OnnxClassifier.load(file)) {
            assertEquals(OutputKind.LABEL_AND_PROBABILITIES, classifier.signature().outputKind());
            assertEquals(classes, classifier.signature().classLabels());
            assertFalse(classifier.signature().logits());
            for (int r = 0; r < ROWS.length; r++) {
                assertPrediction(classifier.predict(ROWS[r]), classes, expected[r], "single row " + r);
            }
            assertPredictions(classifier.predict(ROWS), classes, expected);
        }
    }

    @Test
    void int64LabelsZeroToCMinusOneNeedNoCard() {
        List<String> classes = List.of("0", "1", "2");
        Path file = OnnxModels.labelAndProbabilities(dir.resolve("plain.onnx"), THREE_CLASSES, List.of(0L, 1L, 2L), Map.of());
        try (OnnxClassifier classifier = OnnxClassifier.load(file)) {
            assertEquals(OutputKind.LABEL_AND_PROBABILITIES, classifier.signature().outputKind());
            assertEquals(classes, classifier.signature().classLabels());
            assertPredictions(classifier.predict(ROWS), classes, expected);
        }
    }

    @Test
    void stringLabelsAndProbabilitiesMatchTheReference() {
        List<String> classes = List.of("setosa", "versicolor", "virginica");
        Path file = OnnxModels.labelAndProbabilities(dir.resolve("strings.onnx"), THREE_CLASSES, classes,
                Map.of(CardKeys.CLASSES, "[\"setosa\", \"versicolor\", \"virginica\"]"));
        try (OnnxClassifier classifier = OnnxClassifier.load(file)) {
            assertEquals(OutputKind.LABEL_AND_PROBABILITIES, classifier.signature().outputKind());
            assertEquals(classes, classifier.signature().classLabels());
            for (int r = 0; r < ROWS.length; r++) {
                assertPrediction(classifier.predict(ROWS[r]), classes, expected[r], "single row " + r);
            }
            assertPredictions(classifier.predict(ROWS), classes, expected);
        }
    }

    @Test
    void refusesStringLabelsWithoutClassesInTheCard() {
        Path file = OnnxModels.labelAndProbabilities(dir.resolve("unnamed.onnx"), THREE_CLASSES,
                List.of("setosa", "versicolor", "virginica"), Map.of());
        // The load-time check names the label output; a failed warm-up (the later, per-prediction check) would not.
        ModelException e = assertUnusable(file, "string label output 'label'", "'" + CardKeys.CLASSES + "'",
                "cannot be named");
        assertFalse(e.getMessage().contains("warm-up"), e.getMessage());
    }

    @Test
    void int64LabelsOtherThanZeroToCMinusOneWithoutACardAreRefusedByTheWarmUp() {
        // With no card the classes default to 0, 1, 2; the warm-up row (zeros) gives graph column 0, label 3.
        Path file = OnnxModels.labelAndProbabilities(dir.resolve("gaps.onnx"), THREE_CLASSES, List.of(3L, 5L, 9L), Map.of());
        assertUnusable(file, "warm-up prediction failed", "label output gave '3'", "not one of its classes [0, 1, 2]",
                "'" + CardKeys.CLASSES + "'");
    }

    @Test
    void int64LabelOutsideTheDefaultClassesFailsThePredictionThatGivesIt() {
        // Labels 0, 1, 5 without a card: classes default to 0, 1, 2, and the warm-up row (zeros) gives label 0, so the
        // model loads; a row whose winner is graph column 2 gets label 5, which is none of the classes.
        List<String> classes = List.of("0", "1", "2");
        Path file = OnnxModels.labelAndProbabilities(dir.resolve("five.onnx"), THREE_CLASSES, List.of(0L, 1L, 5L), Map.of());
        try (OnnxClassifier classifier = OnnxClassifier.load(file)) {
            assertEquals(classes, classifier.signature().classLabels());
            double[] columnTwoWins = ROWS[3];
            double[] columnZeroWins = ROWS[2];
            assertPrediction(classifier.predict(columnZeroWins), classes, expected[2], "row whose label is 0");

            ModelException single = assertThrows(ModelException.class, () -> classifier.predict(columnTwoWins));
            assertEquals(ModelException.Kind.PREDICTION_FAILED, single.kind(), single.getMessage());
            assertTrue(single.getMessage().contains("label output gave '5'"), single.getMessage());
            assertTrue(single.getMessage().contains("'" + CardKeys.CLASSES + "'"), single.getMessage());
            assertEquals(List.of(), single.fieldErrors());

            ModelException batch = assertThrows(ModelException.class,
                    () -> classifier.predict(new double[][]{columnZeroWins, columnTwoWins}));
            assertEquals(ModelException.Kind.PREDICTION_FAILED, batch.kind(), batch.getMessage());
            assertTrue(batch.getMessage().contains("label output gave '5'"), batch.getMessage());

            assertPrediction(classifier.predict(columnZeroWins), classes, expected[2], "row whose label is 0, afterwards");
        }
    }
}
