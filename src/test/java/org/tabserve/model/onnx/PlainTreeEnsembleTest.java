package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Engine;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.engine.OrtAgreement;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;

/**
 * The tree ensembles the real exporter made (skl2onnx: a random forest, gradient-boosted regressors and a boosted
 * binary classifier whose trees score one class through LOGISTIC, behind one-hot encoders and imputers) load onto
 * plain Java, and there answer every recorded row, one at a time, as scikit-learn itself did (labels equal,
 * probabilities within 1e-5, values within 1e-5 relative, as the fixtures' README sets them), and as ONNX Runtime
 * does.
 */
class PlainTreeEnsembleTest {

    private static final Path FIXTURES = Path.of("src/test/resources/org/tabserve/fixtures");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theRandomForestOfSpeciesAnswersAsScikitLearnRecorded() throws IOException {
        assertPenguins("species-nozipmap");
    }

    @Test
    void theBoostedBodyMassRegressorAnswersAsScikitLearnRecorded() throws IOException {
        assertPenguins("body-mass-regressor");
    }

    @Test
    void theBoostedBinaryClassifierOfOneScoredClassAnswersAsScikitLearnRecorded() throws IOException {
        Path dir = FIXTURES.resolve("boosted");
        JsonNode expected =
                JSON.readTree(dir.resolve("sex-boosted.expected.json").toFile());
        try (Model model = OnnxModelLoader.load(dir.resolve("sex-boosted.onnx"))) {
            List<Object[]> rows = csvRows(model.signature(), dir.resolve("sex-boosted.labelled.csv"));
            List<String> classes = new ArrayList<>();
            expected.get("classes").forEach(c -> classes.add(c.asText()));
            assertEquals(rows.size(), expected.get("probabilities").size());
            List<Prediction> answers = assertPlainAndAsOnnxRuntime(model, rows);
            for (int r = 0; r < rows.size(); r++) {
                Prediction.Classification c = answers.get(r).classification();
                JsonNode probabilities = expected.get("probabilities").get(r);
                for (int k = 0; k < classes.size(); k++) {
                    assertEquals(
                            probabilities.get(k).asDouble(),
                            c.probabilityOf(classes.get(k)),
                            1e-5,
                            "row " + r + " " + classes.get(k));
                }
                String label =
                        probabilities.get(1).asDouble() > probabilities.get(0).asDouble()
                                ? classes.get(1)
                                : classes.get(0);
                assertEquals(label, c.label(), "row " + r);
            }
        }
    }

    @Test
    void theBoostedEntropyRegressorOnOneTensorAnswersAsScikitLearnRecorded() throws IOException {
        Path dir = FIXTURES.resolve("conformal");
        JsonNode expected = JSON.readTree(
                dir.resolve("banknote-entropy-regressor.expected.json").toFile());
        try (Model model = OnnxModelLoader.load(dir.resolve("banknote-entropy-regressor.onnx"))) {
            List<Object[]> rows = csvRows(model.signature(), dir.resolve("test.csv"));
            assertEquals(rows.size(), expected.get("rows").size());
            List<Prediction> answers = assertPlainAndAsOnnxRuntime(model, rows);
            for (int r = 0; r < rows.size(); r++) {
                double value = expected.get("rows").get(r).get("value").asDouble();
                assertEquals(
                        value,
                        ((Prediction.Regression) answers.get(r)).value(),
                        1e-5 * Math.max(1, Math.abs(value)),
                        "row " + r);
            }
        }
    }

    private static void assertPenguins(String name) throws IOException {
        Path dir = FIXTURES.resolve("penguins");
        JsonNode expected = JSON.readTree(dir.resolve(name + ".expected.json").toFile());
        try (Model model = OnnxModelLoader.load(dir.resolve(name + ".onnx"))) {
            List<String> columns = model.signature().featureNames();
            List<Object[]> rows = new ArrayList<>();
            for (JsonNode row : expected.get("rows")) {
                Object[] cells = new Object[columns.size()];
                for (int f = 0; f < cells.length; f++) {
                    JsonNode cell = row.get("inputs").get(columns.get(f));
                    cells[f] = cell.isNull() ? null : cell.isTextual() ? cell.asText() : (Object) cell.asDouble();
                }
                rows.add(cells);
            }
            List<Prediction> answers = assertPlainAndAsOnnxRuntime(model, rows);
            int r = 0;
            for (JsonNode row : expected.get("rows")) {
                String where = name + " row " + row.get("row").asInt();
                if (row.has("value")) {
                    double value = row.get("value").asDouble();
                    assertEquals(
                            value,
                            ((Prediction.Regression) answers.get(r)).value(),
                            1e-5 * Math.max(1, Math.abs(value)),
                            where);
                } else {
                    Prediction.Classification c = answers.get(r).classification();
                    assertEquals(row.get("label").asText(), c.label(), where);
                    for (Iterator<Map.Entry<String, JsonNode>> it =
                                    row.get("probabilities").fields();
                            it.hasNext(); ) {
                        Map.Entry<String, JsonNode> p = it.next();
                        assertEquals(
                                p.getValue().asDouble(), c.probabilityOf(p.getKey()), 1e-5, where + " " + p.getKey());
                    }
                }
                r++;
            }
            assertTrue(r > 300, "every row was compared");
        }
    }

    /** @return each row's answer from plain Java, one row at a time, once checked to be ONNX Runtime's too */
    private static List<Prediction> assertPlainAndAsOnnxRuntime(Model loaded, List<Object[]> rows) {
        OnnxModel model = (OnnxModel) loaded;
        assertEquals(Engine.PLAIN_JAVA, model.engine().name(), model.engine().note());
        Batch batch = Batch.of(model.signature(), rows);
        List<Prediction> onnxRuntime = model.predictOnnxRuntime(batch);
        List<Prediction> answers = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            Prediction plain = model.predict(Batch.of(model.signature(), List.<Object[]>of(rows.get(r))))
                    .get(0);
            assertNull(OrtAgreement.difference(onnxRuntime.get(r), plain), "row " + r);
            answers.add(plain);
        }
        return answers;
    }

    /** The rows of a CSV whose header names the model's features (and more), an empty number missing. */
    private static List<Object[]> csvRows(ModelSignature signature, Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(",", -1));
        List<Object[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            Object[] cells = new Object[signature.featureCount()];
            for (int f = 0; f < cells.length; f++) {
                String text = fields[header.indexOf(signature.featureNames().get(f))];
                cells[f] = signature.features().get(f).type().isNumber()
                        ? (text.isEmpty() ? null : (Object) Double.parseDouble(text))
                        : text;
            }
            rows.add(cells);
        }
        return rows;
    }
}
