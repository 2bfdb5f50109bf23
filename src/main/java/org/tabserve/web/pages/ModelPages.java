package org.tabserve.web.pages;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tabserve.model.Model;
import org.tabserve.model.card.CategoryCounts;
import org.tabserve.model.card.ClassMetrics;
import org.tabserve.model.card.Evaluation;
import org.tabserve.model.card.FeatureHistogram;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.card.RegressionEvaluation;
import org.tabserve.model.conformal.Conformal;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Task;
import org.tabserve.web.api.ModelApiHandler;
import org.tabserve.web.http.CardSize;
import org.tabserve.web.pages.plots.BidiIsolate;
import org.tabserve.web.pages.plots.CardPlots;
import org.tabserve.web.pages.plots.Decimals;
import org.tabserve.web.pages.plots.Plot;
import org.tabserve.web.pages.plots.Plots;

/**
 * Builds the {@link ModelPage} from a model's card: the card's facts in words (the model, its data, its inputs, its
 * metrics' table), its pictures by {@link CardPlots}, and for a model without a card, the {@code card} command that
 * makes one; and how much memory drawing it may take.
 */
final class ModelPages {

    /** The name the WAR is run by in the README's commands. */
    static final String WAR = "tabserve.war";

    private ModelPages() {}

    static ModelPage build(Model classifier) {
        ModelCard card = classifier.card();
        List<String> classes = classifier.signature().classLabels();
        ModelSignature signature = classifier.signature();
        List<ModelPage.Fact> facts = new ArrayList<>();
        facts.add(new ModelPage.Fact(
                "Task",
                signature.task() == Task.REGRESSION
                        ? "regression: it predicts a number for each row"
                                + classifier
                                        .valueOutput()
                                        .map(v -> " (output " + v.name() + ")")
                                        .orElse("")
                        : "classification into " + classes.size() + " classes"));
        facts.add(new ModelPage.Fact(
                "Features",
                String.join(
                        ", ",
                        FormHandler.displayOrder(classifier).stream()
                                .map(BidiIsolate::of)
                                .toList())));
        if (signature.task() == Task.CLASSIFICATION) {
            List<String> classTexts = new ArrayList<>();
            for (String label : classes) {
                classTexts.add(
                        card.displayName(label).equals(label)
                                ? BidiIsolate.of(label)
                                : BidiIsolate.of(label) + " = " + BidiIsolate.of(card.displayName(label)));
            }
            facts.add(new ModelPage.Fact("Classes", String.join(", ", classTexts)));
            if (!card.classDisplayNote().isEmpty()) {
                facts.add(new ModelPage.Fact("Class names", card.classDisplayNote()));
            }
            if (signature.probabilityNote() != null) {
                facts.add(new ModelPage.Fact("Probabilities", signature.probabilityNote()));
            }
        }
        addIfPresent(facts, "Trainer", card.trainer().get("name"));
        addIfPresent(facts, "Library", card.trainer().get("library"));
        addIfPresent(facts, "Settings", card.trainer().get("settings"));
        addIfPresent(facts, "How it was chosen", card.trainer().get("selection"));
        if (card.trainer().get("cv_accuracy") instanceof Number accuracy) {
            facts.add(new ModelPage.Fact("Cross-validated accuracy", Plots.fixed(accuracy.doubleValue())));
        }
        org.tabserve.model.ModelFormat format = classifier.format();
        facts.add(new ModelPage.Fact(
                "Model file",
                format.name() + (format.writtenBy().isEmpty() ? "" : ", written by " + format.writtenBy())));
        for (String fact : List.of("objective", "trees", "best_iteration", "iteration_range", "mlflow.run_id")) {
            addIfPresent(facts, FACT_WORDS.get(fact), card.metadata().get(fact));
        }
        facts.add(new ModelPage.Fact("Model file sha256", classifier.sha256()));
        facts.add(new ModelPage.Fact(
                "Computed by",
                classifier.engine().name() + ": " + classifier.engine().note()));

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
        if (card.conformal() != null) {
            Conformal conformal = card.conformal();
            addIfPresent(
                    data,
                    "Conformal calibration",
                    conformal.file() + ", " + conformal.rows() + " rows (" + Conformal.NOT_TRAINING_ROWS + ")");
            List<String> checks = new ArrayList<>();
            for (Conformal.Check check : conformal.checks()) {
                checks.add(
                        Plots.fixed(check.coverage()) + " asked: " + Plots.fixed(check.empirical()) + " covered, mean "
                                + (signature.task() == Task.REGRESSION ? "width " : "set size ")
                                + Decimals.fourPlaces(check.meanSize()));
            }
            addIfPresent(data, "Coverage on the calibration rows", String.join("; ", checks));
        }

        Evaluation evaluation = card.evaluation();
        ModelPage.Metrics metrics = null;
        Plot confusion = null;
        List<ModelPage.Confused> confused = List.of();
        CardPlots.Roc roc = null;
        Plot calibration = null;
        if (evaluation != null) {
            List<ModelPage.ClassLine> lines = new ArrayList<>();
            evaluation.perClass().forEach((label, m) -> lines.add(line(card, label, m)));
            metrics = new ModelPage.Metrics(
                    evaluation.method(),
                    Integer.toString(evaluation.rows()),
                    Plots.fixed(evaluation.accuracy()),
                    lines,
                    MetricsSource.trainingRows(card));
            if (!evaluation.confusionLabels().isEmpty() && MostConfused.asMatrix(evaluation)) {
                confusion = CardPlots.confusion(card, evaluation);
            } else if (!evaluation.confusionLabels().isEmpty()) {
                confused = MostConfused.of(card, evaluation);
            }
            if (evaluation.roc() != null) {
                roc = CardPlots.roc(card, evaluation.roc());
            }
            if (evaluation.calibration() != null) {
                calibration = CardPlots.calibration(card, evaluation.calibration());
            }
        }
        CardPlots.Series series = CardPlots.Series.of(card, classes);
        List<ModelPage.Chart> charts = new ArrayList<>();
        List<ModelPage.Chart> categories = new ArrayList<>();
        for (String feature : FormHandler.displayOrder(classifier)) {
            if (card.histograms().containsKey(feature)) {
                charts.add(new ModelPage.Chart(
                        feature,
                        CardPlots.histogram(series, feature, card.histograms().get(feature))));
            }
            if (card.categories().containsKey(feature)) {
                categories.add(new ModelPage.Chart(
                        feature,
                        CardPlots.categories(series, feature, card.categories().get(feature))));
            }
        }
        return new ModelPage(
                card.name(),
                card.version(),
                card.description(),
                signature.task().jsonName(),
                inputs(classifier),
                facts,
                data,
                card.skippedRows().stream()
                        .map(org.tabserve.model.card.SkippedRows::sentence)
                        .toList(),
                metrics,
                confusion,
                confused,
                roc,
                calibration,
                CardPlots.regression(card.regression()),
                charts,
                categories,
                series.legend(),
                card.describesData() ? null : noCard(classifier),
                signature.probabilityNote());
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
            shapes += (long) histogram.bins()
                            * Math.max(series, histogram.counts().size())
                    + 4;
        }
        for (CategoryCounts counts : card.categories().values()) {
            long categories =
                    counts.counts().values().stream().mapToLong(Map::size).sum();
            shapes += categories * (2L * Math.max(series, counts.counts().size()) + 1);
        }
        Evaluation evaluation = card.evaluation();
        if (evaluation != null) {
            long n = evaluation.confusionLabels().size();
            shapes += 2 * n * n + 2 * n + evaluation.perClass().size();
            shapes += evaluation.roc() == null ? 0 : evaluation.roc().fpr().size();
            shapes += evaluation.calibration() == null
                    ? 0
                    : 2L * evaluation.calibration().counts().size();
        }
        RegressionEvaluation regression = card.regression();
        if (regression != null) {
            shapes += regression.actual().size()
                    + (regression.residuals() == null
                            ? 0
                            : regression.residuals().bins());
        }
        shapes += classifier.signature().features().size() * 8L; // the inputs' table, the facts
        return BASE_BYTES + BYTES_PER_SHAPE * shapes + BYTES_PER_CARD_CHAR * CardSize.chars(card);
    }

    /** One line per feature, in display order: its type, its input tensor, whether it may be missing, its categories. */
    static List<ModelPage.InputLine> inputs(Model classifier) {
        ModelSignature signature = classifier.signature();
        List<ModelPage.InputLine> lines = new ArrayList<>();
        java.util.Set<ModelInput> told = new java.util.HashSet<>();
        for (String name : FormHandler.displayOrder(classifier)) {
            Feature feature = signature.feature(name).orElseThrow();
            ModelInput input = signature.inputs().stream()
                    .filter(i -> i.features().contains(feature))
                    .findFirst()
                    .orElseThrow();
            String shape = String.join(
                    ", ",
                    input.batchShape().stream()
                            .map(d -> d < 0 ? "N" : Long.toString(d))
                            .toList());
            if (alike(input)) {
                // One line for a tensor of many like columns (a 69-column SVM's float_input): 69 same rows made the
                // card 15,000 px tall and said nothing the one line does not.
                if (told.add(input)) {
                    lines.add(new ModelPage.InputLine(
                            features(input),
                            ModelApiHandler.typeName(feature.type()),
                            input.name() + " " + input.type().v2Name() + " [" + shape + "]",
                            missing(feature),
                            ""));
                }
                continue;
            }
            String categories = feature.categories().isEmpty()
                    ? ""
                    : String.join(
                                    ", ",
                                    feature.categories().stream()
                                            .map(BidiIsolate::of)
                                            .toList())
                            + (feature.refusesUnknown() ? " (no others)" : " (others are taken with a warning)");
            lines.add(new ModelPage.InputLine(
                    feature.name(),
                    ModelApiHandler.typeName(feature.type()),
                    input.name() + " " + input.type().v2Name() + " [" + shape + "]",
                    feature.missingAs() != null
                            ? "an empty " + feature.name() + " is taken as \"" + feature.missingAs() + "\""
                            : missing(feature),
                    categories));
        }
        return lines;
    }

    /** The most feature names a tensor's one line lists before it says how many more there are. */
    static final int NAMES_LISTED = 12;

    /** Whether an input is several columns that differ only by name: the same type, none with known values. */
    private static boolean alike(ModelInput input) {
        List<Feature> features = input.features();
        return features.size() > 1
                && features.stream()
                        .allMatch(f -> f.categories().isEmpty()
                                && f.type() == features.get(0).type()
                                && f.missing() == features.get(0).missing());
    }

    /** Whether a feature may be missing, and why: the same reason {@code GET /api/model}'s missing_because gives. */
    static String missing(Feature feature) {
        if (feature.missing() == null) {
            return "no";
        }
        return switch (feature.missing()) {
            case IMPUTER -> "yes: the model imputes it";
            case TREES -> "yes: its trees route a missing value";
            case CARD -> "yes: the model card says so";
        };
    }

    /** A tensor's column names, the first {@link #NAMES_LISTED} of them and how many more. */
    private static String features(ModelInput input) {
        List<String> names = input.features().stream().map(Feature::name).toList();
        return names.size() <= NAMES_LISTED
                ? String.join(", ", names)
                : String.join(", ", names.subList(0, NAMES_LISTED - 1)) + ", … " + names.get(names.size() - 1) + " ("
                        + names.size() + " columns)";
    }

    /**
     * The {@code card} command that gives this model its card, with its file name and inputs filled in; the label
     * column is the user's to name.
     */
    static ModelPage.NoCard noCard(Model model) {
        String source = model.source();
        String file = source.substring(Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\')) + 1);
        String stem = file.endsWith(".onnx") ? file.substring(0, file.length() - ".onnx".length()) : file;
        String command = "java -jar " + WAR + " card --model " + shellWord(file)
                + " --data labelled.csv --label <column>" + " --out " + shellWord(stem + "-with-card.onnx");
        return new ModelPage.NoCard(command, FormHandler.displayOrder(model));
    }

    /** A word as a POSIX shell reads it back: as it is when it is plain, else in single quotes. */
    static String shellWord(String word) {
        return word.matches("[A-Za-z0-9._,+=:@%/-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    private static ModelPage.ClassLine line(ModelCard card, String label, ClassMetrics m) {
        return new ModelPage.ClassLine(
                card.displayName(label),
                label,
                Plots.fixed(m.precision()),
                Plots.fixed(m.recall()),
                Plots.fixed(m.f1()),
                Integer.toString(m.support()));
    }

    /** The words the card page gives a tree file's facts (its card's metadata, {@code ForestFiles.card}). */
    private static final Map<String, String> FACT_WORDS = Map.of(
            "objective", "Objective",
            "trees", "Trees",
            "best_iteration", "Best iteration (early stopping)",
            "iteration_range", "Answers with rounds",
            "mlflow.run_id", "MLflow run");

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
