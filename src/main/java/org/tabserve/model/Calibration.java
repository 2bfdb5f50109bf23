package org.tabserve.model;

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
}
