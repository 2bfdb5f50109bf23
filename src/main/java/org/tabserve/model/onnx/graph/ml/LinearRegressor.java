package org.tabserve.model.onnx.graph.ml;

import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;

/**
 * ai.onnx.ml LinearRegressor as ONNX Runtime reads it ({@code linearregressor.cc}): {@code targets} rows of
 * coefficients, a value {@code x·w + b} per row, the intercepts used only when there is one per target; of the
 * post-transforms, one target takes PROBIT alone.
 */
public final class LinearRegressor {

    private final Coefficients coefficients;
    private final PostTransform transform;

    private LinearRegressor(Coefficients coefficients, PostTransform transform) {
        this.coefficients = coefficients;
        this.transform = transform;
    }

    /**
     * @param a a LinearRegressor node's attributes
     * @throws UnreadOperator when the coefficients are not whole rows of its targets, or a post_transform is not one
     */
    public static LinearRegressor read(NodeAttributes a) throws UnreadOperator, OnnxFormatException {
        long targets = a.integer("targets", 1);
        float[] coefficients = a.floats("coefficients");
        float[] given = a.floats("intercepts");
        PostTransform post = PostTransform.of(a);
        if (targets < 1 || targets > coefficients.length || coefficients.length % targets != 0) {
            throw UnreadOperator.at(a, coefficients.length + " coefficients for " + targets + " targets");
        }
        int rows = (int) targets;
        float[] intercepts = given.length == rows ? given : new float[rows];
        PostTransform effective = rows > 1 || post == PostTransform.PROBIT ? post : PostTransform.NONE;
        return new LinearRegressor(new Coefficients(rows, coefficients, intercepts), effective);
    }

    /** @return its rows of coefficients, one per target (intercepts 0 where ONNX Runtime uses none) */
    public Coefficients coefficients() {
        return coefficients;
    }

    /** @return what applies to the values */
    public PostTransform transform() {
        return transform;
    }
}
