package org.tabserve.model.onnx.cardread;

import static org.tabserve.model.onnx.cardread.CardJsonReader.count;
import static org.tabserve.model.onnx.cardread.CardJsonReader.number;
import static org.tabserve.model.onnx.cardread.CardJsonReader.numbers;
import static org.tabserve.model.onnx.cardread.CardJsonReader.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.conformal.Conformal;

/**
 * Reads the card's split-conformal calibration ({@link CardKeys#CONFORMAL}), bounded to {@link Conformal#MAX_SCORES}
 * scores in all and as many novelty scores, so that a card cannot make the server hold more than a small array.
 */
final class CardConformal {

    private CardConformal() {}

    static Conformal conformal(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        JsonNode groups = node.get("scores");
        if (groups == null || !groups.isObject()) {
            throw new IllegalArgumentException("'scores' must be an object of score lists");
        }
        CardLimits.check("'scores'", groups.size(), CardLimits.CLASSES);
        Map<String, double[]> scores = new LinkedHashMap<>();
        int total = 0;
        for (var group = groups.fields(); group.hasNext(); ) {
            var entry = group.next();
            List<Double> values = numbers(groups, entry.getKey(), Conformal.MAX_SCORES);
            total += values.size();
            CardLimits.check("'scores' in all", total, Conformal.MAX_SCORES);
            scores.put(
                    entry.getKey(),
                    values.stream().mapToDouble(Double::doubleValue).toArray());
        }
        List<Conformal.Check> checks = new ArrayList<>();
        JsonNode checked = node.path("checks");
        CardLimits.check("'checks'", checked.size(), CardLimits.BINS);
        for (JsonNode check : checked) {
            checks.add(new Conformal.Check(
                    number(check, "coverage"), number(check, "empirical"), number(check, "mean_size")));
        }
        JsonNode classConditional = node.path("class_conditional");
        return new Conformal(
                text(node, "method"),
                text(node, "file"),
                count(node, "rows"),
                classConditional.asBoolean(false),
                scores,
                checks,
                node.has("novelty") ? novelty(node.get("novelty")) : null,
                node.has("range") ? range(node.get("range")) : null);
    }

    /** A regressor's target range, {@code {"min": .., "max": ..}}. */
    private static double[] range(JsonNode node) {
        if (!node.isObject()
                || !node.path("min").isNumber()
                || !node.path("max").isNumber()) {
            throw new IllegalArgumentException("'range' must be an object of two numbers, 'min' and 'max'");
        }
        return new double[] {node.get("min").asDouble(), node.get("max").asDouble()};
    }

    private static Conformal.Novelty novelty(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("'novelty' must be an object");
        }
        Map<String, Double> scale = new LinkedHashMap<>();
        JsonNode units = node.path("scale");
        CardLimits.check("'novelty' 'scale'", units.size(), CardLimits.CLASSES);
        units.fields().forEachRemaining(e -> {
            if (!e.getValue().isNumber()) {
                throw new IllegalArgumentException("'novelty' 'scale' must hold numbers only");
            }
            scale.put(e.getKey(), e.getValue().asDouble());
        });
        return new Conformal.Novelty(
                number(node, "threshold"),
                scale,
                numbers(node, "scores", Conformal.MAX_SCORES).stream()
                        .mapToDouble(Double::doubleValue)
                        .toArray());
    }
}
