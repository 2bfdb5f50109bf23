package org.tabserve.model.signature;

/**
 * What the training data looked like for one feature, so that callers can hint at sensible values and flag
 * inputs the model has never seen.
 *
 * @param min  smallest training value
 * @param max  largest training value
 * @param mean mean of the training values
 */
public record FeatureStats(double min, double max, double mean) {

    public FeatureStats {
        if (!(min <= mean && mean <= max)) {
            throw new IllegalArgumentException("need min <= mean <= max, got " + min + ", " + mean + ", " + max);
        }
    }

    /** @return whether {@code value} lies within the training range, ends included */
    public boolean contains(double value) {
        return value >= min && value <= max;
    }
}
