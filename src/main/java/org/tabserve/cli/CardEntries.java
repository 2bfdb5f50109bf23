package org.tabserve.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.cardmaking.CardWriter;
import org.tabserve.cardmaking.Summary;
import org.tabserve.model.Model;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.signature.Task;

/**
 * The {@code card} command's card: what the two passes measured, the options' names and the data block, put under
 * their keys by the shared {@link CardWriter}, replacing what an earlier card measured.
 */
final class CardEntries {

    private CardEntries() {}

    static Map<String, String> entries(
            Options options,
            Model model,
            boolean classifier,
            Map<String, String> classNames,
            String label,
            Path data,
            String sha256,
            CardStatistics first,
            CardDetails second,
            Map<String, Object> metrics,
            Path eval,
            List<Map<String, Object>> skipped) {
        CardWriter card = new CardWriter(model.card().metadata());
        // What the earlier card measured no longer holds: every value this command computes is replaced.
        for (String key : List.of(
                CardKeys.FEATURE_STATS,
                CardKeys.HISTOGRAMS,
                CardKeys.CATEGORIES,
                CardKeys.EXAMPLES,
                CardKeys.METRICS,
                CardKeys.DATA,
                CardKeys.TRAINER,
                CardKeys.SKIPPED_ROWS,
                CardKeys.BACKGROUND,
                CardKeys.CONFORMAL)) {
            card.remove(key);
        }
        card.text(CardKeys.NAME, options.get("name").orElse(model.card().name()));
        options.get("version").ifPresent(v -> card.text(CardKeys.VERSION, v));
        options.get("description").ifPresent(d -> card.text(CardKeys.DESCRIPTION, d));
        if (!classifier) {
            card.text(CardKeys.TASK, Task.REGRESSION.jsonName());
        }
        if (!classNames.isEmpty()) {
            Map<String, String> names = new LinkedHashMap<>();
            model.signature()
                    .classLabels()
                    .forEach(c ->
                            names.put(c, classNames.getOrDefault(c, model.card().displayName(c))));
            card.json(CardKeys.CLASS_DISPLAY_NAMES, names);
            card.text(CardKeys.CLASS_DISPLAY_NOTE, "given with --class-names when the card was made");
        }
        Map<String, Summary> stats = new LinkedHashMap<>(first.summaries);
        if (!classifier) {
            stats.put(label, first.target); // the form shows the target's range beside the predicted value
        }
        card.json(CardKeys.FEATURE_STATS, CardWriter.featureStats(stats));
        Map<String, Object> histograms = second.histogramsJson();
        if (!histograms.isEmpty()) {
            card.json(CardKeys.HISTOGRAMS, histograms);
        }
        Map<String, Object> categories = new LinkedHashMap<>();
        first.categories.forEach((feature, counts) -> {
            if (!counts.isEmpty()) {
                categories.put(feature, Map.of("counts", counts));
            }
        });
        if (!categories.isEmpty()) {
            card.json(CardKeys.CATEGORIES, categories);
        }
        Map<String, Object> examples = second.examplesJson();
        if (!examples.isEmpty()) {
            card.json(CardKeys.EXAMPLES, examples);
        }
        if (!second.background.rows().isEmpty()) {
            card.json(
                    CardKeys.BACKGROUND,
                    second.background.toJson(model.signature().featureNames()));
        }
        card.json(CardKeys.METRICS, metrics);
        Map<String, Object> block = new LinkedHashMap<>();
        block.put(CardWriter.DATA_FILE, data.getFileName().toString());
        block.put(CardWriter.DATA_SHA256, sha256);
        block.put(CardWriter.DATA_ROWS, first.rows);
        block.put(CardWriter.DATA_COLUMNS, model.signature().featureNames());
        block.put(CardWriter.DATA_LABEL_COLUMN, label);
        if (eval != null) {
            block.put(CardWriter.DATA_METRICS_FILE, eval.getFileName().toString());
        }
        options.get("source").ifPresent(s -> block.put(CardWriter.DATA_SOURCE, s));
        options.get("licence").ifPresent(l -> block.put(CardWriter.DATA_LICENCE, l));
        card.json(CardKeys.DATA, block);
        if (!skipped.isEmpty()) {
            card.json(CardKeys.SKIPPED_ROWS, skipped);
        }
        return card.entries();
    }
}
