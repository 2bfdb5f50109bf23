package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.tabserve.model.onnx.ModelAssertions.assertUnusable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.Prediction;

/**
 * A model whose outputs declare no shape (as onnxmltools writes LightGBM's) is served with the shape it returns at
 * the warm-up, its fixed batch of 10 rows fed in padded chunks, with scikit-learn's answers; and a refused model's
 * reason describes its outputs in the ONNX file's words, never in Java's.
 */
class UndeclaredShapesTest {

    private static final Path IRIS = Path.of("src/test/resources/org/tabserve/fixtures/iris");

    @TempDir
    Path dir;

    @Test
    void outputsOfNoDeclaredShapeAreReadFromTheWarmUpAndAnswerAsScikitLearnDid() throws IOException {
        JsonNode expected = new ObjectMapper()
                .readTree(IRIS.resolve("iris-undeclared-shape.expected.json").toFile());
        JsonNode rows = expected.get("rows");
        double[][] inputs = new double[rows.size()][];
        for (int r = 0; r < inputs.length; r++) {
            JsonNode row = rows.get(r).get("inputs");
            inputs[r] = new double[4];
            for (int c = 0; c < 4; c++) {
                inputs[r][c] = row.get(expected.get("columns").get(c).asText()).asDouble();
            }
        }
        try (Model model = OnnxModelLoader.load(IRIS.resolve("iris-undeclared-shape.onnx"))) {
            assertEquals(10, model.signature().fixedBatch());
            assertEquals(List.of("0", "1", "2"), model.signature().classLabels());
            assertEquals(List.of("f0", "f1", "f2", "f3"), model.signature().featureNames());
            // 150 rows, then 7: full chunks of 10, and one padded.
            for (int count : new int[] {inputs.length, 7}) {
                double[][] some = java.util.Arrays.copyOf(inputs, count);
                List<Prediction> predictions = model.predict(some);
                assertEquals(count, predictions.size());
                for (int r = 0; r < count; r++) {
                    JsonNode row = rows.get(r);
                    Prediction.Classification p = predictions.get(r).classification();
                    assertEquals(row.get("label").asText(), p.label(), "row " + (r + 1));
                    for (String label : List.of("0", "1", "2")) {
                        assertEquals(
                                row.get("probabilities").get(label).asDouble(),
                                p.probabilityOf(label),
                                1e-5,
                                "row " + (r + 1) + " class " + label);
                    }
                }
            }
        }
    }

    @Test
    void aRefusedModelsOutputsAreDescribedInWordsNotJava() {
        ModelException noProbabilities = assertUnusable(
                OnnxModels.labelOnly(dir.resolve("label-only.onnx")),
                "no usable output among 'label', an int64 tensor [N]");
        ModelException ambiguous = assertUnusable(
                OnnxModels.twoProbabilityOutputs(dir.resolve("ambiguous.onnx")),
                "its outputs are ambiguous: 'first', a float tensor [N, ",
                "'second', a float tensor [N, ");
        for (ModelException e : List.of(noProbabilities, ambiguous)) {
            String message = e.getMessage().toLowerCase(Locale.ROOT);
            for (String java : List.of("tensorinfo", "javatype", "nodeinfo", "onnxruntime.", "sequenceinfo")) {
                assertFalse(message.contains(java), () -> "'" + java + "' in: " + e.getMessage());
            }
        }
    }
}
