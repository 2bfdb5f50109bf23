package org.tabserve.model.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.model.Engine;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/**
 * Issue 47, item 12: on the rows where float arithmetic has its edges (zero and minus zero, 1e20 whose square
 * overflows float, ±3.4e38, denormals, NaN where taken), the plain-Java graph answers each as ONNX Runtime does, row
 * by row, for every fixture plain Java serves; on the Normalizer + LogisticRegression pipeline also as scikit-learn
 * does wherever ONNX Runtime gives an answer. Before the fix the plain L2 Normalizer divided an all-zero row by its
 * zero norm, and the row, with the whole batch of up to 16 rows around it (then plain Java's), was refused. A row the model refuses of any
 * caller (a linear score that overflows float in some order of adding: {@link OverflowingLinearRowsTest}) is not one
 * to compare engines on.
 */
class PlainEdgeRowsTest {

    private static final String FIXTURES = "src/test/resources/org/tabserve/fixtures/";
    private static final Path NORMALIZED = Path.of(FIXTURES + "boosted/normalized-linear.onnx");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "model.onnx",
                FIXTURES + "iris/iris-single-tensor.onnx",
                FIXTURES + "wide/wide-69.onnx",
                FIXTURES + "conformal/banknote-class-weak.onnx",
                FIXTURES + "penguins/species-zipmap.onnx",
                FIXTURES + "penguins/species-labels-in-graph.onnx",
                FIXTURES + "penguins/kg-as-text.onnx",
                FIXTURES + "boosted/normalized-linear.onnx"
            })
    void everyEdgeRowIsAnsweredByPlainJavaAsByOnnxRuntime(String file) throws Exception {
        try (Model loaded = OnnxModelLoader.load(Path.of(file))) {
            CheckedModel model = (CheckedModel) loaded;
            assertEquals(
                    Engine.PLAIN_JAVA, model.engine().name(), model.engine().note());
            Object[] ordinary = PlainCheck.rows(model.card(), model.signature()).get(0);
            List<Object[]> rows = new ArrayList<>();
            for (Object[] row : EdgeRows.of(model.signature().features(), ordinary)) {
                if (takes(model, row)) {
                    rows.add(row);
                }
            }
            assertTrue(rows.size() >= EdgeRows.VALUES.size(), rows.size() + " edge rows taken");
            assertAgree(model, Path.of(file), Batch.of(model.signature(), rows));
        }
    }

    @Test
    void theNormalizedLinearModelAnswersTheEdgesAsScikitLearnWhereOnnxRuntimeAnswers() throws Exception {
        JsonNode recorded = new ObjectMapper()
                .readTree(Path.of(FIXTURES + "boosted/normalized-linear.edges.json")
                        .toFile());
        try (Model loaded = OnnxModelLoader.load(NORMALIZED)) {
            CheckedModel model = (CheckedModel) loaded;
            List<Object[]> rows = new ArrayList<>();
            for (JsonNode row : recorded.get("rows")) {
                rows.add(new Object[] {
                    row.get(0).asDouble(),
                    row.get(1).asDouble(),
                    row.get(2).asDouble(),
                    row.get(3).asDouble()
                });
            }
            Batch batch = Batch.of(model.signature(), rows);
            List<Prediction> onnxRuntime = assertAgree(model, NORMALIZED, batch);
            int answered = 0;
            for (int r = 0; r < rows.size(); r++) {
                JsonNode sklearn = recorded.get("probabilities").get(r);
                if (onnxRuntime.get(r) == null) {
                    // ONNX Runtime squares in float: a value beyond sqrt(Float.MAX_VALUE) makes the row NaN, where
                    // scikit-learn's float32 norm is infinite and the row all zeros. Both engines refuse it.
                    assertTrue(largest(rows.get(r)) > Math.sqrt(Float.MAX_VALUE), "row " + r + " refused");
                    continue;
                }
                answered++;
                Prediction.Classification answer = (Prediction.Classification) onnxRuntime.get(r);
                for (int c = 0; c < 2; c++) {
                    assertEquals(
                            sklearn.get(c).asDouble(), answer.probabilities().get(c), 1e-5, "row " + r);
                }
            }
            assertEquals(20, answered, "0, -0.0 and the denormals, in every column and in each"); // 4 values x 5 rows
        }
    }

    @Test
    void aZeroRowInABatchOfAnySizeIsAnsweredAsByOnnxRuntime() {
        try (Model loaded = OnnxModelLoader.load(NORMALIZED)) {
            CheckedModel model = (CheckedModel) loaded;
            Object[] zero = {0.0, 0.0, 0.0, 0.0};
            Object[] ordinary = {39.5, 17.4, 186.0, 3800.0};
            Prediction onnxRuntime = model.predictOnnxRuntime(Batch.of(model.signature(), rows(zero, ordinary, 17)))
                    .get(0);
            for (int size : new int[] {1, 2, 16, 17}) {
                Prediction served = model.predict(Batch.of(model.signature(), rows(zero, ordinary, size)))
                        .get(0);
                assertNull(OrtAgreement.difference(onnxRuntime, served), size + " rows");
            }
            assertEquals(
                    0.5068635,
                    ((Prediction.Classification) onnxRuntime).probabilities().get(0),
                    1e-6); // sklearn's
        }
    }

    /** The plain graph's answers, one row at a time and all at once, against ONNX Runtime's. */
    private static List<Prediction> assertAgree(CheckedModel model, Path file, Batch batch) throws Exception {
        PlainEngine plain =
                PlainEngine.compile(GraphParser.parse(file), model.signature(), List.copyOf(model.outputNames()));
        List<Prediction> onnxRuntime = model.predictOnnxRuntime(batch);
        List<Prediction> all = model.predictPlain(plain, batch, 0, batch.size());
        for (int r = 0; r < batch.size(); r++) {
            Prediction single = model.predictPlain(plain, batch, r, 1).get(0);
            assertNull(OrtAgreement.difference(onnxRuntime.get(r), single), "row " + r);
            assertNull(OrtAgreement.difference(onnxRuntime.get(r), all.get(r)), "row " + r + " in the batch");
        }
        return onnxRuntime;
    }

    private static boolean takes(Model model, Object[] row) {
        try {
            Batch.of(model.signature(), List.<Object[]>of(row));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static double largest(Object[] row) {
        double largest = 0;
        for (Object cell : row) {
            largest = Math.max(largest, Math.abs(((Number) cell).doubleValue()));
        }
        return largest;
    }

    private static List<Object[]> rows(Object[] first, Object[] rest, int size) {
        List<Object[]> rows = new ArrayList<>();
        rows.add(first);
        while (rows.size() < size) {
            rows.add(rest);
        }
        return rows;
    }
}
