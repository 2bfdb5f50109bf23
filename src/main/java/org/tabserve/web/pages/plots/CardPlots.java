package org.tabserve.web.pages.plots;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tabserve.model.card.Calibration;
import org.tabserve.model.card.CategoryCounts;
import org.tabserve.model.card.Evaluation;
import org.tabserve.model.card.FeatureHistogram;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.card.RegressionEvaluation;
import org.tabserve.model.card.RocCurve;

/**
 * The pictures of the card page, drawn from the card's numbers with {@link Plots}: its confusion matrix, ROC curve,
 * calibration, a regressor's scatter and residuals, and each feature's histogram or category counts by class, each
 * with the sentence that says in words what it shows.
 */
public final class CardPlots {

    private CardPlots() {}

    /** A class's colour in the pictures. */
    public record Legend(String displayName, String label, String cssClass) {}

    /** A figure's number as people read it ({@code text}) and as the card holds it ({@code value}). */
    public record Figure(String text, String value) {}

    /**
     * A binary classifier's ROC curve, with its area under the curve.
     *
     * @param auc           the area under the curve, or null when the card has none (one class only)
     * @param positiveClass the display name of the class whose probability is the score
     * @param note          how the rows were sampled, when they were; may be empty
     * @param plot          the curve
     */
    public record Roc(Figure auc, String positiveClass, String note, Plot plot) {}

    /**
     * A regressor's metrics and pictures.
     *
     * @param method    how the rows were chosen
     * @param rows      how many
     * @param mae       mean absolute error
     * @param rmse      root mean squared error
     * @param r2        coefficient of determination
     * @param scatter   predicted against actual values, with y = x; null when the card has no points
     * @param residuals the residuals' histogram; null when the card has none
     */
    public record Regression(
            String method, String rows, Figure mae, Figure rmse, Figure r2, Plot scatter, Plot residuals) {}

    /**
     * The series the pictures draw, with their colours: a classifier's classes in the model's order, then any other
     * series a card names (a regressor's one series, under its label column); of more than {@link ShownClasses#MOST},
     * those with the most rows, the rest drawn as one series of "others".
     *
     * @param labels the series drawn under their own names and colours
     * @param others the series summed as "others"; empty when every one is shown
     */
    public record Series(ModelCard card, List<String> labels, List<String> others) {

        public static Series of(ModelCard card, List<String> classes) {
            List<String> labels = new ArrayList<>(classes);
            Map<String, Long> rows = new java.util.HashMap<>();
            card.histograms()
                    .values()
                    .forEach(h -> h.counts().forEach((k, counts) -> {
                        add(labels, k);
                        rows.merge(
                                k, counts.stream().mapToLong(Integer::longValue).sum(), Long::sum);
                    }));
            card.categories()
                    .values()
                    .forEach(c -> c.counts().forEach((k, counts) -> {
                        add(labels, k);
                        rows.merge(
                                k,
                                counts.values().stream()
                                        .mapToLong(Long::longValue)
                                        .sum(),
                                Long::sum);
                    }));
            List<String> shown = ShownClasses.of(labels, l -> rows.getOrDefault(l, 0L), null);
            return new Series(
                    card, shown, labels.stream().filter(l -> !shown.contains(l)).toList());
        }

        private static void add(List<String> labels, String label) {
            if (!labels.contains(label)) {
                labels.add(label);
            }
        }

        /** @return those of {@code present} that are series drawn on their own, in the series' order */
        List<String> among(java.util.Collection<String> present) {
            return labels.stream().filter(present::contains).toList();
        }

        /** @return those of {@code present} that are summed as "others" */
        List<String> othersAmong(java.util.Collection<String> present) {
            return others.stream().filter(present::contains).toList();
        }

        /** The series' display name, isolated: it is joined into tooltips and summaries. */
        String name(String label) {
            return BidiIsolate.of(card.displayName(label));
        }

        String colour(String label) {
            return CardPlots.colour(labels.indexOf(label));
        }

