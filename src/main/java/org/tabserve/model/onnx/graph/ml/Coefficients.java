package org.tabserve.model.onnx.graph.ml;

/**
 * The weights of ai.onnx.ml's linear operators (LinearClassifier, LinearRegressor): one row of coefficients per score
 * and its intercept, each score {@code x·w + b} in float as ONNX Runtime's GEMM computes it (the products summed,
 * then the intercept added).
 */
public final class Coefficients {

    /**
     * 2<sup>127</sup>, half of float's range: while a score's products and intercept add up in magnitude below it, no
     * partial sum can overflow float, in whatever order or grouping it is added and whether its products are rounded
     * or fused. At or beyond it, whether the score is finite depends on how it is added, and MLAS's GEMM adds it in
     * more than one order: ONNX Runtime 1.29 pairs a single row's products (its M = 1 kernel) and fuses a batch's into
     * multiply-adds, so the same row can be refused alone and answered in a batch (issue 61, item 9). Such a row is
     * refused before any engine runs ({@link #orderless}).
     */
    public static final float ORDERLESS = 0x1p127f;

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
     * @return whether score {@code r} of the input row {@code x[at, at + features)} has terms (its products and its
     *         intercept) that add up to {@link #ORDERLESS} or more in magnitude, so that whether it is finite depends
     *         on the order of adding: their magnitudes summed in float, in order (a product that overflows counts as
     *         infinite; a NaN, which makes the score NaN in every order, does not count)
     */
    public boolean orderless(int r, float[] x, int at) {
        float size = Math.abs(intercepts[r]);
        int w = r * features;
        for (int j = 0; j < features; j++) {
            size += Math.abs(x[at + j] * values[w + j]);
        }
        return size >= ORDERLESS;
    }

    /**
     * @param input the largest magnitude an input element can have
     * @return the largest magnitude score {@code r}'s terms can add up to, as {@link #orderless} sums them, for any
     *         input row within {@code input}: in double, widened by every float rounding that sum can make
     */
    public double largestSize(int r, double input) {
        double size = Math.abs(intercepts[r]);
        int w = r * features;
        for (int j = 0; j < features; j++) {
            double weight = Math.abs(values[w + j]);
            size += weight == 0 ? 0 : input * weight; // a zero weight makes no term, whatever the input
        }
        return size * (1 + (features + 2) * 0x1p-23);
    }
}
