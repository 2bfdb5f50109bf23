package org.tabserve.model.onnx.graph.ml;

import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;

/**
 * The weights of ai.onnx.ml's linear operators (LinearClassifier, LinearRegressor): one row of coefficients per score
 * and its intercept, each score {@code x·w + b} in float as ONNX Runtime's GEMM computes it (the products summed,
 * then the intercept added).
 */
public final class Coefficients {

    /**
     * Float's largest value, which a score's sum must stay below in every order of adding for its finiteness not to
     * depend on the order: MLAS's GEMM adds a score in more than one order (ONNX Runtime 1.29 pairs a single row's
     * products, its M = 1 kernel, and fuses a batch's into multiply-adds), so a row whose sum overflows in one order
     * and not in another was refused alone and answered in a batch (issue 61, item 9). Such a row is refused before
     * any engine runs ({@link #orderless}).
     */
    public static final float ORDERLESS = Float.MAX_VALUE;

    private final int rows;
    private final int features;
    private final float[] values;
    private final float[] intercepts;

    /**
     * @param values     {@code rows × features} coefficients, row after row (not copied: the caller's own)
     * @param intercepts one per row (not copied)
     */
    Coefficients(int rows, float[] values, float[] intercepts) {
        this.rows = rows;
        this.features = values.length / rows;
        this.values = values;
        this.intercepts = intercepts;
    }

    /**
     * @param a a LinearClassifier or LinearRegressor node's attributes
     * @return how many coefficients it lists, counted without decoding them
     */
    public static int count(NodeAttributes a) throws OnnxFormatException {
        return a.count("coefficients");
    }

    /** @return the scores a row makes, one per row of coefficients */
    public int rows() {
        return rows;
    }

    /** @return the input elements each row of coefficients weighs */
    public int features() {
        return features;
    }

    /** @return coefficient {@code j} of row {@code r} */
    public float coefficient(int r, int j) {
        return values[r * features + j];
    }

    /** @return the intercept of row {@code r} */
    public float intercept(int r) {
        return intercepts[r];
    }

    /** @return score {@code r} of the input row {@code x[at, at + features)}, in float */
    public float score(int r, float[] x, int at) {
        float sum = 0;
        int w = r * features;
        for (int j = 0; j < features; j++) {
            sum += x[at + j] * values[w + j];
        }
        return sum + intercepts[r];
    }

    /**
     * Whether score {@code r} of the input row {@code x[at, at + features)} overflows float in some order of adding
     * its terms (its products and its intercept), rounded or fused: every partial sum is a sum of some of the terms,
     * so the largest is the sum of its positive terms or of its negative ones, from which float's rounding can stray
     * by {@code (n + 2)·2^-23} of all the terms' magnitudes. The terms are exact in double. A NaN, which makes the
     * score NaN in every order, does not count; an infinite input does.
     *
     * @return whether that largest partial sum, widened by the rounding, reaches {@link #ORDERLESS}
     */
    public boolean orderless(int r, float[] x, int at) {
        double positive = Math.max(intercepts[r], 0);
        double negative = Math.max(-intercepts[r], 0);
        int w = r * features;
        for (int j = 0; j < features; j++) {
            double term = (double) x[at + j] * values[w + j];
            if (term > 0) {
                positive += term;
            } else {
                negative -= term; // a NaN makes negative NaN, and the comparison below false
            }
        }
        return Math.max(positive, negative) + (positive + negative) * rounding() >= ORDERLESS;
    }

    /**
     * @param input the largest magnitude an input element can have
     * @return whether no input row within {@code input} makes score {@code r} {@link #orderless}: the intercept's and
     *         the products' magnitudes at most, widened by the rounding, stay below {@link #ORDERLESS}
     */
    public boolean neverOrderless(int r, double input) {
        double size = Math.abs(intercepts[r]);
        int w = r * features;
        for (int j = 0; j < features; j++) {
            double weight = Math.abs(values[w + j]);
            size += weight == 0 ? 0 : input * weight; // a zero weight makes no term, whatever the input
        }
        return size * (1 + rounding()) < ORDERLESS;
    }

    /** @return how far, relative to its terms' magnitudes, float's rounding can take a partial sum: (n + 2)·2^-23 */
    private double rounding() {
        return (features + 2) * 0x1p-23;
    }
}
