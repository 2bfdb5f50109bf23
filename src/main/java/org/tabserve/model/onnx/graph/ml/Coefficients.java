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
     * or fused. At or beyond it, whether the score is finite depends on how MLAS's GEMM adds it, which is not one
     * order: ONNX Runtime 1.29 pairs a single row's products (its M = 1 kernel) and fuses a batch's into
     * multiply-adds, so the same row can be refused alone and answered in a batch (issue 61, item 9).
     */
    static final float ORDERLESS = 0x1p127f;

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

    /**
     * @return score {@code r} of the input row {@code x[at, at + features)}, in float; NaN where its terms add up to
     *         {@link #ORDERLESS} or more in magnitude (or one is not finite), whose value is the GEMM's to say
     */
    public float score(int r, float[] x, int at) {
        float sum = 0;
        float size = Math.abs(intercepts[r]);
        int w = r * features;
        for (int j = 0; j < features; j++) {
            float product = x[at + j] * values[w + j];
            sum += product;
            size += Math.abs(product);
        }
        return size < ORDERLESS ? sum + intercepts[r] : Float.NaN;
    }
}
