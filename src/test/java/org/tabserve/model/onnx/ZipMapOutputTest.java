package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.tabserve.model.signature.OutputKind;
import org.tabserve.model.signature.Prediction;

/**
 * skl2onnx's default output: a label tensor [N] and a ZipMap, a sequence of maps from class to probability. The
 * graph's labels are deliberately not in sorted order, so that a probability read from the wrong key shows.
 */
class ZipMapOutputTest {

    @TempDir
    Path dir;

    private final double[][] expected =
            Arrays.stream(ROWS).map(THREE_CLASSES::softmax).toArray(double[][]::new);

    @Test
    void int64KeysGiveEachClassItsProbabilityWithClassesInNumericOrder() {
        // Column c of the graph is class label 10, 2, 7 in turn.
        List<String> columnLabels = List.of("10", "2", "7");
        Path file = OnnxModels.labelAndZipMap(dir.resolve("ints.onnx"), THREE_CLASSES, List.of(10L, 2L, 7L), Map.of());
        try (Model classifier = OnnxModelLoader.load(file)) {
            assertEquals(OutputKind.LABEL_AND_ZIPMAP, classifier.signature().outputKind());
            assertEquals(List.of("2", "7", "10"), classifier.signature().classLabels());
            for (int r = 0; r < ROWS.length; r++) {
                assertPrediction(classifier.predict(ROWS[r]), columnLabels, expected[r], "single row " + r);
            }
            assertPredictions(classifier.predict(ROWS), columnLabels, expected);
        }
    }

    @Test
    void stringKeysGiveEachClassItsProbabilityWithClassesInSortedOrder() {
        List<String> columnLabels = List.of("versicolor", "setosa", "virginica");
        Path file = OnnxModels.labelAndZipMap(dir.resolve("strings.onnx"), THREE_CLASSES, columnLabels, Map.of());
        try (Model classifier = OnnxModelLoader.load(file)) {
            assertEquals(OutputKind.LABEL_AND_ZIPMAP, classifier.signature().outputKind());
            assertEquals(
                    List.of("setosa", "versicolor", "virginica"),
                    classifier.signature().classLabels());
            for (int r = 0; r < ROWS.length; r++) {
                assertPrediction(classifier.predict(ROWS[r]), columnLabels, expected[r], "single row " + r);
            }
            assertPredictions(classifier.predict(ROWS), columnLabels, expected);
        }
    }

    @Test
    void cardClassesSetTheOrderOfZipMapProbabilities() {
        List<String> cardOrder = List.of("7", "10", "2");
        Path file = OnnxModels.labelAndZipMap(
                dir.resolve("ordered.onnx"),
                THREE_CLASSES,
                List.of(10L, 2L, 7L),
                Map.of(CardKeys.CLASSES, "[\"7\", \"10\", \"2\"]"));
        try (Model classifier = OnnxModelLoader.load(file)) {
            assertEquals(cardOrder, classifier.signature().classLabels());
            Prediction prediction = classifier.predict(ROWS[2]);
            assertEquals(cardOrder, prediction.classification().classes());
            double[] columns = expected[2]; // graph columns: 10, 2, 7
            assertEquals(columns[2], prediction.classification().probabilities().get(0), TOLERANCE);
            assertEquals(columns[0], prediction.classification().probabilities().get(1), TOLERANCE);
            assertEquals(columns[1], prediction.classification().probabilities().get(2), TOLERANCE);
            assertEquals("10", prediction.classification().label());
        }
    }
}
