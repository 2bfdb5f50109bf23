package org.tabserve.web.pages;

import org.tabserve.model.Calibration;
import org.tabserve.model.CategoryCounts;
import org.tabserve.model.ClassMetrics;
import org.tabserve.model.Evaluation;
import org.tabserve.model.Feature;
import org.tabserve.model.FeatureHistogram;
import org.tabserve.model.ModelCard;
import org.tabserve.model.ModelInput;
import org.tabserve.model.ModelSignature;
import org.tabserve.model.Model;
import org.tabserve.model.RegressionEvaluation;
import org.tabserve.model.RocCurve;
import org.tabserve.model.Task;
import org.tabserve.web.api.ModelApiHandler;
import org.tabserve.web.http.CardSize;
import org.tabserve.web.v2.V2InferRequestParser;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link ModelPage} from a model's card: turns the card's numbers into facts in words and into pictures
 * placed by {@link Plots}; for a model without a card, the {@code card} command that makes one.
 */
final class ModelPages {

    /** The name the WAR is run by in the README's commands. */
    static final String WAR = "tabserve.war";

    private ModelPages() {
    }

    static ModelPage build(Model classifier) {
        ModelCard card = classifier.card();
        List<String> classes = classifier.signature().classLabels();
        ModelSignature signature = classifier.signature();
        List<ModelPage.Fact> facts = new ArrayList<>();
        facts.add(new ModelPage.Fact("Task", signature.task() == Task.REGRESSION
                ? "regression: it predicts a number for each row" + classifier.valueOutput()
                        .map(v -> " (output " + v.name() + ")").orElse("")
                : "classification into " + classes.size() + " classes"));
        facts.add(new ModelPage.Fact("Features", String.join(", ", FormHandler.displayOrder(classifier).stream()
                .map(BidiIsolate::of).toList())));
        if (signature.task() == Task.CLASSIFICATION) {
            List<String> classTexts = new ArrayList<>();
            for (String label : classes) {
                classTexts.add(card.displayName(label).equals(label) ? BidiIsolate.of(label)
                        : BidiIsolate.of(label) + " = " + BidiIsolate.of(card.displayName(label)));
            }
            facts.add(new ModelPage.Fact("Classes", String.join(", ", classTexts)));
            if (!card.classDisplayNote().isEmpty()) {
                facts.add(new ModelPage.Fact("Class names", card.classDisplayNote()));
            }
        }
        addIfPresent(facts, "Trainer", card.trainer().get("name"));
        addIfPresent(facts, "Library", card.trainer().get("library"));
        addIfPresent(facts, "Settings", card.trainer().get("settings"));
        addIfPresent(facts, "How it was chosen", card.trainer().get("selection"));
        if (card.trainer().get("cv_accuracy") instanceof Number accuracy) {
            facts.add(new ModelPage.Fact("Cross-validated accuracy", Plots.fixed(accuracy.doubleValue())));
        }
        if (!card.producer().isEmpty()) {
            facts.add(new ModelPage.Fact("ONNX producer", card.producer()));
        }
        facts.add(new ModelPage.Fact("Model file sha256", classifier.sha256()));

        List<ModelPage.Fact> data = new ArrayList<>();
        Map<String, Object> d = card.data();
        addIfPresent(data, "File", d.get("file"));
        addIfPresent(data, "sha256", d.get("sha256"));
        addIfPresent(data, "Rows", d.get("rows"));
        addIfPresent(data, "Training rows", d.get("training_rows"));
        addIfPresent(data, "Held-out rows", d.get("held_out_rows"));
        addIfPresent(data, "Label column", d.get("label_column"));
        addIfPresent(data, "Metrics measured on", d.get("metrics_file"));
        addIfPresent(data, "Source", d.get("source"));
        addIfPresent(data, "Licence", d.get("licence"));

        Evaluation evaluation = card.evaluation();
        ModelPage.Metrics metrics = null;
        Plot confusion = null;
        ModelPage.Roc roc = null;
        Plot calibration = null;
        if (evaluation != null) {
            List<ModelPage.ClassLine> lines = new ArrayList<>();
            evaluation.perClass().forEach((label, m) -> lines.add(line(card, label, m)));
            metrics = new ModelPage.Metrics(evaluation.method(), Integer.toString(evaluation.rows()),
                    Plots.fixed(evaluation.accuracy()), lines);
            if (!evaluation.confusionLabels().isEmpty()) {
                confusion = confusion(card, evaluation);
            }
            if (evaluation.roc() != null) {
                roc = roc(card, evaluation.roc());
            }
            if (evaluation.calibration() != null) {
                calibration = calibration(card, evaluation.calibration());
            }
        }
        Series series = Series.of(card, classes);
        List<ModelPage.Chart> charts = new ArrayList<>();
        List<ModelPage.Chart> categories = new ArrayList<>();
        for (String feature : FormHandler.displayOrder(classifier)) {
            if (card.histograms().containsKey(feature)) {
                charts.add(new ModelPage.Chart(feature, histogram(series, feature, card.histograms().get(feature))));
            }
            if (card.categories().containsKey(feature)) {
                categories.add(new ModelPage.Chart(feature, categories(series, feature,
                        card.categories().get(feature))));
            }
        }
        return new ModelPage(card.name(), card.version(), card.description(), signature.task().jsonName(),
                inputs(classifier), facts, data, metrics, confusion, roc, calibration, regression(card.regression()),
                charts, categories, series.legend(), card.describesData() ? null : noCard(classifier));
    }

