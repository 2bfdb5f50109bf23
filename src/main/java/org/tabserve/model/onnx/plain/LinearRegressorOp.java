package org.tabserve.model.onnx.plain;

import org.tabserve.model.onnx.graph.ml.Coefficients;
import org.tabserve.model.onnx.graph.ml.LinearRegressor;

/**
 * ai.onnx.ml LinearRegressor ({@link LinearRegressor}: scikit-learn's linear regressions as skl2onnx exports them): a
 * value per target, {@code x·w + b} in float, then the post-transform, as ONNX Runtime computes them.
 */
final class LinearRegressorOp implements PlainOp {

    private final LinearRegressor definition;
    private final Coefficients weights;

    LinearRegressorOp(LinearRegressor definition) {
        this.definition = definition;
        this.weights = definition.coefficients();
    }

    @Override
    public PlainTensor[] apply(PlainTensor[] inputs) {
        PlainTensor x = inputs[0];
        int features = weights.features();
        if (x.width() != features || x.type() != PlainTensor.Type.FLOAT) {
            throw new IllegalArgumentException("LinearRegressor takes " + features + " float features, got " + x);
        }
        float[] values = x.floats();
        int rows = x.rows();
        int targets = weights.rows();
        float[] out = new float[rows * targets];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < targets; t++) {
                out[r * targets + t] = weights.score(t, values, r * features);
            }
            definition.transform().apply(out, r * targets, (r + 1) * targets);
        }
        return new PlainTensor[] {PlainTensor.floats(rows, targets, out)};
    }
}
