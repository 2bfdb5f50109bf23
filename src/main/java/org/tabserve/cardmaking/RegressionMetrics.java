package org.tabserve.cardmaking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A regressor's metrics over labelled rows, added one row at a time in bounded memory, in the shape
 * {@link org.tabserve.model.card.CardKeys#METRICS} documents for regressors: MAE, RMSE, R², a histogram of the residuals
 * (predicted minus actual) and a sample of (actual, predicted) points for a scatter plot.
 *
 * <p>The residuals' range is not known until the last row, so they are counted in {@link #FINE_BINS} fine bins whose
 * width doubles (merging neighbours) whenever a residual falls outside: exact counts in constant memory, grouped into
 * about {@link Histograms#BINS} bins at the end along fine-bin edges. The points are a seeded reservoir sample, so
 * the same file gives the same card.
 */
public final class RegressionMetrics {

    /** Points of the scatter plot kept in the card. */
    public static final int POINTS = 500;

    static final int FINE_BINS = 1024;

    private long rows;
    private double absoluteErrors;
    private double squaredErrors;
    // Welford's running mean and sum of squared deviations of the actual values, for R².
    private double mean;
    private double deviations;
    private final long[] fine = new long[FINE_BINS];
    private double fineStart = Double.NaN;
    private double fineWidth;
    private final double[] actual = new double[POINTS];
    private final double[] predicted = new double[POINTS];
    private final SplittableRandom reservoir = new SplittableRandom(20260101L);

    /** Adds a row's actual and predicted value. */
    public void add(double actualValue, double predictedValue) {
        rows++;
        double residual = predictedValue - actualValue;
        absoluteErrors += Math.abs(residual);
        squaredErrors += residual * residual;
        double delta = actualValue - mean;
        mean += delta / rows;
        deviations += delta * (actualValue - mean);
        count(residual);
        if (rows <= POINTS) {
            actual[(int) rows - 1] = actualValue;
            predicted[(int) rows - 1] = predictedValue;
        } else {
            long slot = reservoir.nextLong(rows);
            if (slot < POINTS) {
                actual[(int) slot] = actualValue;
                predicted[(int) slot] = predictedValue;
            }
        }
    }

    private void count(double residual) {
        if (Double.isNaN(fineStart)) {
            // The first residual sets the grid: a power-of-two width around it, so later doublings stay exact.
            fineWidth =
                    Math.max(Math.ulp(1.0), Math.scalb(1.0, Math.getExponent(Math.max(Math.abs(residual), 1e-9)) - 6));
            fineStart = Math.floor(residual / fineWidth) * fineWidth - FINE_BINS / 2.0 * fineWidth;
        }
        while (residual < fineStart || residual >= fineStart + FINE_BINS * fineWidth) {
            widen(residual < fineStart);
        }
        int bin = (int) ((residual - fineStart) / fineWidth);
        fine[Math.min(FINE_BINS - 1, Math.max(0, bin))]++;
    }

    /** Doubles the bins' width, merging pairs, and grows the range towards the side that needs it. */
    private void widen(boolean downwards) {
        long[] merged = new long[FINE_BINS];
        int offset = downwards ? FINE_BINS / 2 : 0;
        for (int i = 0; i < FINE_BINS; i++) {
            merged[offset + i / 2] += fine[i];
        }
        System.arraycopy(merged, 0, fine, 0, FINE_BINS);
        if (downwards) {
            fineStart -= FINE_BINS * fineWidth;
        }
        fineWidth *= 2;
    }

    /** @return the number of rows added */
    public long rows() {
        return rows;
    }

    public double meanAbsoluteError() {
        return absoluteErrors / rows;
    }

    public double rootMeanSquaredError() {
        return Math.sqrt(squaredErrors / rows);
    }

    /** @return the coefficient of determination, 1 - SSres / SStot (as scikit-learn's r2_score) */
    public double r2() {
        return deviations == 0 ? (squaredErrors == 0 ? 1 : 0) : 1 - squaredErrors / deviations;
    }

    /**
     * @param method how the rows were chosen, in words
     * @return the metrics as the card stores them
     */
    public Map<String, Object> toJson(String method) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("method", method);
        metrics.put("rows", rows);
        metrics.put("mae", meanAbsoluteError());
        metrics.put("rmse", rootMeanSquaredError());
        metrics.put("r2", r2());
        metrics.put("residual_histogram", residualHistogram());
        int kept = (int) Math.min(rows, POINTS);
        List<Double> a = new ArrayList<>();
        List<Double> p = new ArrayList<>();
        for (int i = 0; i < kept; i++) {
            a.add(actual[i]);
            p.add(predicted[i]);
        }
        Map<String, Object> points = new LinkedHashMap<>();
        points.put("rows", kept);
        points.put("actual", a);
        points.put("predicted", p);
        metrics.put("points", points);
        return metrics;
    }

    /** The fine bins grouped into about {@link Histograms#BINS} bins over the residuals' range. */
    private Map<String, Object> residualHistogram() {
        int first = 0;
        while (first < FINE_BINS - 1 && fine[first] == 0) {
            first++;
        }
        int last = FINE_BINS - 1;
        while (last > first && fine[last] == 0) {
            last--;
        }
        int group = Math.max(1, (int) Math.ceil((last - first + 1) / (double) Histograms.BINS));
        List<Double> edges = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (int start = first; start <= last; start += group) {
            edges.add(fineStart + start * fineWidth);
            long count = 0;
            for (int i = start; i < Math.min(start + group, FINE_BINS); i++) {
                count += fine[i];
            }
            counts.add(count);
        }
        edges.add(fineStart + Math.min(FINE_BINS, first + counts.size() * group) * fineWidth);
        Map<String, Object> histogram = new LinkedHashMap<>();
        histogram.put("edges", edges);
        histogram.put("counts", counts);
        return histogram;
    }
}
