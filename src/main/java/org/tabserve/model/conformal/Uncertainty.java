package org.tabserve.model.conformal;

import java.util.List;

/**
 * How sure one answer is, at the coverage a request asked for ({@link Conformal}): a regressor's interval or a
 * classifier's prediction set, and, where the card can tell, how unlike its calibration rows the row is.
 *
 * @param coverage      the coverage asked for
 * @param interval      a regressor's interval, or {@code null} for a classifier
 * @param predictionSet a classifier's labels (possibly none, possibly all), or {@code null} for a regressor
 * @param novelty       the row's novelty, or {@code null} when the card has no novelty reference
 */
public record Uncertainty(double coverage, Interval interval, List<String> predictionSet, RowNovelty novelty) {

    public Uncertainty {
        predictionSet = predictionSet == null ? null : List.copyOf(predictionSet);
    }

    /**
     * A regressor's interval: the true value lies within it with probability at least {@code coverage}.
     *
     * @param lower    the lower end
     * @param upper    the upper end
     * @param coverage the coverage it was made for
     * @param clipped  whether an end was brought in to the range of target values the card saw (the conformal
     *                 interval ran past it)
     */
    public record Interval(double lower, double upper, double coverage, boolean clipped) {

        /** An interval as conformal prediction made it, not clipped. */
        public Interval(double lower, double upper, double coverage) {
            this(lower, upper, coverage, false);
        }
    }

    /**
     * A conformal p-value of how unlike the calibration rows a row is ({@link Conformal.Novelty}).
     *
     * @param pValue the p-value: small for a row unlike any the card saw
     * @param novel  whether it is under the card's threshold
     */
    public record RowNovelty(double pValue, boolean novel) {}
}
