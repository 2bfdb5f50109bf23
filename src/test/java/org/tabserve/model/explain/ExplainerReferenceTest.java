package org.tabserve.model.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.Batch;

/**
 * tabserve's exact Shapley values equal the reference within 1e-4: the values {@code fixtures/make_shap_reference.py}
 * computed by brute force over every coalition, on the background it recorded: for the penguins species pipeline with
 * scikit-learn's own pipeline (the one the fixture was exported from), for the bundled bank-note model (Tribuo's SVM)
 * with numpy evaluating the graph's own weights. The test reads only the committed JSON; CI has no Python.
 */
class ExplainerReferenceTest {

    private static final Path SHAP = Path.of("src/test/resources/org/tabserve/fixtures/shap");
    private static final double TOLERANCE = 1e-4;

    @Test
    void thePenguinsSpeciesPipelineMatchesScikitLearnsBruteForce() throws Exception {
        assertMatchesReference(SHAP.resolve("species-zipmap.shap.json"));
    }

    @Test
    void theBundledBankNoteModelMatchesTheBruteForceOfItsOwnGraph() throws Exception {
        assertMatchesReference(SHAP.resolve("banknote.shap.json"));
    }

    private static void assertMatchesReference(Path file) throws Exception {
        JsonNode reference = new ObjectMapper().readTree(file.toFile());
        List<String> columns = new ArrayList<>();
        reference.path("columns").forEach(c -> columns.add(c.asText()));
        List<List<Object>> background = new ArrayList<>();
        for (JsonNode row : reference.path("background")) {
            List<Object> cells = new ArrayList<>();
            row.forEach(cell -> cells.add(value(cell)));
            background.add(cells);
        }
        try (Model model = OnnxModelLoader.load(Path.of(reference.path("model").asText()))) {
            assertEquals(columns, model.signature().featureNames());
            Explainer explainer = new Explainer(model, new Background(columns, background, 0, background.size()));
            List<Object[]> rows = new ArrayList<>();
            for (JsonNode explained : reference.path("rows")) {
                Object[] cells = new Object[columns.size()];
                for (int c = 0; c < cells.length; c++) {
                    cells[c] = value(explained.path("inputs").path(columns.get(c)));
                }
                rows.add(cells);
            }
            Batch batch = Batch.of(model.signature(), rows);
            assertTrue(batch.size() >= 3, "a few rows");
            for (int r = 0; r < batch.size(); r++) {
                JsonNode expected = reference.path("rows").get(r);
                Explanation explanation = explainer.exact(batch, r);
                String where = "row " + expected.path("row").asInt() + ": " + explanation;
                assertEquals(expected.path("class").asText(), explanation.explainedClass(), where);
                assertEquals(expected.path("base_value").asDouble(), explanation.baseValue(), TOLERANCE, where);
                assertEquals(expected.path("output").asDouble(), explanation.output(), TOLERANCE, where);
                for (String column : columns) {
                    assertEquals(
                            expected.path("contributions").path(column).asDouble(),
                            explanation.contributions().get(column),
                            TOLERANCE,
                            column + " of " + where);
                }
            }
        }
    }

    private static Object value(JsonNode cell) {
        return cell.isNull() ? null : cell.isTextual() ? cell.asText() : (Object) cell.asDouble();
    }
}
