package org.tabserve.model.onnx.cardread;

import static org.tabserve.model.onnx.cardread.CardJsonReader.array;
import static org.tabserve.model.onnx.cardread.CardJsonReader.number;
import static org.tabserve.model.onnx.cardread.CardJsonReader.numbers;
import static org.tabserve.model.onnx.cardread.CardJsonReader.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.card.Calibration;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.ClassMetrics;
import org.tabserve.model.card.Evaluation;
import org.tabserve.model.card.FeatureHistogram;
import org.tabserve.model.card.RegressionEvaluation;
import org.tabserve.model.card.RocCurve;

/**
 * Reads the card's metrics ({@link CardKeys#METRICS}): a classifier's evaluation with its ROC curve and calibration,
 * or a regressor's errors and residuals; each list is bounded by {@link CardLimits}.
 */
final class CardMetrics {

    private CardMetrics() {}

    /** A classifier's metrics, or null when they are a regressor's. */
    static Evaluation evaluation(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        if (!node.has("accuracy") && node.has("mae")) {
            return null; // a regressor's metrics: no classes, no confusion matrix
        }
        CardLimits.check("'per_class'", node.path("per_class").size(), CardLimits.CLASSES);
        JsonNode matrix = node.path("confusion_matrix");
        CardLimits.check("'confusion_matrix' 'labels'", matrix.path("labels").size(), CardLimits.MATRIX_LABELS);
        CardLimits.check("'confusion_matrix' 'counts'", matrix.path("counts").size(), CardLimits.MATRIX_LABELS);
        for (JsonNode row : matrix.path("counts")) {
            CardLimits.check("a row of 'confusion_matrix' 'counts'", row.size(), CardLimits.MATRIX_LABELS);
        }
        Map<String, ClassMetrics> perClass = new LinkedHashMap<>();
        node.path("per_class")
                .fields()
                .forEachRemaining(e -> perClass.put(
                        e.getKey(),
                        new ClassMetrics(
                                number(e.getValue(), "precision"),
                                number(e.getValue(), "recall"),
                                number(e.getValue(), "f1"),
                                (int) number(e.getValue(), "support"))));
        List<String> labels = new ArrayList<>();
        matrix.path("labels").forEach(l -> labels.add(l.asText()));
        List<List<Integer>> counts = new ArrayList<>();
        matrix.path("counts").forEach(row -> {
            List<Integer> r = new ArrayList<>();
            row.forEach(c -> r.add(c.asInt()));
            counts.add(r);
        });
        return new Evaluation(
                node.path("method").asText(""),
                (int) number(node, "rows"),
                number(node, "accuracy"),
                perClass,
                labels,
                counts,
                node.has("roc") ? roc(node.get("roc")) : null,
                node.has("calibration") ? calibration(node.get("calibration")) : null);
    }

    private static RocCurve roc(JsonNode roc) {
        if (!roc.isObject()) {
            throw new IllegalArgumentException("'roc' must be an object");
        }
        JsonNode auc = roc.get("auc");
        if (auc != null && !auc.isNumber()) {
            throw new IllegalArgumentException("'auc' must be a number");
        }
        return new RocCurve(
                text(roc, "positive_class"),
                auc == null ? null : auc.asDouble(),
                roc.has("rows") ? (long) number(roc, "rows") : 0,
                roc.path("note").asText(""),
                numbers(roc, "fpr", CardLimits.POINTS),
                numbers(roc, "tpr", CardLimits.POINTS));
    }

    private static Calibration calibration(JsonNode calibration) {
        if (!calibration.isObject()) {
            throw new IllegalArgumentException("'calibration' must be an object");
        }
        List<Long> counts = new ArrayList<>();
        CardLimits.check("'counts'", array(calibration, "counts").size(), CardLimits.BINS);
        for (JsonNode count : array(calibration, "counts")) {
            if (!count.canConvertToLong() || !count.isIntegralNumber()) {
                throw new IllegalArgumentException("'counts' must be whole numbers");
            }
            counts.add(count.asLong());
        }
        return new Calibration(
                text(calibration, "positive_class"),
                numbers(calibration, "predicted", CardLimits.BINS),
                numbers(calibration, "observed", CardLimits.BINS),
                counts);
    }

    /** A regressor's metrics, or null when they are a classifier's. */
    static RegressionEvaluation regressionEvaluation(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        if (node.has("accuracy") || !node.has("mae")) {
            return null;
        }
        FeatureHistogram residuals = null;
        if (node.has("residual_histogram")) {
            JsonNode histogram = node.get("residual_histogram");
            List<Integer> counts = new ArrayList<>();
            CardLimits.check(
                    "'residual_histogram' 'counts'", array(histogram, "counts").size(), CardLimits.BINS);
            for (JsonNode count : array(histogram, "counts")) {
                if (!count.canConvertToInt() || !count.isIntegralNumber()) {
                    throw new IllegalArgumentException("'residual_histogram' counts must be whole numbers");
                }
                counts.add(count.asInt());
            }
            residuals = new FeatureHistogram(
                    numbers(histogram, "edges", CardLimits.BINS + 1), Map.of(RegressionEvaluation.RESIDUALS, counts));
        }
        JsonNode points = node.path("points");
        return new RegressionEvaluation(
                node.path("method").asText(""),
                (long) number(node, "rows"),
                number(node, "mae"),
                number(node, "rmse"),
                number(node, "r2"),
                residuals,
                points.has("actual") ? numbers(points, "actual", CardLimits.POINTS) : List.of(),
                points.has("predicted") ? numbers(points, "predicted", CardLimits.POINTS) : List.of());
    }
}
