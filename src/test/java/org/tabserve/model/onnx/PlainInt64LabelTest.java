package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Engine;
import org.tabserve.model.Model;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/**
 * A scikit-learn linear pipeline with int64 labels, as skl2onnx exports it (its label, and an int64 column it picks,
 * cast to int64: issue 51, item 8), runs in plain Java, and each row alone (a plain-Java answer) is scikit-learn's
 * recorded answer: the label, and every probability within 1e-5.
 */
class PlainInt64LabelTest {

    private static final Path DIR = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    @Test
    void anInt64LabelledLinearPipelineRunsInPlainJavaWithScikitLearnsAnswers() throws Exception {
        JsonNode expected = new ObjectMapper()
                .readTree(DIR.resolve("int64-column.expected.json").toFile());
        try (Model model = OnnxModelLoader.load(DIR.resolve("int64-column.onnx"))) {
            assertEquals(
                    Engine.PLAIN_JAVA, model.engine().name(), model.engine().note());
            List<String> columns = model.signature().featureNames();
            int compared = 0;
            for (JsonNode row : expected.path("rows")) {
                Object[] cells = new Object[columns.size()];
                for (int f = 0; f < cells.length; f++) {
                    JsonNode cell = row.path("inputs").path(columns.get(f));
                    cells[f] = cell.isTextual()
                            ? cell.asText()
                            : cell.isIntegralNumber() ? (Object) cell.asLong() : (Object) cell.asDouble();
                }
                Prediction.Classification answer = model.predict(Batch.of(model.signature(), List.<Object[]>of(cells)))
                        .get(0)
                        .classification();
                String where = "row " + row.path("row").asInt();
                assertEquals(row.path("label").asText(), answer.label(), where);
                for (Iterator<Map.Entry<String, JsonNode>> it =
                                row.path("probabilities").fields();
                        it.hasNext(); ) {
                    Map.Entry<String, JsonNode> p = it.next();
                    assertEquals(
                            p.getValue().asDouble(), answer.probabilityOf(p.getKey()), 1e-5, where + " " + p.getKey());
                }
                compared++;
            }
            assertTrue(compared > 300, "every row was compared: " + compared);
        }
    }
}
