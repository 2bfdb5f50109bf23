package org.tabserve.model.onnx.cardread;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.CategoryCounts;
import org.tabserve.model.card.FeatureHistogram;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.conformal.Conformal;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.FeatureStats;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Task;
import org.tabserve.model.signature.ValueType;

/**
 * Builds a model's card from its card entries, whatever the model's format, once its signature is known, so that an
 * entry naming a feature the model does not have, or a text value for a number feature, stops the load instead of
 * reaching a page: the ONNX loader hands it the file's metadata, the native models' loader the card file beside them.
 */
public final class CardAssembly {

    /**
     * What the card says where its entries say nothing: the model's own facts.
     *
     * @param name        the model's name (its file's, or its graph's)
     * @param version     its version, empty when it has none
     * @param description what its file says of it, empty when nothing
     * @param producer    what wrote the file
     */
    public record Defaults(String name, String version, String description, String producer) {}

    private CardAssembly() {}

    /**
     * @param signature what the model takes, which every entry naming a feature is checked against
     * @param cardReader the card's entries
     * @param defaults  the name, version, description and producer where the entries give none
     * @param metadata  every key/value the card shows as the file's metadata (the card's entries among them)
     * @throws IllegalArgumentException naming the entry that does not fit the model
     */
    public static ModelCard of(
            ModelSignature signature, CardReader cardReader, Defaults defaults, Map<String, String> metadata) {
        Map<String, FeatureStats> stats = cardReader.featureStats().orElse(Map.of());
        String name = cardReader.text(CardKeys.NAME).orElse(defaults.name());
        String version = cardReader.text(CardKeys.VERSION).orElse(defaults.version());
        String description = cardReader.text(CardKeys.DESCRIPTION).orElse(defaults.description());
        // A regressor's target may have an entry too (the form shows its range beside the predicted value).
        Object target = cardReader.object(CardKeys.DATA).orElse(Map.of()).get("label_column");
        for (String feature : stats.keySet()) {
            if (!signature.featureNames().contains(feature)
                    && !(signature.task() == Task.REGRESSION && feature.equals(target))) {
                throw new IllegalArgumentException(
                        "metadata '" + CardKeys.FEATURE_STATS + "' names unknown feature '" + feature + "'");
            }
        }
        Map<String, FeatureStats> ordered = new LinkedHashMap<>();
        for (String feature : signature.featureNames()) {
            if (stats.containsKey(feature)) {
                ordered.put(feature, stats.get(feature));
            }
        }
        if (target != null && stats.containsKey(String.valueOf(target))) {
            ordered.putIfAbsent(String.valueOf(target), stats.get(String.valueOf(target)));
        }
        return ModelCard.builder(name, version)
                .description(description)
                .producer(defaults.producer())
                .classDisplayNames(
                        cardReader.stringMap(CardKeys.CLASS_DISPLAY_NAMES).orElse(Map.of()))
                .classDisplayNote(cardReader.text(CardKeys.CLASS_DISPLAY_NOTE).orElse(""))
                .featureStats(ordered)
                .evaluation(cardReader.evaluation().orElse(null))
                .data(cardReader.object(CardKeys.DATA).orElse(Map.of()))
                .trainer(cardReader.object(CardKeys.TRAINER).orElse(Map.of()))
                .histograms(orderedHistograms(signature, cardReader.histograms().orElse(Map.of())))
                .examples(checkedExamples(signature, cardReader.examples().orElse(Map.of())))
                .categories(orderedCategories(signature, cardReader.categories().orElse(Map.of())))
                .regression(cardReader.regressionEvaluation().orElse(null))
                .metadata(metadata)
                .skippedRows(cardReader.skippedRows().orElse(List.of()))
                .background(checkedBackground(signature, cardReader.background().orElse(null)))
                .conformal(checkedConformal(signature, cardReader))
                .build();
    }

