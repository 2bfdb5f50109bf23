package org.tabserve.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.cardmaking.CardWriter;
import org.tabserve.cardmaking.ClassificationMetrics;
import org.tabserve.cardmaking.ExampleRows;
import org.tabserve.cardmaking.Histograms;
import org.tabserve.cardmaking.Summary;
import org.tabserve.model.card.CardKeys;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.Tribuo;
import org.tribuo.classification.Label;

/**
 * The card of a trained model: what only the trainer knows (Tribuo's column and class order, the split, the
 * candidates it tried) put through the shared {@link CardWriter}, which spells every key and value shape as the
 * {@code card} command does.
 */
final class TrainingCard {

    private TrainingCard() {}

    static Map<String, String> card(
            ModelDescription description,
            LabeledData data,
            StratifiedSplits.Split split,
            List<Training.Score> scores,
            Model<Label> model) {
        // The graph takes the data's column order (DataColumnOrder puts a Gather in front of Tribuo's nodes).
        List<String> features = data.featureNames();
        List<String> classes = graphClassOrder(model);
        Map<String, String> displayNames = new LinkedHashMap<>();
        for (String label : classes) {
            displayNames.put(label, description.classDisplayNames().getOrDefault(label, label));
        }
        return new CardWriter()
                .text(CardKeys.NAME, description.name())
                .text(CardKeys.VERSION, description.version())
                .text(CardKeys.DESCRIPTION, description.description())
                .json(CardKeys.FEATURES, features)
                .json(CardKeys.CLASSES, classes)
                .json(CardKeys.CLASS_DISPLAY_NAMES, displayNames)
                .text(CardKeys.CLASS_DISPLAY_NOTE, description.classDisplayNote())
                .text(CardKeys.SCORES, "probabilities")
                .json(CardKeys.FEATURE_STATS, CardWriter.featureStats(summaries(data, split.train())))
                .json(CardKeys.HISTOGRAMS, histograms(data, split.train(), classes))
                .json(CardKeys.EXAMPLES, examples(data, split.train(), classes))
                .json(CardKeys.METRICS, metrics(data, split, model, classes))
                .json(CardKeys.DATA, dataCard(description, data, split))
                .json(CardKeys.TRAINER, trainerCard(scores))
                .entries();
    }

    /** The column order of Tribuo's own graph: Tribuo numbers features by sorted name, not by CSV column. */
    static List<String> tribuoFeatureOrder(Model<Label> model) {
        ImmutableFeatureMap map = model.getFeatureIDMap();
        List<String> names = new ArrayList<>();
        for (int id = 0; id < map.size(); id++) {
            names.add(map.get(id).getName());
        }
        return names;
    }

    /** The probability output's column order: Tribuo's output ids. */
    static List<String> graphClassOrder(Model<Label> model) {
        List<String> labels = new ArrayList<>();
        for (int id = 0; id < model.getOutputIDInfo().size(); id++) {
            labels.add(model.getOutputIDInfo().getOutput(id).getLabel());
        }
        return labels;
    }

    private static Map<String, Summary> summaries(LabeledData data, List<Integer> rows) {
        Map<String, Summary> summaries = new LinkedHashMap<>();
        for (int column = 0; column < data.featureNames().size(); column++) {
            Summary summary = new Summary();
            for (int row : rows) {
                summary.add(data.rows().get(row)[column]);
            }
            summaries.put(data.featureNames().get(column), summary);
        }
        return summaries;
    }

    /** Per feature, equal-width bins over the training range and each class's count in each bin. */
    private static Map<String, Object> histograms(LabeledData data, List<Integer> rows, List<String> classes) {
        Map<String, Summary> summaries = summaries(data, rows);
        Map<String, Object> histograms = new LinkedHashMap<>();
        for (int column = 0; column < data.featureNames().size(); column++) {
            Summary summary = summaries.get(data.featureNames().get(column));
            List<Double> edges = Histograms.edges(summary.min(), summary.max(), Histograms.BINS);
            Map<String, int[]> counts = new LinkedHashMap<>();
            classes.forEach(label -> counts.put(label, new int[Histograms.BINS]));
            for (int row : rows) {
                counts.get(data.labels().get(row))[Histograms.bin(data.rows().get(row)[column], edges)]++;
            }
            histograms.put(data.featureNames().get(column), Histograms.toJson(edges, counts));
        }
        return histograms;
    }

    /** A few training rows per class at {@link ExampleRows#positions} among that class's rows in file order. */
    private static Map<String, Object> examples(LabeledData data, List<Integer> rows, List<String> classes) {
        Map<String, Object> examples = new LinkedHashMap<>();
        for (String label : classes) {
            List<Integer> ofClass = rows.stream()
                    .sorted()
                    .filter(r -> data.labels().get(r).equals(label))
                    .toList();
            List<Map<String, Object>> chosen = new ArrayList<>();
            for (long position : ExampleRows.positions(ofClass.size())) {
                double[] values = data.rows().get(ofClass.get((int) position));
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 0; i < values.length; i++) {
                    row.put(data.featureNames().get(i), values[i]);
                }
                chosen.add(row);
            }
            examples.put(label, chosen);
        }
        return examples;
    }

    /** The chosen model on the held-out rows, through the same metrics as the {@code card} command's. */
    private static Map<String, Object> metrics(
            LabeledData data, StratifiedSplits.Split split, Model<Label> model, List<String> classes) {
        ClassificationMetrics metrics = new ClassificationMetrics(classes);
        for (int row : split.test()) {
            metrics.add(
                    data.labels().get(row),
                    model.predict(Training.example(data, row)).getOutput().getLabel());
        }
        return metrics.toJson("stratified hold-out of " + Math.round(Training.TEST_FRACTION * 100)
                + "% of each class (identical rows kept on one side, seed " + Training.SEED
                + "); the shipped model was trained on the other "
                + split.train().size() + " rows only");
    }

    private static Map<String, Object> dataCard(
            ModelDescription description, LabeledData data, StratifiedSplits.Split split) {
        Map<String, Object> card = new LinkedHashMap<>();
        card.put(CardWriter.DATA_FILE, data.file());
        card.put(CardWriter.DATA_SHA256, data.sha256());
        card.put(CardWriter.DATA_ROWS, data.size());
        card.put(CardWriter.DATA_TRAINING_ROWS, split.train().size());
        card.put(CardWriter.DATA_HELD_OUT_ROWS, split.test().size());
        card.put(CardWriter.DATA_COLUMNS, data.featureNames());
        card.put(CardWriter.DATA_LABEL_COLUMN, description.labelColumn());
        card.put(CardWriter.DATA_SOURCE, description.dataSource());
        card.put(CardWriter.DATA_LICENCE, description.dataLicence());
        return card;
    }

    private static Map<String, Object> trainerCard(List<Training.Score> scores) {
        Training.Score chosen = scores.get(0);
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("library", "Tribuo " + Tribuo.VERSION);
        card.put("name", chosen.candidate().name());
        card.put("settings", chosen.candidate().settings());
        card.put(
                "selection",
                Training.FOLDS + "-fold stratified cross-validation on the training rows (seed " + Training.SEED
                        + "): highest accuracy, ties broken by lower log-loss");
        card.put("cv_accuracy", chosen.accuracy());
        card.put("cv_log_loss", chosen.logLoss());
        List<Map<String, Object>> candidates = new ArrayList<>();
        for (Training.Score score : scores) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", score.candidate().name());
            one.put("cv_accuracy", score.accuracy());
            one.put("cv_log_loss", score.logLoss());
            candidates.add(one);
        }
        card.put("candidates", candidates);
        return card;
    }
}
