package org.tabserve.cardmaking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A classifier's metrics over labelled rows, added one row at a time in bounded memory, in the shape
 * {@link org.tabserve.model.card.CardKeys#METRICS} documents: accuracy, per-class precision, recall, F1 and support, the
 * confusion matrix, and, when the rows' probabilities are given, the log-loss and for two classes the ROC curve with
 * its AUC and a calibration table.
 *
 * <p>The ROC curve needs every row's score in order. Up to {@link #EXACT_ROWS} rows they are all kept (16 MB at most)
 * and the AUC is exact, ties counted half as scikit-learn's {@code roc_auc_score} counts them; past that a uniform
 * sample of that many rows (a seeded reservoir, so the same file gives the same card) stands for them and the card
 * says so.
 */
public final class ClassificationMetrics {

    /** Rows whose scores are kept for the ROC curve; past it, a uniform sample of this many. */
    public static final int EXACT_ROWS = 2_000_000;
    /** Points of the ROC curve kept in the card, enough for a smooth picture. */
    static final int ROC_POINTS = 101;
    /** Bins of predicted probability in the calibration table. */
    static final int CALIBRATION_BINS = 10;
    /** Probabilities are clipped to [this, 1 - this] for the log-loss, as scikit-learn does. */
    private static final double EPSILON = 1e-15;

    private final List<String> classes;
    private final long[][] confusion;
    private long rows;
    private long scoredRows;
    private double logLoss;
    // Two classes: the second class's probability per row, for the ROC curve, and the calibration table.
    private double[] scores = new double[1024];
    private boolean[] positive = new boolean[1024];
    private int kept;
    private final SplittableRandom reservoir = new SplittableRandom(20260101L);
    private final double[] calibrationSum = new double[CALIBRATION_BINS];
    private final long[] calibrationPositives = new long[CALIBRATION_BINS];
    private final long[] calibrationCounts = new long[CALIBRATION_BINS];

    /** @param classes the class labels, in the model's output order */
    public ClassificationMetrics(List<String> classes) {
        this.classes = List.copyOf(classes);
        this.confusion = new long[classes.size()][classes.size()];
    }

    /**
     * Adds a row's true and predicted class.
     *
     * @throws IllegalArgumentException for a label that is not one of the classes
     */
    public void add(String truth, String predicted) {
        confusion[index(truth)][index(predicted)]++;
        rows++;
    }

    /**
     * Adds a row with its probabilities, in the order of the classes.
     *
     * @throws IllegalArgumentException for a label that is not one of the classes
     */
    public void add(String truth, String predicted, List<Double> probabilities) {
        add(truth, predicted);
        int t = index(truth);
        scoredRows++;
        logLoss -= Math.log(Math.min(1 - EPSILON, Math.max(EPSILON, probabilities.get(t))));
        if (classes.size() == 2) {
            double score = probabilities.get(1);
            keep(score, t == 1);
            int bin = Math.min(CALIBRATION_BINS - 1, Math.max(0, (int) (score * CALIBRATION_BINS)));
            calibrationSum[bin] += score;
            calibrationCounts[bin]++;
            calibrationPositives[bin] += t == 1 ? 1 : 0;
        }
    }

    private void keep(double score, boolean isPositive) {
        if (kept < EXACT_ROWS) {
            if (kept == scores.length) {
                scores = Arrays.copyOf(scores, Math.min(EXACT_ROWS, kept * 2));
                positive = Arrays.copyOf(positive, scores.length);
            }
            scores[kept] = score;
            positive[kept] = isPositive;
            kept++;
            return;
        }
        long slot = reservoir.nextLong(scoredRows); // scoredRows counts this row: a uniform sample of all so far
        if (slot < EXACT_ROWS) {
            scores[(int) slot] = score;
            positive[(int) slot] = isPositive;
        }
    }

    private int index(String label) {
        int index = classes.indexOf(label);
        if (index < 0) {
            throw new IllegalArgumentException(
                    "'" + label + "' is not a class of the model; its classes are " + classes);
        }
        return index;
    }

    /** @return the number of rows added */
    public long rows() {
        return rows;
    }

    /** @return the share of rows whose predicted class was the true one */
    public double accuracy() {
        long correct = 0;
        for (int i = 0; i < classes.size(); i++) {
            correct += confusion[i][i];
        }
        return (double) correct / rows;
    }

    /**
     * @param method how the rows were chosen, in words
     * @return the metrics as the card stores them
     */
    public Map<String, Object> toJson(String method) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("method", method);
        metrics.put("rows", rows);
        metrics.put("accuracy", accuracy());
        Map<String, Object> perClass = new LinkedHashMap<>();
        List<List<Long>> counts = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            long truePositives = confusion[c][c];
            long predicted = 0;
            long support = 0;
            List<Long> row = new ArrayList<>();
            for (int o = 0; o < classes.size(); o++) {
                predicted += confusion[o][c];
                support += confusion[c][o];
                row.add(confusion[c][o]);
            }
            counts.add(row);
            double precision = predicted == 0 ? 0 : (double) truePositives / predicted;
            double recall = support == 0 ? 0 : (double) truePositives / support;
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("precision", precision);
            one.put("recall", recall);
            one.put("f1", precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall));
            one.put("support", support);
            perClass.put(classes.get(c), one);
        }
        metrics.put("per_class", perClass);
        Map<String, Object> confusionMatrix = new LinkedHashMap<>();
        confusionMatrix.put("labels", classes);
        confusionMatrix.put("rows", "true class");
        confusionMatrix.put("columns", "predicted class");
        confusionMatrix.put("counts", counts);
        metrics.put("confusion_matrix", confusionMatrix);
        if (scoredRows > 0) {
            metrics.put("log_loss", logLoss / scoredRows);
        }
        if (kept > 0) {
            metrics.put("roc", roc());
            metrics.put("calibration", calibration());
        }
        return metrics;
    }

    /**
     * The ROC curve of the second class's probability as the score: one point per distinct score (ties form one
     * step), thinned to {@link #ROC_POINTS}, and the exact area under the full curve.
     */
    private Map<String, Object> roc() {
        Integer[] order = new Integer[kept];
        for (int i = 0; i < kept; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        long positives = 0;
        for (int i = 0; i < kept; i++) {
            positives += positive[i] ? 1 : 0;
        }
        long negatives = kept - positives;
        List<double[]> curve = new ArrayList<>();
        curve.add(new double[] {0, 0, Double.POSITIVE_INFINITY});
        long tp = 0;
        long fp = 0;
        double area = 0;
        for (int i = 0; i < kept; ) {
            double threshold = scores[order[i]];
            long stepTp = 0;
            long stepFp = 0;
            while (i < kept && scores[order[i]] == threshold) {
                if (positive[order[i]]) {
                    stepTp++;
                } else {
                    stepFp++;
                }
                i++;
            }
            area += stepFp * (tp + stepTp / 2.0); // trapezoid: a tie is counted half
            tp += stepTp;
            fp += stepFp;
            curve.add(new double[] {rate(fp, negatives), rate(tp, positives), threshold});
        }
        List<Double> fpr = new ArrayList<>();
        List<Double> tpr = new ArrayList<>();
        List<Double> thresholds = new ArrayList<>();
        int step = Math.max(1, (int) Math.ceil((curve.size() - 1) / (double) (ROC_POINTS - 1)));
        for (int i = 0; i < curve.size(); i += step) {
            addPoint(curve.get(i), fpr, tpr, thresholds);
        }
        if ((curve.size() - 1) % step != 0) {
            addPoint(curve.get(curve.size() - 1), fpr, tpr, thresholds);
        }
        Map<String, Object> roc = new LinkedHashMap<>();
        roc.put("positive_class", classes.get(1));
        if (positives > 0 && negatives > 0) { // with one class only, the area is undefined
            roc.put("auc", area / ((double) positives * negatives));
        }
        roc.put("rows", kept);
        if (scoredRows > kept) {
            roc.put("note", "from a uniform sample of " + kept + " of the " + scoredRows + " rows");
        }
        roc.put("fpr", fpr);
        roc.put("tpr", tpr);
        roc.put("thresholds", thresholds);
        return roc;
    }

    private static void addPoint(double[] point, List<Double> fpr, List<Double> tpr, List<Double> thresholds) {
        fpr.add(point[0]);
        tpr.add(point[1]);
        thresholds.add(Double.isInfinite(point[2]) ? 1.0 : point[2]);
    }

    private static double rate(long count, long of) {
        return of == 0 ? 0 : (double) count / of;
    }

    /** Per bin of the second class's predicted probability: its mean, the observed rate of that class, the rows. */
    private Map<String, Object> calibration() {
        List<Double> predicted = new ArrayList<>();
        List<Double> observed = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (int b = 0; b < CALIBRATION_BINS; b++) {
            if (calibrationCounts[b] > 0) {
                predicted.add(calibrationSum[b] / calibrationCounts[b]);
                observed.add((double) calibrationPositives[b] / calibrationCounts[b]);
                counts.add(calibrationCounts[b]);
            }
        }
        Map<String, Object> calibration = new LinkedHashMap<>();
        calibration.put("positive_class", classes.get(1));
        calibration.put("bins", CALIBRATION_BINS);
        calibration.put("predicted", predicted);
        calibration.put("observed", observed);
        calibration.put("counts", counts);
        return calibration;
    }
}
