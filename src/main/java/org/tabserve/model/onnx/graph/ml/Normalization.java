package org.tabserve.model.onnx.graph.ml;

import org.tabserve.model.onnx.graph.NodeAttributes;

/**
 * ai.onnx.ml Normalizer's {@code norm}, what each row is divided by, as ONNX Runtime reads it
 * ({@code normalizer.cc}): its largest value (MAX, the default), the sum of its magnitudes (L1) or the root of the sum
 * of its squares (L2).
 */
public enum Normalization {

    /** Each value divided by the row's largest value (not its largest magnitude). */
    MAX,
    /** Each value divided by the sum of the row's magnitudes: an L1 row sums to 1 in magnitude. */
    L1,
    /** Each value divided by the root of the sum of the row's squares. */
    L2;

    /**
     * @param a a Normalizer node's attributes
     * @throws UnreadOperator for a norm other than MAX, L1 and L2 (ONNX Runtime refuses it)
     */
    public static Normalization read(NodeAttributes a) throws UnreadOperator {
        String norm = a.text("norm", "MAX");
        for (Normalization n : values()) {
            if (n.name().equals(norm)) {
                return n;
            }
        }
        throw UnreadOperator.at(a, "norm " + norm);
    }
}
