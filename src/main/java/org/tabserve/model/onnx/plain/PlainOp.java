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
}
