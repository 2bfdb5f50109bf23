package org.tabserve.model.onnx.cardread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.cardmaking.CardWriter;
import org.tabserve.cardmaking.ClassificationMetrics;
import org.tabserve.cardmaking.RegressionMetrics;
import org.tabserve.model.card.Calibration;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.Evaluation;
import org.tabserve.model.card.RegressionEvaluation;
import org.tabserve.model.card.RocCurve;

/**
 * The metrics the card writer puts in a card come back from {@link CardMetrics} (through {@link CardReader}, which
 * names the key) as typed values: ROC curve, calibration, regression metrics; malformed ones are refused naming the
 * key.
 */
class CardMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static CardReader reader(String key, Object value) {
        return new CardReader(new CardWriter().json(key, value).entries());
    }

    private static List<Double> doubles(JsonNode array) {
        List<Double> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asDouble()));
        return out;
    }

    @Test
    void aBinaryClassifiersRocCurveAndCalibrationComeBackAsWritten() throws Exception {
        ClassificationMetrics metrics = new ClassificationMetrics(List.of("no", "yes"));
        // Positives scored 0.9 and 0.7, negatives 0.8 and 0.1: 3 of the 4 (positive, negative) pairs are in order.
        metrics.add("yes", "yes", List.of(0.1, 0.9));
        metrics.add("no", "yes", List.of(0.2, 0.8));
        metrics.add("yes", "yes", List.of(0.3, 0.7));
        metrics.add("no", "no", List.of(0.9, 0.1));
        Map<String, Object> written = metrics.toJson("on the data given");
        JsonNode json = JSON.readTree(JSON.writeValueAsString(written));

        Evaluation evaluation = reader(CardKeys.METRICS, written).evaluation().orElseThrow();
        RocCurve roc = evaluation.roc();
        assertEquals("yes", roc.positiveClass());
        assertEquals(0.75, roc.auc(), 1e-12);
        assertEquals(4, roc.rows());
        assertEquals(doubles(json.at("/roc/fpr")), roc.fpr());
        assertEquals(doubles(json.at("/roc/tpr")), roc.tpr());
        assertEquals(List.of(0.0, 0.0, 0.5, 0.5, 1.0), roc.fpr());
        assertEquals(List.of(0.0, 0.5, 0.5, 1.0, 1.0), roc.tpr());

        Calibration calibration = evaluation.calibration();
        assertEquals("yes", calibration.positiveClass());
        assertEquals(List.of(0.1, 0.7, 0.8, 0.9), calibration.predicted());
        assertEquals(List.of(0.0, 1.0, 0.0, 1.0), calibration.observed());
        assertEquals(List.of(1L, 1L, 1L, 1L), calibration.counts());
        assertEquals(0.75, evaluation.accuracy());
    }

    @Test
    void threeClassMetricsHaveNoRocCurveNorCalibration() {
        ClassificationMetrics metrics = new ClassificationMetrics(List.of("a", "b", "c"));
        metrics.add("a", "a", List.of(0.8, 0.1, 0.1));
        metrics.add("b", "c", List.of(0.1, 0.3, 0.6));
        Evaluation evaluation =
                reader(CardKeys.METRICS, metrics.toJson("x")).evaluation().orElseThrow();
        assertNull(evaluation.roc());
        assertNull(evaluation.calibration());
    }

    @Test
    void aRegressorsMetricsComeBackAsWritten() throws Exception {
        RegressionMetrics metrics = new RegressionMetrics();
        double[][] rows = {{3000, 3100}, {3500, 3400}, {4000, 4250}, {4500, 4500}, {5000, 4800}};
        for (double[] row : rows) {
            metrics.add(row[0], row[1]);
        }
        Map<String, Object> written = metrics.toJson("on the data given");
        JsonNode json = JSON.readTree(JSON.writeValueAsString(written));
        CardReader reader = reader(CardKeys.METRICS, written);
        assertTrue(reader.evaluation().isEmpty(), "a regressor has no classifier metrics");

        RegressionEvaluation regression = reader.regressionEvaluation().orElseThrow();
        assertEquals("on the data given", regression.method());
        assertEquals(5, regression.rows());
        assertEquals((100 + 100 + 250 + 0 + 200) / 5.0, regression.mae(), 1e-9);
        assertEquals(Math.sqrt((100 * 100 + 100 * 100 + 250 * 250 + 200 * 200) / 5.0), regression.rmse(), 1e-9);
        assertEquals(1 - (10_000 + 10_000 + 62_500 + 40_000) / 2_500_000.0, regression.r2(), 1e-12);
        assertEquals(
                doubles(json.at("/residual_histogram/edges")),
                regression.residuals().edges());
        assertEquals(
                5,
                regression.residuals().counts().get(RegressionEvaluation.RESIDUALS).stream()
                        .mapToInt(Integer::intValue)
                        .sum(),
                "every residual in one bin");
        assertEquals(List.of(3000.0, 3500.0, 4000.0, 4500.0, 5000.0), regression.actual());
        assertEquals(List.of(3100.0, 3400.0, 4250.0, 4500.0, 4800.0), regression.predicted());
    }

    @Test
    void classifierMetricsWithoutRocOrCalibrationAreRead() {
        ClassificationMetrics metrics = new ClassificationMetrics(List.of("no", "yes"));
        metrics.add("yes", "no"); // no probabilities: no ROC curve, no calibration
        Evaluation evaluation =
                reader(CardKeys.METRICS, metrics.toJson("x")).evaluation().orElseThrow();
        assertNull(evaluation.roc());
        assertNull(evaluation.calibration());
    }

    private static final String BINARY = """
            {"method": "m", "rows": 2, "accuracy": 0.5,
             "per_class": {"0": {"precision": 1, "recall": 0.5, "f1": 0.667, "support": 2}},
             "confusion_matrix": {"labels": ["0", "1"], "counts": [[1, 1], [0, 0]]},
             "roc": {"positive_class": "1", "auc": 0.75, "fpr": [0, 0.5, 1], "tpr": [0, 1, 1]},
             "calibration": {"positive_class": "1", "predicted": [0.2, 0.8], "observed": [0, 1], "counts": [1, 1]}}""";

    private static final String REGRESSION = """
            {"method": "m", "rows": 2, "mae": 1.5, "rmse": 2, "r2": 0.9,
             "residual_histogram": {"edges": [-2, 0, 2], "counts": [1, 1]},
             "points": {"actual": [1, 2], "predicted": [2, 0]}}""";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"fpr\": [0, 0.5, 1]|\"fpr\": [0, \"half\", 1]",
                "\"fpr\": [0, 0.5, 1]|\"fpr\": [0, 1]",
                "\"fpr\": [0, 0.5, 1]|\"fpr\": [0, 1.5, 1]",
                "\"fpr\": [0, 0.5, 1]|\"fpr\": [0, 0.5, 0.2]",
                "\"auc\": 0.75|\"auc\": \"high\"",
                "\"roc\": {|\"roc\": {\"x\": 1}, \"unused\": {",
                "\"positive_class\": \"1\", \"auc\"|\"positive_class\": 1, \"auc\"",
                "\"counts\": [1, 1]}}|\"counts\": [1]}}",
                "\"counts\": [1, 1]}}|\"counts\": [1, 0.5]}}",
                "\"observed\": [0, 1]|\"observed\": [0, 2]"
            })
    void refusesAMalformedRocCurveOrCalibrationNamingTheKey(String change) {
        String[] fromTo = change.split("\\|");
        assertTrue(BINARY.contains(fromTo[0]), fromTo[0]);
        CardReader reader = new CardReader(Map.of(CardKeys.METRICS, BINARY.replace(fromTo[0], fromTo[1])));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, reader::evaluation);
        assertTrue(e.getMessage().startsWith("metadata '" + CardKeys.METRICS + "' is invalid"), e.getMessage());
    }

    @Test
    void theWellFormedSamplesAreRead() {
        assertEquals(
                0.75,
                new CardReader(Map.of(CardKeys.METRICS, BINARY))
                        .evaluation()
                        .orElseThrow()
                        .roc()
                        .auc());
        assertEquals(
                0.9,
                new CardReader(Map.of(CardKeys.METRICS, REGRESSION))
                        .regressionEvaluation()
                        .orElseThrow()
                        .r2());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"mae\": 1.5|\"mae\": \"small\"",
                "\"r2\": 0.9|\"r2\": null",
                "\"mae\": 1.5|\"mae\": -1",
                "\"counts\": [1, 1]|\"counts\": [1, 1, 1]",
                "\"counts\": [1, 1]|\"counts\": [1, 0.5]",
                "\"edges\": [-2, 0, 2]|\"edges\": [2, 0, -2]",
                "\"predicted\": [2, 0]|\"predicted\": [2]",
                "\"actual\": [1, 2]|\"actual\": [1, \"two\"]"
            })
    void refusesMalformedRegressionMetricsNamingTheKey(String change) {
        String[] fromTo = change.split("\\|");
        assertTrue(REGRESSION.contains(fromTo[0]), fromTo[0]);
        CardReader reader = new CardReader(Map.of(CardKeys.METRICS, REGRESSION.replace(fromTo[0], fromTo[1])));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, reader::regressionEvaluation);
        assertTrue(e.getMessage().startsWith("metadata '" + CardKeys.METRICS + "' is invalid"), e.getMessage());
    }
}
