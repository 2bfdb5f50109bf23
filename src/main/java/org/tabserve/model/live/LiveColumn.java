package org.tabserve.model.live;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.CategoryCounts;
import org.tabserve.model.card.FeatureHistogram;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ValueType;

/**
 * One input of a {@link LiveProfile}: where its values are in a batch, the counters they go to, and its training
 * profile read from the card (a histogram's bins, category counts, or an integer input's categories counted from the
 * histogram bins they fall in), with the training rows it leaves out as its missing bin.
 */
final class LiveColumn {

    final String name;
    final LiveKind kind;
    final int input;
    final int column;
    final int width;
    final int offset; // first counter
    final double[] edges; // as the input's element type holds them (floats rounded), for HISTOGRAM
    final List<Double> cardEdges;
    final Map<String, Integer> categories; // category to index, for CATEGORIES
    final List<String> bins;
    final double[] training;
    /** The training rows without a value for this input: the missing bin's training count. */
    final double trainingMissing;
    /** The bins or categories the training data fills, its missing bin too: what the noise of its PSI scales with. */
    final int filledBins;
    /**
     * Bins per unit of value, for a first guess of a number's bin, when the histogram's edges are finite and
     * strictly increasing; otherwise 0, and its bin is found by binary search alone.
     */
    final double binsPerUnit;

    private LiveColumn(
            String name,
            LiveKind kind,
            int input,
            int column,
            int width,
            int offset,
            double[] edges,
            List<Double> cardEdges,
            Map<String, Integer> categories,
            List<String> bins,
            double[] training,
            double trainingMissing) {
        this.name = name;
        this.kind = kind;
        this.input = input;
        this.column = column;
        this.width = width;
        this.offset = offset;
        this.edges = edges;
        this.cardEdges = cardEdges;
        this.categories = categories;
        this.bins = bins;
        this.training = training;
        this.trainingMissing = trainingMissing;
        this.filledBins =
                (int) Arrays.stream(training).filter(count -> count > 0).count() + (trainingMissing > 0 ? 1 : 0);
        this.binsPerUnit = edges == null ? 0 : binsPerUnit(edges);
    }

    private static double binsPerUnit(double[] edges) {
        for (int i = 0; i < edges.length; i++) {
            if (!Double.isFinite(edges[i]) || i > 0 && !(edges[i - 1] < edges[i])) {
                return 0;
            }
        }
        double perUnit = (edges.length - 1) / (edges[edges.length - 1] - edges[0]);
        return Double.isFinite(perUnit) && perUnit > 0 ? perUnit : 0;
    }

    /** Counters: the bins or categories (or one of values present), then below/unknown, above (histograms only), missing. */
    int cells() {
        return switch (kind) {
            case HISTOGRAM -> edges.length - 1 + 3;
            case CATEGORIES -> categories.size() + 2;
            case NONE -> 2; // present, missing
        };
    }

    int missingCell() {
        return offset + cells() - 1;
    }

    /**
     * The column of {@code feature}, the {@code c}th of input {@code i}, its counters from {@code offset}, profiled as
     * the card's histogram, category counts or an integer input's categories say; a column with none counts only values
     * present and missing.
     */
    static LiveColumn of(Feature feature, ModelInput input, int i, int c, int offset, ModelCard card) {
        FeatureHistogram histogram = card.histograms().get(feature.name());
        if (histogram != null
                && feature.type().isInteger()
                && !feature.categories().isEmpty()) {
            return integerCategories(feature, input, i, c, offset, histogram, trainingRows(card));
        }
        if (histogram != null && feature.type().isNumber()) {
            double[] edges = new double[histogram.edges().size()];
            List<String> bins = new ArrayList<>();
            for (int e = 0; e < edges.length; e++) {
                double edge = histogram.edges().get(e);
                edges[e] = input.type() == ValueType.FLOAT ? (double) (float) edge : edge;
                if (e > 0) {
                    bins.add(histogram.edges().get(e - 1) + "–" + edge);
                }
            }
            double[] training = binCounts(histogram);
            return new LiveColumn(
                    feature.name(),
                    LiveKind.HISTOGRAM,
                    i,
                    c,
                    input.width(),
                    offset,
                    edges,
                    histogram.edges(),
                    Map.of(),
                    bins,
                    training,
                    missing(trainingRows(card), training));
        }
        CategoryCounts categoryCounts = card.categories().get(feature.name());
        if (categoryCounts != null && !categoryCounts.categories().isEmpty()) {
            List<String> known = categoryCounts.categories();
            Map<String, Integer> index = new HashMap<>();
            double[] training = new double[known.size()];
            for (int k = 0; k < known.size(); k++) {
                index.put(known.get(k), k);
            }
            categoryCounts
                    .counts()
                    .values()
                    .forEach(series -> series.forEach((category, n) -> training[index.get(category)] += n));
            return categories(
                    feature, input, i, c, offset, index, known, training, missing(trainingRows(card), training));
        }
        return new LiveColumn(
                feature.name(),
                LiveKind.NONE,
                i,
                c,
                input.width(),
                offset,
                null,
                List.of(),
                Map.of(),
                List.of(),
                new double[0],
                0);
    }

