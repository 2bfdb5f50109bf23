package org.tabserve.serving.feedback;

import java.util.List;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.PredictionColumns;

/**
 * What a version's answers tell before any label comes: a classifier's rows' confidence, summed into the hour's
 * estimate of its accuracy ({@link Confidence}, CBPE), and a regressor's lowest and highest answer, which widen the
 * range its labels are checked against ({@link LabelRange}). Read from the predictions' columns when the batch has them.
 */
final class UnlabelledFigures {

    private UnlabelledFigures() {}

    /**
     * Adds the confidence of a classifier's {@code predictions}, answered at {@code now}, to the hour's sums in
     * {@code performance}; a row whose confidence is not a number is left out.
     */
    static void confidence(Confidence confidence, LivePerformance performance, long now, List<Prediction> predictions) {
        double sum = 0;
        int rows = 0;
        PredictionColumns columns = PredictionColumns.of(predictions);
        for (int r = 0; r < predictions.size(); r++) {
            double chance = columns != null
                    ? confidence.of(columns, r)
                    : confidence.of(predictions.get(r).classification());
            if (Double.isFinite(chance)) { // a model's NaN probability would spoil the hour's mean
                sum += chance;
                rows++;
            }
        }
        performance.add(now, rows, sum);
    }

    /** Widens {@code range} to a regressor's finite {@code predictions}. */
    static void range(LabelRange range, List<Prediction> predictions) {
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
            range.answered(low, high); // one lock a batch, not one a row
        }
    }
}