    /**
     * What the page of a model holds at most while it is drawn, per shape of its pictures: the shape's record, its
     * CSS class and its tooltip as text (a histogram's count of two characters in the card becomes all that), and
     * the attributes written from it. The page model of a card of 160,000 bars measured 190 bytes a shape (heap
     * used after a full collection, before and after building it); this leaves room for what the template makes
     * while it writes.
     */
    static final int BYTES_PER_SHAPE = 256;
    /** ... and per character of the card's text, which the page model holds and the template escapes as it writes. */
    static final int BYTES_PER_CARD_CHAR = 8;
    /** ... and for a page of no card at all. */
    static final long BASE_BYTES = 256 << 10;

    /**
     * How much memory drawing this model's card page may take, estimated from the card before anything is drawn:
     * its pictures' shapes (bars, cells, dots, labels) and its text. The page takes up to this share of the memory
     * budget while it is built and written, so that many readers of a large card at once wait or get 503.
     */
    static long buildBytes(Model classifier) {
        ModelCard card = classifier.card();
        long shapes = 0;
        int series = Math.max(1, classifier.signature().classLabels().size());
        for (FeatureHistogram histogram : card.histograms().values()) {
            shapes += (long) histogram.bins() * Math.max(series, histogram.counts().size()) + 4;
        }
        for (CategoryCounts counts : card.categories().values()) {
            long categories = counts.counts().values().stream().mapToLong(Map::size).sum();
            shapes += categories * (2L * Math.max(series, counts.counts().size()) + 1);
        }
        Evaluation evaluation = card.evaluation();
        if (evaluation != null) {
            long n = evaluation.confusionLabels().size();
            shapes += 2 * n * n + 2 * n + evaluation.perClass().size();
            shapes += evaluation.roc() == null ? 0 : evaluation.roc().fpr().size();
            shapes += evaluation.calibration() == null ? 0 : 2L * evaluation.calibration().counts().size();
        }
        RegressionEvaluation regression = card.regression();
        if (regression != null) {
            shapes += regression.actual().size() + (regression.residuals() == null ? 0 : regression.residuals().bins());
        }
        shapes += classifier.signature().features().size() * 8L; // the inputs' table, the facts
        return BASE_BYTES + BYTES_PER_SHAPE * shapes + BYTES_PER_CARD_CHAR * CardSize.chars(card);
    }

    /**
     * The series the pictures draw, with their colours: a classifier's classes in the model's order, then any other
     * series a card names (a regressor's one series, under its label column).
     */
    record Series(ModelCard card, List<String> labels) {

        static Series of(ModelCard card, List<String> classes) {
            List<String> labels = new ArrayList<>(classes);
            card.histograms().values().forEach(h -> h.counts().keySet().forEach(k -> add(labels, k)));
            card.categories().values().forEach(c -> c.counts().keySet().forEach(k -> add(labels, k)));
            return new Series(card, labels);
        }

        private static void add(List<String> labels, String label) {
            if (!labels.contains(label)) {
                labels.add(label);
            }
        }

        /** @return those of {@code present} that are series, in the series' order */
        List<String> among(java.util.Collection<String> present) {
            return labels.stream().filter(present::contains).toList();
        }

        /** The series' display name, isolated: it is joined into tooltips and summaries. */
        String name(String label) {
            return BidiIsolate.of(card.displayName(label));
        }

        String colour(String label) {
            return ModelPages.colour(labels.indexOf(label));
        }

        /** One entry per series; none when there is one only (a regressor's), which needs no legend. */
        List<ModelPage.Legend> legend() {
            if (labels.size() < 2) {
                return List.of();
            }
            return labels.stream().map(l -> new ModelPage.Legend(name(l), l, colour(l))).toList();
        }
    }

