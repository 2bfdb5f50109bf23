package org.tabserve.cardmaking;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.card.CardKeys;

/**
 * Assembles a card's {@code metadata_props}: each value under its {@link CardKeys} key, structured values as JSON
 * ({@link CardJsonWriter}), in one fixed key order and with no timestamps, so that the same inputs give the same bytes. The
 * trainer and the {@code card} command both write through it.
 */
public final class CardWriter {

    /** The order keys are written in; keys not listed (another tool's entries) follow in the order they were put. */
    private static final List<String> ORDER = List.of(
            CardKeys.CARD_VERSION,
            CardKeys.NAME,
            CardKeys.VERSION,
            CardKeys.DESCRIPTION,
            CardKeys.TASK,
            CardKeys.FEATURES,
            CardKeys.CLASSES,
            CardKeys.CLASS_DISPLAY_NAMES,
            CardKeys.CLASS_DISPLAY_NOTE,
            CardKeys.SCORES,
            CardKeys.MISSING,
            CardKeys.TEXT_MISSING_AS,
            CardKeys.ROW_NOUN,
            CardKeys.FEATURE_STATS,
            CardKeys.HISTOGRAMS,
            CardKeys.CATEGORIES,
            CardKeys.EXAMPLES,
            CardKeys.METRICS,
            CardKeys.DATA,
            CardKeys.TRAINER,
            CardKeys.BACKGROUND);

    /** The data block's keys ({@link CardKeys#DATA}). */
    public static final String DATA_FILE = "file";

    public static final String DATA_SHA256 = "sha256";
    public static final String DATA_ROWS = CardKeys.DATA_ROWS;
    public static final String DATA_TRAINING_ROWS = CardKeys.DATA_TRAINING_ROWS;
    public static final String DATA_HELD_OUT_ROWS = "held_out_rows";
    public static final String DATA_COLUMNS = "columns";
    public static final String DATA_LABEL_COLUMN = "label_column";
    public static final String DATA_SOURCE = "source";
    public static final String DATA_LICENCE = "licence";
    public static final String DATA_METRICS_FILE = "metrics_file";
    public static final String DATA_METRICS_SHA256 = "metrics_sha256";

    private final Map<String, String> entries = new LinkedHashMap<>();

    /** A card with {@link CardKeys#CARD_VERSION} 1 and nothing else yet. */
    public CardWriter() {
        entries.put(CardKeys.CARD_VERSION, "1");
    }

    /** A card that keeps {@code existing} entries (another tool's, or an older card's) unless they are put again. */
    public CardWriter(Map<String, String> existing) {
        this();
        existing.forEach((key, value) -> {
            if (!key.equals(CardKeys.CARD_VERSION)) {
                entries.put(key, value);
            }
        });
    }

    /** Puts a text value as it is. */
    public CardWriter text(String key, String value) {
        entries.put(key, value);
        return this;
    }

    /** Puts a structured value (maps, lists, numbers) as JSON. */
    public CardWriter json(String key, Object value) {
        entries.put(key, CardJsonWriter.write(value));
        return this;
    }

    /** Removes a key, for a value that no longer holds (metrics of an earlier card, say). */
    public CardWriter remove(String key) {
        entries.remove(key);
        return this;
    }

    /** @return the entries in the card's fixed key order */
    public Map<String, String> entries() {
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String key : ORDER) {
            if (entries.containsKey(key)) {
                ordered.put(key, entries.get(key));
            }
        }
        entries.forEach(ordered::putIfAbsent);
        return ordered;
    }

    /** @return feature name to {@link Summary#toJson()}, in the given order, leaving out features with no values */
    public static Map<String, Object> featureStats(Map<String, Summary> summaries) {
        Map<String, Object> stats = new LinkedHashMap<>();
        summaries.forEach((feature, summary) -> {
            if (summary.count() > 0) {
                stats.put(feature, summary.toJson());
            }
        });
        return stats;
    }
}
