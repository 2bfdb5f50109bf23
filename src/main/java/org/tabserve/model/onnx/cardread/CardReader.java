package org.tabserve.model.onnx.cardread;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.CategoryCounts;
import org.tabserve.model.card.Evaluation;
import org.tabserve.model.card.FeatureHistogram;
import org.tabserve.model.card.RegressionEvaluation;
import org.tabserve.model.card.SkippedRows;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.FeatureStats;

/**
 * Reads the card's values out of ONNX metadata, failing with the key's name when a value is not what
 * {@link CardKeys} documents: it checks the card's version and reads the plain values itself, and hands each
 * structured value to its reader ({@link CardMetrics}, {@link CardDistributions}, {@link CardRows}).
 */
public final class CardReader {

    /** The newest card format this reader understands. */
    static final int SUPPORTED_CARD_VERSION = 1;

    private final Map<String, String> metadata;

    public CardReader(Map<String, String> metadata) {
        this.metadata = metadata;
        Optional<String> version = text(CardKeys.CARD_VERSION);
        if (version.isPresent()) {
            int found;
            try {
                found = Integer.parseInt(version.get().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        CardKeys.CARD_VERSION + " must be an integer, found '" + version.get() + "'");
            }
            if (found > SUPPORTED_CARD_VERSION) {
                throw new IllegalArgumentException("card version " + found + " is newer than the newest supported, "
                        + SUPPORTED_CARD_VERSION + "; upgrade tabserve");
            }
        }
    }

    public Optional<String> text(String key) {
        return Optional.ofNullable(metadata.get(key)).map(String::strip).filter(s -> !s.isEmpty());
    }

    public Optional<List<String>> stringList(String key) {
        return stringList(key, Integer.MAX_VALUE);
    }

    /** A list of at most {@code limit} strings (see {@link CardLimits}). */
    public Optional<List<String>> stringList(String key, int limit) {
        return parse(key, node -> {
            if (!node.isArray()) {
                throw new IllegalArgumentException("expected a JSON array of strings");
            }
            CardLimits.check("the list", node.size(), limit);
            List<String> out = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isTextual() && !item.isNumber()) {
                    throw new IllegalArgumentException("expected a JSON array of strings");
                }
                out.add(item.asText());
            }
            return out;
        });
    }

    public Optional<Map<String, String>> stringMap(String key) {
        return parse(key, node -> {
            if (!node.isObject()) {
                throw new IllegalArgumentException("expected a JSON object of strings");
            }
            CardLimits.check("the object", node.size(), CardLimits.CLASSES);
            Map<String, String> out = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> {
                if (!e.getValue().isTextual()) {
                    throw new IllegalArgumentException(
                            "expected a JSON object of strings; '" + e.getKey() + "' is not a string");
                }
                out.put(e.getKey(), e.getValue().asText());
            });
            return out;
        });
    }

    public Optional<Map<String, Object>> object(String key) {
        return parse(key, CardJsonReader::plain);
    }

    public Optional<Map<String, FeatureStats>> featureStats() {
        return parse(CardKeys.FEATURE_STATS, CardDistributions::featureStats);
    }

    public Optional<Map<String, FeatureHistogram>> histograms() {
        return parse(CardKeys.HISTOGRAMS, CardDistributions::histograms);
    }

    public Optional<Map<String, CategoryCounts>> categories() {
        return parse(CardKeys.CATEGORIES, CardDistributions::categories);
    }

    /** A classifier's metrics, or nothing when the card has none or a regressor's. */
    public Optional<Evaluation> evaluation() {
        return parse(CardKeys.METRICS, CardMetrics::evaluation);
    }

    /** A regressor's metrics, or nothing when the card has none or a classifier's. */
    public Optional<RegressionEvaluation> regressionEvaluation() {
        return parse(CardKeys.METRICS, CardMetrics::regressionEvaluation);
    }

    public Optional<Map<String, List<Map<String, Object>>>> examples() {
        return parse(CardKeys.EXAMPLES, CardRows::examples);
    }

    /** The background sample ({@link CardKeys#BACKGROUND}); its columns and types are checked against the model later. */
    public Optional<Background> background() {
        return parse(CardKeys.BACKGROUND, CardRows::background);
    }

    /** The split-conformal calibration ({@link CardKeys#CONFORMAL}); its groups are checked against the model later. */
    public Optional<org.tabserve.model.conformal.Conformal> conformal() {
        return parse(CardKeys.CONFORMAL, CardConformal::conformal);
    }

    /** The rows the card's figures leave out, per data file ({@link CardKeys#SKIPPED_ROWS}). */
    public Optional<List<SkippedRows>> skippedRows() {
        return parse(CardKeys.SKIPPED_ROWS, CardRows::skippedRows);
    }

    private <T> Optional<T> parse(String key, CardJsonReader.Parser<T> parser) {
        return CardJsonReader.parse(key, text(key), parser);
    }
}
