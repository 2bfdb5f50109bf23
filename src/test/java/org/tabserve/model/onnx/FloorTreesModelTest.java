package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Engine;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.engine.OrtAgreement;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/**
 * The tree model of issue 53's single-row comparison (fixtures/make_floor_trees_model.py: scikit-learn's
 * HistGradientBoostingClassifier, 100 trees of up to 31 leaves on the bank notes, one float tensor) loads onto plain
 * Java as a served model and answers every recorded row, one at a time, as scikit-learn itself did (labels equal,
 * probabilities within 1e-6) and as ONNX Runtime does, so the bench that times it times right answers.
 */
class FloorTreesModelTest {

    private static final Path DIR = Path.of("src/test/resources/org/tabserve/fixtures/floor");

    @Test
    void theHundredTreesOfThirtyOneLeavesAnswerAsScikitLearnRecorded() throws IOException {
        JsonNode expected = new ObjectMapper()
                .readTree(DIR.resolve("banknote-hgb-100x31.expected.json").toFile());
        assertEquals(100, expected.get("trees").asInt(), "100 trees");
        try (Model loaded = OnnxModelLoader.load(DIR.resolve("banknote-hgb-100x31.onnx"))) {
            OnnxModel model = (OnnxModel) loaded;
            assertEquals(
                    Engine.PLAIN_JAVA, model.engine().name(), model.engine().note());
            List<Object[]> rows = new ArrayList<>();
            for (JsonNode row : expected.get("rows")) {
                Object[] cells = new Object[row.size()];
                for (int f = 0; f < cells.length; f++) {
                    cells[f] = row.get(f).asDouble();
                }
                rows.add(cells);
            }
            List<Prediction> onnxRuntime = model.predictOnnxRuntime(Batch.of(model.signature(), rows));
            for (int r = 0; r < rows.size(); r++) {
                Prediction plain = model.predict(Batch.of(model.signature(), List.<Object[]>of(rows.get(r))))
                        .get(0);
                assertNull(OrtAgreement.difference(onnxRuntime.get(r), plain), "row " + r);
                Prediction.Classification c = plain.classification();
                assertEquals(expected.get("labels").get(r).asText(), c.label(), "row " + r);
                double one = expected.get("probability_1").get(r).asDouble();
                assertEquals(one, c.probabilityOf("1"), 1e-6, "row " + r + " class 1");
                assertEquals(1 - one, c.probabilityOf("0"), 1e-6, "row " + r + " class 0");
            }
        }
    }
}