        /** One entry per series drawn, and one for "others"; none when there is one only (a regressor's). */
        public List<Legend> legend() {
            if (labels.size() < 2) {
                return List.of();
            }
            List<Legend> legend = new ArrayList<>(
                    labels.stream().map(l -> new Legend(name(l), l, colour(l))).toList());
            if (!others.isEmpty()) {
                legend.add(new Legend(ShownClasses.others(others.size()), "", ShownClasses.OTHERS_CSS));
            }
            return legend;
        }
    }

    public static Plot confusion(ModelCard card, Evaluation evaluation) {
        List<String> labels = evaluation.confusionLabels();
        List<String> names =
                labels.stream().map(card::displayName).map(BidiIsolate::of).toList();
        List<String> words = new ArrayList<>();
        for (int t = 0; t < labels.size(); t++) {
            for (int p = 0; p < labels.size(); p++) {
                words.add(evaluation.confusion().get(t).get(p) + " " + names.get(t) + " predicted " + names.get(p));
            }
        }
        return Plots.confusion(
                "confusion-matrix",
                names,
                evaluation.confusion(),
                "Rows by true class (rows) and predicted class (columns): " + String.join("; ", words) + ".");
    }

    public static Plot histogram(Series series, String feature, FeatureHistogram histogram) {
        List<String> shown = series.among(histogram.counts().keySet());
        List<Plots.Series> bars = new ArrayList<>();
        List<String> words = new ArrayList<>();
        for (String label : shown) {
            List<Long> counts = histogram.counts().get(label).stream()
                    .map(Integer::longValue)
                    .toList();
            bars.add(new Plots.Series(series.name(label), series.colour(label), counts));
            words.add(counts.stream().mapToLong(Long::longValue).sum() + " " + series.name(label));
        }
        List<String> rest = series.othersAmong(histogram.counts().keySet());
        if (!rest.isEmpty()) {
            long[] sums = new long[histogram.bins()];
            rest.forEach(label -> {
                List<Integer> counts = histogram.counts().get(label);
                for (int b = 0; b < sums.length; b++) {
                    sums[b] += counts.get(b);
                }
            });
            String name = ShownClasses.others(rest.size());
            bars.add(new Plots.Series(
                    name,
                    ShownClasses.OTHERS_CSS,
                    java.util.Arrays.stream(sums).boxed().toList()));
            words.add(java.util.Arrays.stream(sums).sum() + " of " + name);
        }
        List<Double> edges = histogram.edges();
        return Plots.histogram(
                "histogram-" + feature,
                edges,
                bars,
                "Values of " + BidiIsolate.of(feature)
                        + " in the data from "
                        + Plots.number(edges.get(0)) + " to " + Plots.number(edges.get(edges.size() - 1)) + " in "
                        + histogram.bins() + " bins: " + String.join(", ", words) + ".");
    }

    public static Plot categories(Series series, String feature, CategoryCounts counts) {
        List<String> categories = counts.categories();
        List<String> shown = categories.stream().map(BidiIsolate::of).toList();
        List<Plots.Series> bars = new ArrayList<>();
        List<String> words = new ArrayList<>();
        for (String label : series.among(counts.counts().keySet())) {
            Map<String, Long> one = counts.counts().get(label);
            bars.add(new Plots.Series(
                    series.name(label),
                    series.colour(label),
                    categories.stream().map(c -> one.getOrDefault(c, 0L)).toList()));
            List<String> parts = new ArrayList<>();
            one.forEach((category, count) -> parts.add(count + " " + BidiIsolate.of(category)));
            words.add(series.name(label) + ": " + String.join(", ", parts));
        }
        List<String> rest = series.othersAmong(counts.counts().keySet());
        if (!rest.isEmpty()) {
            Map<String, Long> sums = new java.util.LinkedHashMap<>();
            rest.forEach(
                    label -> counts.counts().get(label).forEach((category, n) -> sums.merge(category, n, Long::sum)));
            String name = ShownClasses.others(rest.size());
            bars.add(new Plots.Series(
                    name,
                    ShownClasses.OTHERS_CSS,
                    categories.stream().map(c -> sums.getOrDefault(c, 0L)).toList()));
            words.add(name + ": "
                    + sums.values().stream().mapToLong(Long::longValue).sum());
        }
        return Plots.bars(
                "categories-" + feature,
                shown,
                bars,
                "Values of " + BidiIsolate.of(feature) + " in the data. " + String.join("; ", words) + ".");
    }

