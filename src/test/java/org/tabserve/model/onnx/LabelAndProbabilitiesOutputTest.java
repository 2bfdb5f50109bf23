package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.tabserve.model.onnx.LinearModel.ROWS;
import static org.tabserve.model.onnx.LinearModel.THREE_CLASSES;
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
import org.tabserve.model.signature.OutputKind;

/** skl2onnx with {@code zipmap=False}: a label tensor [N] next to a probability tensor [N, C]. */
class LabelAndProbabilitiesOutputTest {

    @TempDir
    Path dir;

    private final double[][] expected =
            Arrays.stream(ROWS).map(THREE_CLASSES::softmax).toArray(double[][]::new);

    @Test
    void int64LabelsAndProbabilitiesMatchTheReferenceWithClassesFromTheCard() {
        List<String> classes = List.of("3", "5", "9");
        Path file = OnnxModels.labelAndProbabilities(
                dir.resolve("ints.onnx"),
                THREE_CLASSES,
                List.of(3L, 5L, 9L),
                Map.of(CardKeys.CLASSES, "[\"3\", \"5\", \"9\"]"));
        try (Model classifier = OnnxModelLoader.load(file)) {
            assertEquals(
                    OutputKind.LABEL_AND_PROBABILITIES, classifier.signature().outputKind());
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
        Path file = OnnxModels.labelAndProbabilities(
                dir.resolve("plain.onnx"), THREE_CLASSES, List.of(0L, 1L, 2L), Map.of());
        try (Model classifier = OnnxModelLoader.load(file)) {
            assertEquals(
                    OutputKind.LABEL_AND_PROBABILITIES, classifier.signature().outputKind());
            assertEquals(classes, classifier.signature().classLabels());
            assertPredictions(classifier.predict(ROWS), classes, expected);
        }
    }

    @Test
    void stringLabelsAndProbabilitiesMatchTheReference() {
        List<String> classes = List.of("setosa", "versicolor", "virginica");
        Path file = OnnxModels.labelAndProbabilities(
                dir.resolve("strings.onnx"),
                THREE_CLASSES,
                classes,
                Map.of(CardKeys.CLASSES, "[\"setosa\", \"versicolor\", \"virginica\"]"));
        try (Model classifier = OnnxModelLoader.load(file)) {
            assertEquals(
                    OutputKind.LABEL_AND_PROBABILITIES, classifier.signature().outputKind());
            assertEquals(classes, classifier.signature().classLabels());
            for (int r = 0; r < ROWS.length; r++) {
                assertPrediction(classifier.predict(ROWS[r]), classes, expected[r], "single row " + r);
            }
            assertPredictions(classifier.predict(ROWS), classes, expected);
        }
    }

    /** Issue 12: with no card, the classes are the labels the graph keeps in its classifier's attributes. */
    @Test
    void withoutACardTheClassesAreTheLabelsTheGraphKeeps() {
        List<String> names = List.of("setosa", "versicolor", "virginica");
        Path strings = OnnxModels.labelAndProbabilities(dir.resolve("unnamed.onnx"), THREE_CLASSES, names, Map.of());
        Path integers = OnnxModels.labelAndProbabilities(
                dir.resolve("gaps.onnx"), THREE_CLASSES, List.of(3L, 5L, 9L), Map.of());
        for (var model :
                Map.of(strings, names, integers, List.of("3", "5", "9")).entrySet()) {
            try (Model classifier = OnnxModelLoader.load(model.getKey())) {
                assertEquals(model.getValue(), classifier.signature().classLabels());
                for (int r = 0; r < ROWS.length; r++) {
                    assertPrediction(classifier.predict(ROWS[r]), model.getValue(), expected[r], "row " + r);
                }
            }
        }
    }
}