    /**
     * The card's conformal calibration, refusing one whose groups are not the model's classes (a classifier's sets per
     * class need every class) or whose novelty has no background to measure against.
     */
    private static Conformal checkedConformal(ModelSignature signature, CardReader cardReader) {
        Conformal conformal = cardReader.conformal().orElse(null);
        if (conformal == null) {
            return null;
        }
        Set<String> groups = conformal.scores().keySet();
        boolean fits = groups.equals(Set.of(Conformal.ALL))
                || signature.task() == Task.CLASSIFICATION && groups.equals(Set.copyOf(signature.classLabels()));
        if (!fits) {
            throw new IllegalArgumentException("metadata '" + CardKeys.CONFORMAL + "' is invalid: its scores are for "
                    + groups + ", which are neither \"" + Conformal.ALL + "\" nor the model's classes "
                    + signature.classLabels());
        }
        Background background = cardReader.background().orElse(null);
        if (conformal.novelty() != null && background == null) {
            throw new IllegalArgumentException("metadata '" + CardKeys.CONFORMAL + "' is invalid: its novelty is"
                    + " measured against the background sample, and the card has none ('" + CardKeys.BACKGROUND + "')");
        }
        return background == null ? conformal : conformal.measuredWith(signature, background);
    }

    /**
     * The card's background sample, refusing one whose columns are not the model's inputs in order or whose values the
     * model cannot take (text for a number, an unknown category the model refuses, ...).
     */
    private static Background checkedBackground(ModelSignature signature, Background background) {
        if (background == null) {
            return null;
        }
        if (!background.columns().equals(signature.featureNames())) {
            throw new IllegalArgumentException("metadata '" + CardKeys.BACKGROUND + "' is invalid: its columns "
                    + background.columns() + " are not the model's inputs " + signature.featureNames());
        }
        try {
            Batch.of(signature, background.cells());
        } catch (ModelException e) {
            throw new IllegalArgumentException("metadata '" + CardKeys.BACKGROUND + "' is invalid: " + e.getMessage());
        }
        return background;
    }

    /** The card's examples, refusing a text value for a number feature and the reverse. */
    private static Map<String, List<Map<String, Object>>> checkedExamples(
            ModelSignature signature, Map<String, List<Map<String, Object>>> examples) {
        for (List<Map<String, Object>> rows : examples.values()) {
            for (Map<String, Object> row : rows) {
                row.forEach((name, value) -> {
                    boolean text = signature
                            .feature(name)
                            .map(f -> f.type() == ValueType.STRING)
                            .orElse(false);
                    if (value != null && text != value instanceof String) {
                        throw new IllegalArgumentException("metadata '" + CardKeys.EXAMPLES + "' is invalid: '" + name
                                + "' must be " + (text ? "text" : "a number"));
                    }
                });
            }
        }
        return examples;
    }

    /** The card's histograms in the model's feature order, refusing features the model does not have. */
    private static Map<String, FeatureHistogram> orderedHistograms(
            ModelSignature signature, Map<String, FeatureHistogram> histograms) {
        for (String feature : histograms.keySet()) {
            if (!signature.featureNames().contains(feature)) {
                throw new IllegalArgumentException(
                        "metadata '" + CardKeys.HISTOGRAMS + "' names unknown feature '" + feature + "'");
            }
        }
        Map<String, FeatureHistogram> ordered = new LinkedHashMap<>();
        for (String feature : signature.featureNames()) {
            if (histograms.containsKey(feature)) {
                ordered.put(feature, histograms.get(feature));
            }
        }
        return ordered;
    }

    /** The card's category counts in the model's feature order, refusing any but the model's text features. */
    private static Map<String, CategoryCounts> orderedCategories(
            ModelSignature signature, Map<String, CategoryCounts> categories) {
        for (String feature : categories.keySet()) {
            if (signature
                    .feature(feature)
                    .map(f -> f.type() != ValueType.STRING && f.type() != ValueType.BOOL)
                    .orElse(true)) {
                throw new IllegalArgumentException("metadata '" + CardKeys.CATEGORIES + "' names '" + feature
                        + "', which is not a text input of the model");
            }
        }
        Map<String, CategoryCounts> ordered = new LinkedHashMap<>();
        for (String feature : signature.featureNames()) {
            if (categories.containsKey(feature)) {
                ordered.put(feature, categories.get(feature));
            }
        }
        return ordered;
    }
}