    /** One line per feature, in display order: its type, its input tensor, whether it may be missing, its categories. */
    static List<ModelPage.InputLine> inputs(Model classifier) {
        ModelSignature signature = classifier.signature();
        List<ModelPage.InputLine> lines = new ArrayList<>();
        for (String name : FormHandler.displayOrder(classifier)) {
            Feature feature = signature.feature(name).orElseThrow();
            ModelInput input = signature.inputs().stream().filter(i -> i.features().contains(feature)).findFirst()
                    .orElseThrow();
            String shape = String.join(", ", V2InferRequestParser.shape(input).stream()
                    .map(d -> d < 0 ? "N" : Long.toString(d)).toList());
            String categories = feature.categories().isEmpty() ? ""
                    : String.join(", ", feature.categories().stream().map(BidiIsolate::of).toList())
                    + (feature.refusesUnknown() ? " (no others)"
                    : " (others are taken with a warning)");
            lines.add(new ModelPage.InputLine(feature.name(), ModelApiHandler.typeName(feature.type()),
                    input.name() + " " + input.type().v2Name() + " [" + shape + "]",
                    feature.missingAllowed() ? "yes" : "no", categories));
        }
        return lines;
    }

    private static Plot confusion(ModelCard card, Evaluation evaluation) {
        List<String> labels = evaluation.confusionLabels();
        List<String> names = labels.stream().map(card::displayName).map(BidiIsolate::of).toList();
        List<String> words = new ArrayList<>();
        for (int t = 0; t < labels.size(); t++) {
            for (int p = 0; p < labels.size(); p++) {
                words.add(evaluation.confusion().get(t).get(p) + " " + names.get(t) + " predicted " + names.get(p));
            }
        }
        return Plots.confusion("confusion-matrix", names, evaluation.confusion(),
                "Rows by true class (rows) and predicted class (columns): " + String.join("; ", words) + ".");
    }

    private static Plot histogram(Series series, String feature, FeatureHistogram histogram) {
        List<String> shown = series.among(histogram.counts().keySet());
        List<Plots.Series> bars = new ArrayList<>();
        List<String> words = new ArrayList<>();
        for (String label : shown) {
            List<Long> counts = histogram.counts().get(label).stream().map(Integer::longValue).toList();
            bars.add(new Plots.Series(series.name(label), series.colour(label), counts));
            words.add(counts.stream().mapToLong(Long::longValue).sum() + " " + series.name(label));
        }
        List<Double> edges = histogram.edges();
        return Plots.histogram("histogram-" + feature, edges, bars, "Values of " + BidiIsolate.of(feature)
                + " in the data from "
                + Plots.number(edges.get(0)) + " to " + Plots.number(edges.get(edges.size() - 1)) + " in "
                + histogram.bins() + " bins: " + String.join(", ", words) + ".");
    }

    private static Plot categories(Series series, String feature, CategoryCounts counts) {
        List<String> categories = counts.categories();
        List<String> shown = categories.stream().map(BidiIsolate::of).toList();
        List<Plots.Series> bars = new ArrayList<>();
        List<String> words = new ArrayList<>();
        for (String label : series.among(counts.counts().keySet())) {
            Map<String, Long> one = counts.counts().get(label);
            bars.add(new Plots.Series(series.name(label), series.colour(label),
                    categories.stream().map(c -> one.getOrDefault(c, 0L)).toList()));
            List<String> parts = new ArrayList<>();
            one.forEach((category, count) -> parts.add(count + " " + BidiIsolate.of(category)));
            words.add(series.name(label) + ": " + String.join(", ", parts));
        }
        return Plots.bars("categories-" + feature, shown, bars,
                "Values of " + BidiIsolate.of(feature) + " in the data. " + String.join("; ", words) + ".");
    }

    private static ModelPage.Roc roc(ModelCard card, RocCurve curve) {
        String positive = BidiIsolate.of(card.displayName(curve.positiveClass()));
        ModelPage.Figure auc = curve.auc() == null ? null : figure(curve.auc());
        Plot plot = new Plots.Xy("roc-curve", 0, 1, 0, 1, "false positive rate", "true positive rate")
                .diagonal().curve(curve.fpr(), curve.tpr(), "curve").plot("ROC curve of the probability of " + positive
                        + (auc == null ? "" : ": area under the curve " + auc.text()) + "; the diagonal is chance.");
        return new ModelPage.Roc(auc, positive, curve.note(), plot);
    }

