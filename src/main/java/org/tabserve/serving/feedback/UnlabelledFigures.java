package org.tabserve.serving.feedback;

import java.util.List;
import org.tabserve.model.Prediction;
import org.tabserve.model.PredictionColumns;
import org.tabserve.model.Task;

/**
 * What a version's answers tell before any label comes: a classifier's rows' confidence, summed into the hour's
 * estimate of its accuracy ({@link Confidence}, CBPE), and a regressor's lowest and highest answer, which widen the
 * range its labels are checked against ({@link LabelRange}). Read from the predictions' columns when the batch has them.
 */
final class UnlabelledFigures {

    private UnlabelledFigures() {}

    /** Counts one model call's {@code predictions}, answered at {@code now}, in its version's {@code entry}. */
    static void count(FeedbackMonitor.Entry entry, long now, List<Prediction> predictions) {
        if (entry.model().signature().task() == Task.CLASSIFICATION) {
            confidence(entry, now, predictions);
        } else {
            range(entry, predictions);
        }
    }

    private static void confidence(FeedbackMonitor.Entry entry, long now, List<Prediction> predictions) {
        double confidence = 0;
        int rows = 0;
        PredictionColumns columns = PredictionColumns.of(predictions);
        for (int r = 0; r < predictions.size(); r++) {
            double chance = columns != null
                    ? entry.confidence().of(columns, r)
                    : entry.confidence().of(predictions.get(r).classification());
            if (Double.isFinite(chance)) { // a model's NaN probability would spoil the hour's mean
                confidence += chance;
                rows++;
            }
        }
        entry.performance().add(now, rows, confidence);
    }

    private static void range(FeedbackMonitor.Entry entry, List<Prediction> predictions) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        PredictionColumns columns = PredictionColumns.of(predictions);
        for (int r = 0; r < predictions.size(); r++) {
            double value = columns != null
                    ? columns.value(r)
                    : predictions.get(r) instanceof Prediction.Regression regression ? regression.value() : Double.NaN;
            if (Double.isFinite(value)) {
                low = Math.min(low, value);
                high = Math.max(high, value);
            }
        }
        if (low <= high) {
            entry.range().answered(low, high); // one lock a batch, not one a row
        }
    }
}
