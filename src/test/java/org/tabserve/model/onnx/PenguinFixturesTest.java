package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.model.Model;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.RangeWarning;

/**
 * Every model the real exporter made (fixtures/make_penguins_models.py: skl2onnx pipelines with text, integer and
 * missing inputs, string and int64 labels, labels kept only in the graph, a regressor, a fixed batch of 4) is served by
 * the core with scikit-learn's own answers for every row: labels equal, probabilities within 1e-5, values within 1e-5
 * relative. The signature read from each graph matches what the script says of its inputs.
 */
class PenguinFixturesTest {

    private static final Path DIR = Path.of("src/test/resources/org/tabserve/fixtures/penguins");
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "species-zipmap",
                "species-nozipmap",
                "species-labels-in-graph",
                "body-mass-regressor",
                "int64-column",
                "fixed-batch-4"
            })
    void answersAsScikitLearnDidForEveryRow(String name) throws IOException {
        JsonNode expected = JSON.readTree(DIR.resolve(name + ".expected.json").toFile());
        try (Model model = OnnxModelLoader.load(DIR.resolve(name + ".onnx"))) {
            ModelSignature signature = model.signature();
            assertEquals(expected.path("task").asText(), signature.task().jsonName());
            if (!name.equals("fixed-batch-4")) { // hand-made and named fixed_batch_4; skl2onnx names graphs by a uuid
                assertEquals(name, model.card().name(), "a generated graph name is no name: the file's is used");
            }
            List<String> columns = new ArrayList<>();
            for (JsonNode input : expected.path("inputs")) {
                if (input.has("columns")) {
                    input.path("columns").forEach(c -> columns.add(c.asText()));
                    assertEquals(input.path("shape").get(0).asInt(), signature.fixedBatch());
                    continue;
                }
                columns.add(input.path("name").asText());
                Feature feature = signature.feature(input.path("name").asText()).orElseThrow();
                assertEquals(input.path("type").asText(), feature.type().name().toLowerCase(), feature.name());
                assertEquals(input.path("missing_allowed").asBoolean(), feature.missingAllowed(), feature.name());
            }
            assertEquals(columns, signature.featureNames());
            if (expected.has("classes")) {
                List<String> classes = new ArrayList<>();
                expected.path("classes").forEach(c -> classes.add(c.asText()));
                assertEquals(classes, signature.classLabels());
            }

            List<Object[]> rows = new ArrayList<>();
            for (JsonNode row : expected.path("rows")) {
                Object[] cells = new Object[columns.size()];
                for (int f = 0; f < columns.size(); f++) {
                    JsonNode cell = row.path("inputs").path(columns.get(f));
                    cells[f] = cell.isNull()
                            ? null
                            : cell.isTextual()
                                    ? cell.asText()
                                    : cell.isIntegralNumber() ? (Object) cell.asLong() : (Object) cell.asDouble();
                }
                rows.add(cells);
            }
            Batch batch = Batch.of(signature, rows);
            List<Prediction> predictions = model.predict(batch);
            int r = 0;
            for (JsonNode row : expected.path("rows")) {
                String where = name + " row " + row.path("row").asInt();
                Prediction prediction = predictions.get(r);
                if (row.has("value")) {
                    double value = row.path("value").asDouble();
                    double actual = ((Prediction.Regression) prediction).value();
                    assertEquals(value, actual, 1e-5 * Math.max(1, Math.abs(value)), where);
                } else {
                    Prediction.Classification c = prediction.classification();
                    assertEquals(row.path("label").asText(), c.label(), where);
                    for (Iterator<Map.Entry<String, JsonNode>> it =
                                    row.path("probabilities").fields();
                            it.hasNext(); ) {
                        Map.Entry<String, JsonNode> p = it.next();
                        assertEquals(
                                p.getValue().asDouble(), c.probabilityOf(p.getKey()), 1e-5, where + " " + p.getKey());
                    }
                }
                List<String> unknown = new ArrayList<>();
                row.path("unknown").forEach(u -> unknown.add(u.asText()));
                assertEquals(
                        unknown,
                        batch.warnings(r).stream().map(RangeWarning::feature).toList(),
                        where + ": a category the encoder never saw is a warning on its field");
                r++;
            }
            assertTrue(r > 300, "every row was compared");

            // One row per call takes the binder's shared one-row text tensors (a known category) or makes its own
            // (an unknown one): the answers must be the batch's (ORT's kernels may round a lone row differently in
            // the last float bit, hence the tolerance).
            for (int i = 0; i < rows.size(); i++) {
                String where = name + " row " + i + " alone";
                Prediction inBatch = predictions.get(i);
                Prediction alone = model.predict(Batch.of(signature, List.<Object[]>of(rows.get(i))))
                        .get(0);
                if (inBatch instanceof Prediction.Regression regression) {
                    double value = regression.value();
                    assertEquals(
                            value, ((Prediction.Regression) alone).value(), 1e-6 * Math.max(1, Math.abs(value)), where);
                } else {
                    assertEquals(
                            inBatch.classification().label(),
                            alone.classification().label(),
                            where);
                    List<Double> expectedProbabilities =
                            inBatch.classification().probabilities();
                    for (int c = 0; c < expectedProbabilities.size(); c++) {
                        assertEquals(
                                expectedProbabilities.get(c),
                                alone.classification().probabilities().get(c),
                                1e-6,
                                where + " class " + c);
                    }
                }
            }
        }
    }
}
