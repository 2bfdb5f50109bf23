package org.tabserve.model.onnx.cardread;

import static org.tabserve.model.onnx.cardread.CardJsonReader.number;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.CategoryCounts;
import org.tabserve.model.card.FeatureHistogram;
import org.tabserve.model.signature.FeatureStats;

/**
 * Reads the card's per-feature distributions: statistics ({@link CardKeys#FEATURE_STATS}), histograms ({@link
 * CardKeys#HISTOGRAMS}) and category counts ({@link CardKeys#CATEGORIES}), each bounded by {@link CardLimits} in
 * size and in all, so a card cannot make the page draw without end.
 */
final class CardDistributions {

    private CardDistributions() {}

    static Map<String, FeatureStats> featureStats(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object from feature name to {min, max, mean}");
        }
        Map<String, FeatureStats> out = new LinkedHashMap<>();
        node.fields()
                .forEachRemaining(e -> out.put(
                        e.getKey(),
                        new FeatureStats(
                                number(e.getValue(), "min"),
                                number(e.getValue(), "max"),
                                number(e.getValue(), "mean"))));
        return out;
    }

    static Map<String, FeatureHistogram> histograms(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object from feature name to {edges, counts}");
        }
        Map<String, FeatureHistogram> out = new LinkedHashMap<>();
        int[] drawn = {0};
        node.fields().forEachRemaining(e -> {
            CardLimits.check(
                    "'" + e.getKey() + "' edges", e.getValue().path("edges").size(), CardLimits.BINS + 1);
            CardLimits.check(
                    "'" + e.getKey() + "' counts", e.getValue().path("counts").size(), CardLimits.CLASSES);
            for (JsonNode bins : e.getValue().path("counts")) {
                CardLimits.check("'" + e.getKey() + "' counts of a class", bins.size(), CardLimits.BINS);
                drawn[0] += bins.size();
            }
            CardLimits.check("the histograms in all", drawn[0], CardLimits.DRAWN_COUNTS);
            List<Double> edges = new ArrayList<>();
            e.getValue().path("edges").forEach(edge -> {
                if (!edge.isNumber()) {
                    throw new IllegalArgumentException("'" + e.getKey() + "' edges must be numbers");
                }
                edges.add(edge.asDouble());
            });
            Map<String, List<Integer>> counts = new LinkedHashMap<>();
            e.getValue().path("counts").fields().forEachRemaining(c -> {
                List<Integer> bins = new ArrayList<>();
                c.getValue().forEach(n -> {
                    if (!n.canConvertToInt()) {
                        throw new IllegalArgumentException("'" + e.getKey() + "' counts must be integers");
                    }
                    bins.add(n.asInt());
                });
                counts.put(c.getKey(), bins);
            });
            out.put(e.getKey(), new FeatureHistogram(edges, counts));
        });
        return out;
    }

    static Map<String, CategoryCounts> categories(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object from feature name to {counts}");
        }
        Map<String, CategoryCounts> out = new LinkedHashMap<>();
        int[] drawn = {0};
        node.fields().forEachRemaining(e -> {
            JsonNode series = e.getValue().path("counts");
            if (!series.isObject()) {
                throw new IllegalArgumentException("'" + e.getKey() + "' needs counts: {label: {category: count}}");
            }
            CardLimits.check("'" + e.getKey() + "' counts", series.size(), CardLimits.CLASSES);
            for (JsonNode categories : series) {
                CardLimits.check("'" + e.getKey() + "' categories", categories.size(), CardLimits.CATEGORIES);
                drawn[0] += categories.size();
            }
            CardLimits.check("the categories in all", drawn[0], CardLimits.DRAWN_COUNTS);
            Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
            series.fields().forEachRemaining(s -> {
                if (!s.getValue().isObject()) {
                    throw new IllegalArgumentException("'" + e.getKey() + "' counts of '" + s.getKey()
                            + "' must be an object from category to count");
                }
                Map<String, Long> categories = new LinkedHashMap<>();
                s.getValue().fields().forEachRemaining(c -> {
                    if (!c.getValue().isIntegralNumber() || !c.getValue().canConvertToLong()) {
                        throw new IllegalArgumentException("'" + e.getKey() + "' counts must be whole numbers");
                    }
                    categories.put(c.getKey(), c.getValue().asLong());
                });
                counts.put(s.getKey(), categories);
            });
            out.put(e.getKey(), new CategoryCounts(counts));
        });
        return out;
    }
}
