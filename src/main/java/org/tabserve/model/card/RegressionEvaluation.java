package org.tabserve.model.card;

import java.util.List;
import java.util.Objects;

/**
 * How close a regressor's values came to the truth, as its card stores them under {@link CardKeys#METRICS}: the
 * errors in three figures, the residuals' spread and a sample of (actual, predicted) pairs to draw.
 *
 * @param method    how the rows were chosen, in words
 * @param rows      how many rows were scored
 * @param mae       mean absolute error
 * @param rmse      root mean squared error
 * @param r2        coefficient of determination (1 is perfect; it may be negative)
 * @param residuals predicted minus actual, binned: one series, under {@link #RESIDUALS}; {@code null} when absent
 * @param actual    the sample's actual values
 * @param predicted the sample's predicted values, one per actual value
 */
public record RegressionEvaluation(
        String method,
        long rows,
        double mae,
        double rmse,
        double r2,
        FeatureHistogram residuals,
        List<Double> actual,
        List<Double> predicted) {

    /** The name of the residual histogram's one series. */
    public static final String RESIDUALS = "residuals";

    public RegressionEvaluation {
        Objects.requireNonNull(method, "method");
        actual = List.copyOf(actual);
        predicted = List.copyOf(predicted);
        if (actual.size() != predicted.size()) {
            throw new IllegalArgumentException("the points need one predicted value per actual value; got "
                    + actual.size() + " and " + predicted.size());
        }
        if (!(mae >= 0) || !(rmse >= 0) || Double.isNaN(r2)) {
            throw new IllegalArgumentException("mae and rmse must not be negative, r2 must be a number");
        }
    }
}
