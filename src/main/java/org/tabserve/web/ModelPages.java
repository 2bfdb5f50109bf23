package org.tabserve.web;

import org.tabserve.model.ClassMetrics;
import org.tabserve.model.Evaluation;
import org.tabserve.model.Feature;
import org.tabserve.model.FeatureHistogram;
import org.tabserve.model.ModelCard;
import org.tabserve.model.ModelInput;
import org.tabserve.model.ModelSignature;
import org.tabserve.model.OnnxModel;
import org.tabserve.model.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the {@link ModelPage} from a model's card: turns the card's numbers into facts in words and into placed
 * shapes for the confusion matrix and the per-class histograms.
 */
final class ModelPages {

    /** Histogram picture size, in SVG user units; it scales down to the page's width. */
    static final int CHART_WIDTH = 320;
    static final int CHART_HEIGHT = 130;
    private static final int CHART_TOP = 8;
    private static final int CHART_AXIS = 108;

    /** Confusion matrix: one cell's side and the room for the labels. */
    private static final int CELL = 90;
    private static final int MARGIN = 70;

    private ModelPages() {
    }

    static ModelPage build(OnnxModel classifier) {
        ModelCard card = classifier.card();
        List<String> classes = classifier.signature().classLabels();
        ModelSignature signature = classifier.signature();
        List<ModelPage.Fact> facts = new ArrayList<>();
        facts.add(new ModelPage.Fact("Task", signature.task() == Task.REGRESSION
                ? "regression: it predicts a number for each row" + classifier.valueOutput()
                        .map(v -> " (output " + v.name() + ")").orElse("")
                : "classification into " + classes.size() + " classes"));
        facts.add(new ModelPage.Fact("Features", String.join(", ", FormServlet.displayOrder(classifier))));
        if (signature.task() == Task.CLASSIFICATION) {
            List<String> classTexts = new ArrayList<>();
            for (String label : classes) {
                classTexts.add(card.displayName(label).equals(label) ? label : label + " = " + card.displayName(label));
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
            facts.add(new ModelPage.Fact("Cross-validated accuracy", fixed(accuracy.doubleValue(), 3)));
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
        addIfPresent(data, "Source", d.get("source"));
        addIfPresent(data, "Licence", d.get("licence"));

        Evaluation evaluation = card.evaluation();
        ModelPage.Metrics metrics = null;
        ModelPage.Confusion confusion = null;
        if (evaluation != null) {
            List<ModelPage.ClassLine> lines = new ArrayList<>();
            evaluation.perClass().forEach((label, m) -> lines.add(line(card, label, m)));
            metrics = new ModelPage.Metrics(evaluation.method(), Integer.toString(evaluation.rows()),
                    fixed(evaluation.accuracy(), 3), lines);
            if (!evaluation.confusionLabels().isEmpty()) {
                confusion = confusion(card, evaluation);
            }
        }
        List<ModelPage.Legend> legend = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) {
            legend.add(new ModelPage.Legend(card.displayName(classes.get(i)), classes.get(i), colour(i)));
        }
        List<ModelPage.HistogramChart> charts = new ArrayList<>();
        for (String feature : FormServlet.displayOrder(classifier)) {
            if (card.histograms().containsKey(feature)) {
                charts.add(histogram(card, classes, feature, card.histograms().get(feature)));
            }
        }
        return new ModelPage(card.name(), card.version(), card.description(), signature.task().jsonName(),
                inputs(classifier), facts, data, metrics, confusion, charts, legend);
    }

    /** One line per feature, in display order: its type, its input tensor, whether it may be missing, its categories. */
    static List<ModelPage.InputLine> inputs(OnnxModel classifier) {
        ModelSignature signature = classifier.signature();
        List<ModelPage.InputLine> lines = new ArrayList<>();
        for (String name : FormServlet.displayOrder(classifier)) {
            Feature feature = signature.feature(name).orElseThrow();
            ModelInput input = signature.inputs().stream().filter(i -> i.features().contains(feature)).findFirst()
                    .orElseThrow();
            String shape = String.join(", ", V2InferRequestParser.shape(input).stream()
                    .map(d -> d < 0 ? "N" : Long.toString(d)).toList());
            String categories = feature.categories().isEmpty() ? ""
                    : String.join(", ", feature.categories()) + (feature.refusesUnknown() ? " (no others)"
                    : " (others are taken with a warning)");
            lines.add(new ModelPage.InputLine(feature.name(), ModelApiServlet.typeName(feature.type()),
                    input.name() + " " + input.type().v2Name() + " [" + shape + "]",
                    feature.missingAllowed() ? "yes" : "no", categories));
        }
        return lines;
    }

    private static ModelPage.ClassLine line(ModelCard card, String label, ClassMetrics m) {
        return new ModelPage.ClassLine(card.displayName(label), label, fixed(m.precision(), 3), fixed(m.recall(), 3),
                fixed(m.f1(), 3), Integer.toString(m.support()));
    }

    private static ModelPage.Confusion confusion(ModelCard card, Evaluation evaluation) {
        List<String> labels = evaluation.confusionLabels();
        int n = labels.size();
        int max = evaluation.confusion().stream().flatMap(List::stream).mapToInt(Integer::intValue).max().orElse(0);
        List<ModelPage.Cell> cells = new ArrayList<>();
        List<String> words = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                int count = evaluation.confusion().get(t).get(p);
                double x = MARGIN + p * CELL;
                double y = MARGIN + t * CELL;
                double opacity = max == 0 ? 0 : 0.08 + 0.92 * count / max;
                cells.add(new ModelPage.Cell(x, y, CELL, round(opacity), Integer.toString(count), x + CELL / 2.0,
                        y + CELL / 2.0 + 7, opacity > 0.5 ? "on-dark" : "on-light"));
                words.add(count + " " + card.displayName(labels.get(t)) + " predicted " + card.displayName(labels.get(p)));
            }
        }
        List<ModelPage.Text> texts = new ArrayList<>();
        texts.add(new ModelPage.Text(MARGIN + n * CELL / 2.0, 16, "predicted", "middle", null));
        texts.add(new ModelPage.Text(16, MARGIN + n * CELL / 2.0, "true", "middle",
                "rotate(-90 16 " + (MARGIN + n * CELL / 2.0) + ")"));
        for (int i = 0; i < n; i++) {
            String name = card.displayName(labels.get(i));
            texts.add(new ModelPage.Text(MARGIN + i * CELL + CELL / 2.0, MARGIN - 10, name, "middle", null));
            texts.add(new ModelPage.Text(MARGIN - 8, MARGIN + i * CELL + CELL / 2.0 + 5, name, "end", null));
        }
        return new ModelPage.Confusion(MARGIN + n * CELL + 4, texts, cells,
                "Held-out rows by true class (rows) and predicted class (columns): " + String.join("; ", words) + ".");
    }

    private static ModelPage.HistogramChart histogram(ModelCard card, List<String> classes, String feature,
                                                      FeatureHistogram histogram) {
        int bins = histogram.bins();
        double left = 4;
        double plotWidth = CHART_WIDTH - 2 * left;
        double binWidth = plotWidth / bins;
        int max = Math.max(1, histogram.maxCount());
        List<String> shown = classes.stream().filter(histogram.counts()::containsKey).toList();
        double barWidth = (binWidth - 2) / Math.max(1, shown.size());
        List<ModelPage.Bar> bars = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            for (int c = 0; c < shown.size(); c++) {
                int count = histogram.counts().get(shown.get(c)).get(b);
                if (count == 0) {
                    continue;
                }
                double height = (CHART_AXIS - CHART_TOP) * (double) count / max;
                bars.add(new ModelPage.Bar(round(left + b * binWidth + 1 + c * barWidth), round(CHART_AXIS - height),
                        round(barWidth), round(height), colour(classes.indexOf(shown.get(c))),
                        count + " " + card.displayName(shown.get(c)) + " from " + number(histogram.edges().get(b))
                                + " to " + number(histogram.edges().get(b + 1))));
            }
        }
        List<ModelPage.Text> ticks = List.of(
                new ModelPage.Text(left, CHART_AXIS + 16, number(histogram.edges().get(0)), "start", null),
                new ModelPage.Text(CHART_WIDTH - left, CHART_AXIS + 16, number(histogram.edges().get(bins)), "end", null));
        List<String> words = new ArrayList<>();
        for (String label : shown) {
            int total = histogram.counts().get(label).stream().mapToInt(Integer::intValue).sum();
            words.add(total + " " + card.displayName(label));
        }
        return new ModelPage.HistogramChart(feature, CHART_WIDTH, CHART_HEIGHT, bars, CHART_AXIS, ticks,
                "Training values of " + feature + " from " + number(histogram.edges().get(0)) + " to "
                        + number(histogram.edges().get(bins)) + " in " + bins + " bins: " + String.join(", ", words) + ".");
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

    private static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String number(double value) {
        return FormServlet.round(Math.round(value * 100) / 100.0);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
