package org.tabserve.model.card;

import java.util.List;
import java.util.Objects;

/**
 * How far a binary classifier's probabilities can be taken at their word, as its card stores it (under
 * {@link CardKeys#METRICS}, {@code calibration}): per bin of predicted probability, the mean prediction and the share
 * of rows that really were the positive class.
 *
 * @param positiveClass the class whose probability is binned (the second class)
 * @param predicted     each non-empty bin's mean predicted probability
 * @param observed      each bin's observed rate of the positive class
 * @param counts        each bin's rows
 */
public record Calibration(String positiveClass, List<Double> predicted, List<Double> observed, List<Long> counts) {

    public Calibration {
        Objects.requireNonNull(positiveClass, "positiveClass");
        predicted = List.copyOf(predicted);
        observed = List.copyOf(observed);
        counts = List.copyOf(counts);
        if (predicted.size() != observed.size() || predicted.size() != counts.size()) {
            throw new IllegalArgumentException("calibration needs one predicted, observed and count per bin; got "
                    + predicted.size() + ", " + observed.size() + " and " + counts.size());
        }
        if (!Rates.within01(predicted) || !Rates.within01(observed)) {
            throw new IllegalArgumentException("calibration rates must lie between 0 and 1");
        }
        if (counts.stream().anyMatch(c -> c < 0)) {
            throw new IllegalArgumentException("calibration counts must not be negative");
        }
    }

    /**
     * Reads the curve at {@code probability}: the observed rate of the positive class, interpolated linearly between
     * the bins' mean predictions and held flat beyond the first and last, so that a probability the model gives can be
     * taken at its word (confidence-based performance estimation).
     *
     * @param probability a predicted probability of {@link #positiveClass()}
     * @return the calibrated probability; {@code probability} itself when the curve has no non-empty bin
     */
    public double calibrated(double probability) {
        int last = -1;
        for (int i = 0; i < predicted.size(); i++) {
            if (counts.get(i) == 0) {
                continue;
            }
            double x = predicted.get(i);
            if (probability <= x) {
                if (last < 0) {
                    return observed.get(i);
                }
                double x0 = predicted.get(last);
                double share = x > x0 ? (probability - x0) / (x - x0) : 1;
                return observed.get(last) + share * (observed.get(i) - observed.get(last));
            }
            last = i;
        }
        return last < 0 ? probability : observed.get(last);
    }
}