    /** A column compared as {@code known}'s categories ({@code index}: each one's place), with their training counts. */
    private static LiveColumn categories(
            Feature feature,
            ModelInput input,
            int i,
            int c,
            int offset,
            Map<String, Integer> index,
            List<String> known,
            double[] training,
            double trainingMissing) {
        return new LiveColumn(
                feature.name(),
                LiveKind.CATEGORIES,
                i,
                c,
                input.width(),
                offset,
                null,
                List.of(),
                index,
                known,
                training,
                trainingMissing);
    }

    /** @return the training count of each of the histogram's bins, summed over its series */
    private static double[] binCounts(FeatureHistogram histogram) {
        double[] counts = new double[histogram.bins()];
        histogram.counts().values().forEach(series -> {
            for (int b = 0; b < counts.length; b++) {
                counts[b] += series.get(b);
            }
        });
        return counts;
    }

    /**
     * An integer input the model knows as categories, compared as them: each category's training count is that of the
     * histogram bin it falls in, shared equally with the other categories in the same bin (the card's 16 bins give
     * each of a few small integers a bin of its own).
     */
    private static LiveColumn integerCategories(
            Feature feature,
            ModelInput input,
            int i,
            int c,
            int offset,
            FeatureHistogram histogram,
            long trainingRows) {
        List<String> known = feature.categories();
        double[] perBin = binCounts(histogram);
        int[] binOf = new int[known.size()];
        int[] sharing = new int[perBin.length];
        double[] edges =
                histogram.edges().stream().mapToDouble(Double::doubleValue).toArray();
        for (int k = 0; k < known.size(); k++) {
            double value = integer(known.get(k));
            binOf[k] = Double.isNaN(value) || value < edges[0] || value > edges[edges.length - 1]
                    ? -1
                    : histogramBin(edges, value);
            if (binOf[k] >= 0) {
                sharing[binOf[k]]++;
            }
        }
        Map<String, Integer> index = new HashMap<>();
        double[] training = new double[known.size()];
        for (int k = 0; k < known.size(); k++) {
            index.put(known.get(k), k);
            training[k] = binOf[k] < 0 ? 0 : perBin[binOf[k]] / sharing[binOf[k]];
        }
        return categories(feature, input, i, c, offset, index, known, training, missing(trainingRows, perBin));
    }

    /**
     * @return the rows the card's histograms and category counts were measured on: its data block's training rows
     *         (a trainer's card profiles its training split), else its rows; -1 when it says neither
     */
    private static long trainingRows(ModelCard card) {
        Object rows = card.data()
                .getOrDefault(CardKeys.DATA_TRAINING_ROWS, card.data().get(CardKeys.DATA_ROWS));
        return rows instanceof Number number ? number.longValue() : -1;
    }

    /** @return the training rows an input's profile leaves out: missing values (0 when the card does not say) */
    private static double missing(long trainingRows, double[] counts) {
        return trainingRows < 0
                ? 0
                : Math.max(0, trainingRows - Arrays.stream(counts).sum());
    }

    /** @return an encoder's integer category as a number; NaN for one that is not a whole number (never counted) */
    private static double integer(String category) {
        try {
            return Long.parseLong(category.strip());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** @return the bin of a value within the edges, the last including its upper edge */
    static int histogramBin(double[] edges, double value) {
        int at = Arrays.binarySearch(edges, value);
        int bin = at >= 0 ? at : -at - 2; // the bin whose lower edge is at or below the value
        return Math.min(bin, edges.length - 2);
    }
}
