package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.model.Model;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.PredictionColumns;

/**
 * A batch's predictions come back from the model core as columns ({@link PredictionColumns}: each row's class index
 * and a rows × classes array of probabilities, or each row's value), read by the batch routes' writers without a
 * {@code Prediction} per row: on the real exporter's fixtures (ZipMap, probability tensor, labels in the graph, int64
 * labels, a regressor, a fixed batch of 4 whose parts are joined) the columns hold scikit-learn's answers for every
 * row, and the list view of the same batch gives for each row the prediction the columns hold, exactly.
 */
class PredictionColumnsTest {

    private static final Path DIR = Path.of("src/test/resources/org/tabserve/fixtures/penguins");
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "species-zipmap",
                "species-nozipmap",
                "species-labels-in-graph",
                "int64-column",
                "body-mass-regressor",
                "fixed-batch-4"
            })
    void aBatchsColumnsHoldScikitLearnsAnswersAndTheListViewAgreesWithThem(String name) throws IOException {
        JsonNode expected = JSON.readTree(DIR.resolve(name + ".expected.json").toFile());
        try (Model model = OnnxModelLoader.load(DIR.resolve(name + ".onnx"))) {
            ModelSignature signature = model.signature();
            List<Prediction> predictions = model.predict(Batch.of(signature, rows(expected, signature)));
            PredictionColumns columns = PredictionColumns.of(predictions);
            assertNotNull(columns, name + ": a batch's answers are held in columns, not " + predictions.getClass());
            assertEquals(expected.path("rows").size(), columns.size());
            assertFalse(predictions.contains(null), "every row answered");
            int r = 0;
            for (JsonNode row : expected.path("rows")) {
                String where = name + " row " + r;
                assertTrue(columns.answered(r), where);
                if (row.has("value")) {
                    assertFalse(columns.classifies(), where);
                    double value = row.path("value").asDouble();
                    assertEquals(value, columns.value(r), 1e-5 * Math.max(1, Math.abs(value)), where);
                    assertEquals(new Prediction.Regression(columns.value(r)), predictions.get(r), where);
                } else {
                    assertTrue(columns.classifies(), where);
                    assertEquals(signature.classLabels(), columns.classes());
                    assertEquals(row.path("label").asText(), columns.classes().get(columns.labelIndex(r)), where);
                    List<Double> probabilities = new ArrayList<>();
                    for (int c = 0; c < columns.classCount(); c++) {
                        String label = columns.classes().get(c);
                        assertEquals(
                                row.path("probabilities").path(label).asDouble(),
                                columns.probability(r, c),
                                1e-5,
                                where + " " + label);
                        probabilities.add(columns.probability(r, c));
                    }
                    Prediction.Classification view = predictions.get(r).classification();
                    assertEquals(columns.classes().get(columns.labelIndex(r)), view.label(), where);
                    assertEquals(probabilities, view.probabilities(), where + ": the same doubles, exactly");
                    assertSame(view, predictions.get(r), where + ": a row's prediction is made once");
                }
                r++;
            }
        }
    }

    @Test
    void aRowWithNoAnswerIsNullInTheListViewAndFoundWithoutMakingTheOthers() {
        PredictionColumns values = PredictionColumns.regressed(new double[] {1.5, Double.NaN, 3});
        assertEquals(1, values.indexOf(null));
        assertNull(values.get(1));
        assertEquals(new Prediction.Regression(3), values.get(2));

        PredictionColumns classes = PredictionColumns.classified(
                List.of("a", "b"), new int[] {1, PredictionColumns.NO_ANSWER}, new double[] {0.25, 0.75, 0, 0});
        assertTrue(classes.contains(null));
        assertNull(classes.get(1));
        assertEquals(new Prediction.Classification("b", List.of("a", "b"), List.of(0.25, 0.75)), classes.get(0));
        assertFalse(PredictionColumns.classified(List.of("a", "b"), new int[] {0}, new double[] {0.5, 0.5})
                .contains(null));
    }

    @Test
    void batchesJoinedKeepTheirRowsInOrder() {
        List<Prediction> joined = PredictionColumns.joined(List.of(
                PredictionColumns.classified(List.of("a", "b"), new int[] {0, 1}, new double[] {0.9, 0.1, 0.2, 0.8}),
                PredictionColumns.classified(List.of("a", "b"), new int[] {1}, new double[] {0.3, 0.7})));
        PredictionColumns columns = PredictionColumns.of(joined);
        assertNotNull(columns);
        assertEquals(3, columns.size());
        assertEquals(1, columns.labelIndex(2));
        assertEquals(0.7, columns.probability(2, 1));
        assertEquals(0.2, columns.probability(1, 0));
        List<Prediction> values = PredictionColumns.joined(List.of(
                PredictionColumns.regressed(new double[] {1}), PredictionColumns.regressed(new double[] {2, 3})));
        assertEquals(
                List.of(1.0, 2.0, 3.0),
                values.stream().map(p -> ((Prediction.Regression) p).value()).toList());
    }

    /** The fixture's rows as cells in the signature's column order (as {@link PenguinFixturesTest} reads them). */
    private static List<Object[]> rows(JsonNode expected, ModelSignature signature) {
        List<String> columns = signature.featureNames();
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
        return rows;
    }
}
