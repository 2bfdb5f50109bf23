package org.tabserve.cardmaking;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The running minimum, maximum and mean of one column's values, added one at a time so that a file of any length is
 * summarised in constant memory; the card's {@code feature_stats} entry of one feature.
 */
public final class Summary {

    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;
    private long count;

    /** Adds a value; NaN (a missing value) is not counted. */
    public void add(double value) {
        if (Double.isNaN(value)) {
            return;
        }
        min = Math.min(min, value);
        max = Math.max(max, value);
        sum += value;
        count++;
    }

    /** @return how many values were added (missing ones left out) */
    public long count() {
        return count;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public double mean() {
        return sum / count;
    }

    /** @return {@code {"min", "max", "mean"}}, as {@link org.tabserve.model.card.CardKeys#FEATURE_STATS} documents */
    public Map<String, Object> toJson() {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("min", min);
        one.put("max", max);
        one.put("mean", mean());
        return one;
    }
}