    private static Plot calibration(ModelCard card, Calibration calibration) {
        String positive = BidiIsolate.of(card.displayName(calibration.positiveClass()));
        List<String> words = new ArrayList<>();
        for (int i = 0; i < calibration.counts().size(); i++) {
            words.add(title(calibration, positive, i));
        }
        return new Plots.Xy("calibration", 0, 1, 0, 1, "predicted probability of " + positive,
                "observed rate").diagonal()
                .curve(calibration.predicted(), calibration.observed(), "curve")
                .dots(calibration.predicted(), calibration.observed(), "dot", i -> title(calibration, positive, i))
                .plot("Calibration: per bin of predicted probability, the observed rate of " + positive + " ("
                        + String.join("; ", words) + "); the diagonal is perfect calibration.");
    }

    private static String title(Calibration calibration, String positive, int bin) {
        return calibration.counts().get(bin) + " rows predicted " + Plots.fixed(calibration.predicted().get(bin))
                + " on average, " + Plots.fixed(calibration.observed().get(bin)) + " were " + positive;
    }

    private static ModelPage.Regression regression(RegressionEvaluation regression) {
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
            scatter = new Plots.Xy("scatter", min, max, min, max, "actual", "predicted").diagonal()
                    .dots(regression.actual(), regression.predicted(), "dot",
                            i -> "actual " + Plots.number(regression.actual().get(i)) + ", predicted "
                                    + Plots.number(regression.predicted().get(i)))
                    .plot("Predicted against actual values of " + regression.actual().size() + " rows, from "
                            + Plots.number(min) + " to " + Plots.number(max) + "; on the diagonal a prediction is exact.");
        }
        Plot residuals = null;
        if (regression.residuals() != null) {
            FeatureHistogram histogram = regression.residuals();
            List<Long> counts = histogram.counts().get(RegressionEvaluation.RESIDUALS).stream()
                    .map(Integer::longValue).toList();
            List<Double> edges = histogram.edges();
            residuals = Plots.histogram("residual-histogram", edges,
                    List.of(new Plots.Series("rows", colour(0), counts)), "Residuals (predicted minus actual) from "
                            + Plots.number(edges.get(0)) + " to " + Plots.number(edges.get(edges.size() - 1)) + " in "
                            + histogram.bins() + " bins: " + counts.stream().mapToLong(Long::longValue).sum()
                            + " rows.");
        }
        return new ModelPage.Regression(regression.method(), Long.toString(regression.rows()),
                figure(regression.mae()), figure(regression.rmse()), figure(regression.r2()), scatter, residuals);
    }

    /** A figure with three decimals for people (more for a large number: its 4 significant digits), exact as data. */
    private static ModelPage.Figure figure(double value) {
        String text = Math.abs(value) >= 1000 ? Plots.number(value) : Math.abs(value) >= 10
                ? String.format(java.util.Locale.ROOT, "%.1f", value) : Plots.fixed(value);
        return new ModelPage.Figure(text, Double.toString(value));
    }

    /**
     * The {@code card} command that gives this model its card, with its file name and inputs filled in; the label
     * column is the user's to name.
     */
    static ModelPage.NoCard noCard(Model model) {
        String source = model.source();
        String file = source.substring(Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\')) + 1);
        String stem = file.endsWith(".onnx") ? file.substring(0, file.length() - ".onnx".length()) : file;
        String command = "java -jar " + WAR + " card --model " + shellWord(file) + " --data labelled.csv --label <column>"
                + " --out " + shellWord(stem + "-with-card.onnx");
        return new ModelPage.NoCard(command, FormHandler.displayOrder(model));
    }

    /** A word as a POSIX shell reads it back: as it is when it is plain, else in single quotes. */
    static String shellWord(String word) {
        return word.matches("[A-Za-z0-9._,+=:@%/-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    private static ModelPage.ClassLine line(ModelCard card, String label, ClassMetrics m) {
        return new ModelPage.ClassLine(card.displayName(label), label, Plots.fixed(m.precision()),
                Plots.fixed(m.recall()), Plots.fixed(m.f1()), Integer.toString(m.support()));
    }

    /** The CSS class of the i-th class's colour; the stylesheet has four and then repeats. */
    static String colour(int index) {
        return "class-" + (index % 4);
    }

    private static void addIfPresent(List<ModelPage.Fact> facts, String term, Object value) {
        if (value instanceof Map<?, ?> map) {
            List<String> parts = new ArrayList<>();
            map.forEach((k, v) -> parts.add(k + " " + v));
            value = String.join(", ", parts);
        }
        if (value != null && !String.valueOf(value).isBlank()) {
            facts.add(new ModelPage.Fact(term, String.valueOf(value)));
        }
    }
}