    public static Roc roc(ModelCard card, RocCurve curve) {
        String positive = BidiIsolate.of(card.displayName(curve.positiveClass()));
        Figure auc = curve.auc() == null ? null : figure(curve.auc());
        Plot plot = new Plots.Xy("roc-curve", 0, 1, 0, 1, "false positive rate", "true positive rate")
                .diagonal()
                .curve(curve.fpr(), curve.tpr(), "curve")
                .plot("ROC curve of the probability of " + positive
                        + (auc == null ? "" : ": area under the curve " + auc.text()) + "; the diagonal is chance.");
        return new Roc(auc, positive, curve.note(), plot);
    }

    public static Plot calibration(ModelCard card, Calibration calibration) {
        String positive = BidiIsolate.of(card.displayName(calibration.positiveClass()));
        List<String> words = new ArrayList<>();
        for (int i = 0; i < calibration.counts().size(); i++) {
            words.add(title(calibration, positive, i));
        }
        return new Plots.Xy("calibration", 0, 1, 0, 1, "predicted probability of " + positive, "observed rate")
                .diagonal()
                .curve(calibration.predicted(), calibration.observed(), "curve")
                .dots(calibration.predicted(), calibration.observed(), "dot", i -> title(calibration, positive, i))
                .plot("Calibration: per bin of predicted probability, the observed rate of " + positive + " ("
                        + String.join("; ", words) + "); the diagonal is perfect calibration.");
    }

    private static String title(Calibration calibration, String positive, int bin) {
        return calibration.counts().get(bin) + " rows predicted "
                + Plots.fixed(calibration.predicted().get(bin)) + " on average, "
                + Plots.fixed(calibration.observed().get(bin)) + " were " + positive;
    }

    public static Regression regression(RegressionEvaluation regression) {
        if (regression == null) {
            return null;
        }
        Plot scatter = null;
        if (!regression.actual().isEmpty()) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (List<Double> values : List.of(regression.actual(), regression.predicted())) {
                for (double v : values) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            scatter = new Plots.Xy("scatter", min, max, min, max, "actual", "predicted")
                    .diagonal()
                    .dots(
                            regression.actual(),
                            regression.predicted(),
                            "dot",
                            i -> "actual " + Plots.number(regression.actual().get(i)) + ", predicted "
                                    + Plots.number(regression.predicted().get(i)))
                    .plot("Predicted against actual values of "
                            + regression.actual().size() + " rows, from " + Plots.number(min) + " to "
                            + Plots.number(max) + "; on the diagonal a prediction is exact.");
        }
        Plot residuals = null;
        if (regression.residuals() != null) {
            FeatureHistogram histogram = regression.residuals();
            List<Long> counts = histogram.counts().get(RegressionEvaluation.RESIDUALS).stream()
                    .map(Integer::longValue)
                    .toList();
            List<Double> edges = histogram.edges();
            residuals = Plots.histogram(
                    "residual-histogram",
                    edges,
                    List.of(new Plots.Series("rows", colour(0), counts)),
                    "Residuals (predicted minus actual) from "
                            + Plots.number(edges.get(0)) + " to " + Plots.number(edges.get(edges.size() - 1)) + " in "
                            + histogram.bins() + " bins: "
                            + counts.stream().mapToLong(Long::longValue).sum()
                            + " rows.");
        }
        return new Regression(
                regression.method(),
                Long.toString(regression.rows()),
                figure(regression.mae()),
                figure(regression.rmse()),
                figure(regression.r2()),
                scatter,
                residuals);
    }

    /** A figure with three decimals for people (more for a large number: its 4 significant digits), exact as data. */
    private static Figure figure(double value) {
        String text = Math.abs(value) >= 1000
                ? Plots.number(value)
                : Math.abs(value) >= 10 ? String.format(java.util.Locale.ROOT, "%.1f", value) : Plots.fixed(value);
        return new Figure(text, Double.toString(value));
    }

    /** The CSS class of the i-th series' colour; the stylesheet has one for each of {@link ShownClasses#MOST}. */
    static String colour(int index) {
        return "class-" + (index % ShownClasses.MOST);
    }
}
