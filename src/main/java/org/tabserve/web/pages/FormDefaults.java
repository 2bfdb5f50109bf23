package org.tabserve.web.pages;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tabserve.model.Model;
import org.tabserve.model.card.CategoryCounts;
import org.tabserve.model.card.FeatureHistogram;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.FeatureStats;
import org.tabserve.model.signature.ValueType;
import org.tabserve.web.pages.plots.Decimals;

/**
 * The values a fresh form is filled with, so that pressing Predict as shown answers: the card's first example row (a
 * real row of the data, so its values go together), and for a feature the example lacks, a typical value the model
 * takes: the median of a whole-number feature rounded (estimated from the card's histogram when the card stores
 * none), the mean of a decimal one, the most frequent value of a text or boolean one. A feature the card says nothing
 * about stays empty.
 */
final class FormDefaults {

    /**
     * @param values  feature name to the text its field shows; a feature without a default is absent
     * @param example the example row the values come from, or null when they are typical values
     */
    record Filled(Map<String, String> values, Examples.Row example) {}

    private FormDefaults() {}

    /** The form's values before anything was typed: the first example, completed with typical values. */
    static Filled of(Model model) {
        Optional<Examples.Row> first = new Examples(model.card()).all().stream().findFirst();
        Map<String, String> values = new HashMap<>();
        for (Feature feature : model.signature().features()) {
            String value =
                    first.map(row -> row.values().get(feature.name())).orElseGet(() -> typical(feature, model.card()));
            if (value != null) {
                values.put(feature.name(), value);
            }
        }
        return new Filled(values, first.orElse(null));
    }

    /** A value of {@code feature} the data makes typical and the model takes, or null when the card has none. */
    static String typical(Feature feature, ModelCard card) {
        if (!feature.type().isNumber()) {
            CategoryCounts counts = card.categories().get(feature.name());
            List<String> allowed = feature.type() == ValueType.BOOL ? List.of("true", "false") : feature.categories();
            return counts == null ? null : mostFrequent(counts, allowed);
        }
        FeatureStats stats = card.featureStats().get(feature.name());
        if (stats == null) {
            return null;
        }
        if (!feature.type().isInteger()) {
            return Decimals.fourPlaces(stats.mean());
        }
        FeatureHistogram histogram = card.histograms().get(feature.name());
        double middle = histogram == null ? stats.mean() : median(histogram);
        long whole = Math.max(
                (long) Math.ceil(stats.min()),
                Math.min(
                        (long) Math.floor(stats.max()),
                        BigDecimal.valueOf(middle)
                                .setScale(0, RoundingMode.HALF_UP)
                                .longValue()));
        return nearestCategory(whole, feature.categories());
    }

    /**
     * The median of the histogram's rows (every series together), placed within its bin by linear interpolation, as
     * the median of grouped data is: the card keeps counts per bin, not the values.
     */
    static double median(FeatureHistogram histogram) {
        int bins = histogram.bins();
        long[] counts = new long[bins];
        histogram.counts().values().forEach(series -> {
            for (int b = 0; b < bins; b++) {
                counts[b] += series.get(b);
            }
        });
        long total = java.util.Arrays.stream(counts).sum();
        List<Double> edges = histogram.edges();
        if (total == 0) {
            return (edges.get(0) + edges.get(bins)) / 2;
        }
        double half = total / 2.0;
        long below = 0;
        for (int b = 0; b < bins; b++) {
            if (counts[b] > 0 && below + counts[b] >= half) {
                double share = (half - below) / counts[b];
                return edges.get(b) + share * (edges.get(b + 1) - edges.get(b));
            }
            below += counts[b];
        }
        return edges.get(bins);
    }

    /** The most frequent category, over every series, among those {@code allowed} (any when none are listed). */
    private static String mostFrequent(CategoryCounts counts, List<String> allowed) {
        Map<String, Long> total = new HashMap<>();
        counts.counts().values().forEach(one -> one.forEach((category, n) -> total.merge(category, n, Long::sum)));
        String best = null;
        for (String category : counts.categories()) { // the card's order breaks ties
            if ((allowed.isEmpty() || allowed.contains(category))
                    && (best == null || total.get(category) > total.get(best))) {
                best = category;
            }
        }
        return best;
    }

    /** {@code value} as text, or the category nearest to it when the model knows only some whole numbers. */
    private static String nearestCategory(long value, List<String> categories) {
        String best = Long.toString(value);
        if (categories.isEmpty() || categories.contains(best)) {
            return best;
        }
        long distance = Long.MAX_VALUE;
        for (String category : categories) {
            try {
                long d = Math.abs(Long.parseLong(category) - value);
                if (d < distance) {
                    distance = d;
                    best = category;
                }
            } catch (NumberFormatException notWhole) {
                // an integer feature's categories are whole numbers; anything else is not a value it takes
            }
        }
        return best;
    }
}
