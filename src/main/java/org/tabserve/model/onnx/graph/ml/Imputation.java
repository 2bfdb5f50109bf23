package org.tabserve.model.onnx.graph.ml;

import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;

/**
 * ai.onnx.ml Imputer of floats as ONNX Runtime reads it ({@code imputer.cc}): a value that is missing, NaN when
 * {@code replaced_value_float} is NaN and else equal to it (0 when absent), replaced by its column's value of
 * {@code imputed_value_floats} (one for every column, or one per column).
 */
public final class Imputation {

    private final float[] values;
    private final float replaced;

    private Imputation(float[] values, float replaced) {
        this.values = values;
        this.replaced = replaced;
    }

    /**
     * @param a an Imputer node's attributes
     * @throws UnreadOperator when it has no float values (an Imputer of integers, which is not read)
     */
    public static Imputation read(NodeAttributes a) throws UnreadOperator, OnnxFormatException {
        float[] values = a.floats("imputed_value_floats");
        if (values.length == 0) {
            throw UnreadOperator.at(a, "no imputed float values (an Imputer of integers is not read)");
        }
        return new Imputation(values, a.real("replaced_value_float", 0f));
    }

    /** @return the values put in, one for every column or one per column; the array itself, not a copy */
    public float[] values() {
        return values;
    }

    /** @return the value that stands for a missing one (NaN: a NaN is missing) */
    public float replaced() {
        return replaced;
    }

    /** @return whether a NaN is what it replaces */
    public boolean replacesNaN() {
        return Float.isNaN(replaced);
    }
}
