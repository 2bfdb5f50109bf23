package org.tabserve.model.onnx.graph.ml;

/**
 * The weights of ai.onnx.ml's linear operators (LinearClassifier, LinearRegressor): one row of coefficients per score
 * and its intercept, each score {@code x·w + b} in float as ONNX Runtime's GEMM computes it (the products summed,
 * then the intercept added).
 */
public final class Coefficients {

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
}
