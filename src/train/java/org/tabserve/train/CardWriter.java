package org.tabserve.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.tabserve.model.CardKeys;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.Tribuo;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the card of a trained model as ONNX metadata entries under the keys of {@link CardKeys}, in a fixed order
 * and with no timestamps, so that the same training gives the same bytes.
 */
final class CardWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CardWriter() {
    }

    static Map<String, String> card(ModelDescription description, LabeledData data, StratifiedSplits.Split split,
                                    List<Training.Score> scores, Model<Label> model, LabelEvaluation evaluation) {
        // The graph takes the data's column order (DataColumnOrder puts a Gather in front of Tribuo's nodes).
        List<String> features = data.featureNames();
        List<String> classes = graphClassOrder(model);
        Map<String, String> card = new LinkedHashMap<>();
        card.put(CardKeys.CARD_VERSION, "1");
        card.put(CardKeys.NAME, description.name());
        card.put(CardKeys.VERSION, description.version());
        card.put(CardKeys.DESCRIPTION, description.description());
        card.put(CardKeys.FEATURES, json(features));
        card.put(CardKeys.CLASSES, json(classes));
        Map<String, String> displayNames = new LinkedHashMap<>();
        for (String label : classes) {
            displayNames.put(label, description.classDisplayNames().getOrDefault(label, label));
        }
        card.put(CardKeys.CLASS_DISPLAY_NAMES, json(displayNames));
        card.put(CardKeys.CLASS_DISPLAY_NOTE, description.classDisplayNote());
        card.put(CardKeys.SCORES, "probabilities");
        card.put(CardKeys.FEATURE_STATS, json(featureStats(data, split.train(), features)));
        card.put(CardKeys.HISTOGRAMS, json(histograms(data, split.train(), features, classes)));
        card.put(CardKeys.EXAMPLES, json(examples(data, split.train(), classes)));
        card.put(CardKeys.METRICS, json(metrics(evaluation, classes, split)));
        card.put(CardKeys.DATA, json(dataCard(description, data, split)));
        card.put(CardKeys.TRAINER, json(trainerCard(scores)));
        return card;
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

    private static Map<String, Object> featureStats(LabeledData data, List<Integer> rows, List<String> features) {
        Map<String, Object> stats = new LinkedHashMap<>();
        for (String feature : features) {
            int column = data.featureNames().indexOf(feature);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int row : rows) {
                double value = data.rows().get(row)[column];
                min = Math.min(min, value);
                max = Math.max(max, value);
                sum += value;
            }
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("min", min);
            one.put("max", max);
            one.put("mean", sum / rows.size());
            stats.put(feature, one);
        }
        return stats;
    }

    /** Bins per feature histogram: enough to show the shape, few enough to stay readable at 360 px. */
    static final int HISTOGRAM_BINS = 16;

    /** Example rows per class offered on the form. */
    static final int EXAMPLES_PER_CLASS = 3;

    /** Per feature, equal-width bins over the training range and each class's count in each bin. */
    private static Map<String, Object> histograms(LabeledData data, List<Integer> rows, List<String> features,
                                                  List<String> classes) {
        Map<String, Object> histograms = new LinkedHashMap<>();
        for (String feature : features) {
            int column = data.featureNames().indexOf(feature);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int row : rows) {
                min = Math.min(min, data.rows().get(row)[column]);
                max = Math.max(max, data.rows().get(row)[column]);
            }
            double width = (max - min) / HISTOGRAM_BINS;
            List<Double> edges = new ArrayList<>();
            for (int i = 0; i <= HISTOGRAM_BINS; i++) {
                // Rounded so that the card reads well; the outer edges stay the exact training range.
                edges.add(i == HISTOGRAM_BINS ? max : i == 0 ? min : Math.round((min + i * width) * 1e6) / 1e6);
            }
            Map<String, int[]> counts = new LinkedHashMap<>();
            classes.forEach(label -> counts.put(label, new int[HISTOGRAM_BINS]));
            for (int row : rows) {
                double value = data.rows().get(row)[column];
                int bin = Math.min(HISTOGRAM_BINS - 1, (int) ((value - min) / width));
                while (bin > 0 && value < edges.get(bin)) {
                    bin--;
                }
                while (bin < HISTOGRAM_BINS - 1 && value >= edges.get(bin + 1)) {
                    bin++;
                }
                counts.get(data.labels().get(row))[bin]++;
            }
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("edges", edges);
            Map<String, Object> perClass = new LinkedHashMap<>();
            counts.forEach((label, bins) -> perClass.put(label, bins));
            one.put("counts", perClass);
            histograms.put(feature, one);
        }
        return histograms;
    }

    /**
     * A few training rows per class, evenly spaced through that class's rows in file order: deterministic, and
     * spread over the data rather than its first lines.
     */
    private static Map<String, Object> examples(LabeledData data, List<Integer> rows, List<String> classes) {
        Map<String, Object> examples = new LinkedHashMap<>();
        for (String label : classes) {
            List<Integer> ofClass = rows.stream().sorted().filter(r -> data.labels().get(r).equals(label)).toList();
            List<Map<String, Object>> chosen = new ArrayList<>();
            for (int k = 0; k < EXAMPLES_PER_CLASS && k < ofClass.size(); k++) {
                double[] values = data.rows().get(ofClass.get((int) ((k + 0.5) * ofClass.size() / EXAMPLES_PER_CLASS)));
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

    private static Map<String, Object> metrics(LabelEvaluation evaluation, List<String> classes,
                                               StratifiedSplits.Split split) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("method", "stratified hold-out of " + Math.round(Training.TEST_FRACTION * 100)
                + "% of each class (identical rows kept on one side, seed " + Training.SEED
                + "); the shipped model was trained on the other " + split.train().size() + " rows only");
        metrics.put("rows", split.test().size());
        metrics.put("accuracy", evaluation.accuracy());
        Map<String, Object> perClass = new LinkedHashMap<>();
        List<List<Integer>> counts = new ArrayList<>();
        for (String truth : classes) {
            Label label = new Label(truth);
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("precision", evaluation.precision(label));
            one.put("recall", evaluation.recall(label));
            one.put("f1", evaluation.f1(label));
            one.put("support", (int) evaluation.getConfusionMatrix().support(label));
            perClass.put(truth, one);
            List<Integer> row = new ArrayList<>();
            for (String predicted : classes) {
                row.add((int) evaluation.confusion(label, new Label(predicted)));
            }
            counts.add(row);
        }
        metrics.put("per_class", perClass);
        Map<String, Object> confusion = new LinkedHashMap<>();
        confusion.put("labels", classes);
        confusion.put("rows", "true class");
        confusion.put("columns", "predicted class");
        confusion.put("counts", counts);
        metrics.put("confusion_matrix", confusion);
        return metrics;
    }

    private static Map<String, Object> dataCard(ModelDescription description, LabeledData data,
                                                StratifiedSplits.Split split) {
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("file", data.file());
        card.put("sha256", data.sha256());
        card.put("rows", data.size());
        card.put("training_rows", split.train().size());
        card.put("held_out_rows", split.test().size());
        card.put("columns", data.featureNames());
        card.put("label_column", description.labelColumn());
        card.put("source", description.dataSource());
        card.put("licence", description.dataLicence());
        return card;
    }

    private static Map<String, Object> trainerCard(List<Training.Score> scores) {
        Training.Score chosen = scores.get(0);
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("library", "Tribuo " + Tribuo.VERSION);
        card.put("name", chosen.candidate().name());
        card.put("settings", chosen.candidate().settings());
        card.put("selection", Training.FOLDS + "-fold stratified cross-validation on the training rows (seed "
                + Training.SEED + "): highest accuracy, ties broken by lower log-loss");
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

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write card value " + value, e);
        }
    }
}
