package org.tabserve.model.onnx.plain;

/**
 * One compiled node of a {@link PlainGraph}: its attributes read once, at compile time, so that a run only computes.
 * Thread-safe: a run keeps nothing in it.
 */
interface PlainOp {

    /**
     * @param inputs the node's inputs that are not initializers, in the node's order (initializers were read at
     *               compile time)
     * @return the node's outputs, in the node's order
     */
    PlainTensor[] apply(PlainTensor[] inputs);

    /**
     * The largest magnitude an element of the node's outputs can have when each input's elements are at most
     * {@code inputs[i]} in magnitude (a NaN aside, which stays NaN or is replaced), computed exactly, before float's
     * rounding ({@link PlainGraph#bounds} widens it by that): what lets a row's size be checked on the model's inputs
     * alone ({@link LinearTerms}). Infinite by default: no bound known.
     */
    default double bound(double[] inputs) {
        return Double.POSITIVE_INFINITY;
    }

    /** @return {@code op} whose outputs are at most {@code bound} of its inputs' bounds in magnitude */
    static PlainOp bounded(PlainOp op, java.util.function.ToDoubleFunction<double[]> bound) {
        return new PlainOp() {
            @Override
            public PlainTensor[] apply(PlainTensor[] inputs) {
                return op.apply(inputs);
            }

            @Override
            public double bound(double[] inputs) {
                return bound.applyAsDouble(inputs);
            }
        };
    }
}
