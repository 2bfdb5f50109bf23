package org.tabserve.model.signature;

import java.util.Objects;

/**
 * A regressor's output tensor as the graph names and types it, for protocols that address outputs by name (the Open
 * Inference Protocol answers with it under that name); a classifier's outputs are named by tabserve instead.
 *
 * @param name the graph output's name (skl2onnx calls it {@code variable})
 * @param type its element type, {@link ValueType#FLOAT} or {@link ValueType#DOUBLE}
 */
public record ValueOutput(String name, ValueType type) {

    public ValueOutput {
        Objects.requireNonNull(name, "name");
        if (type != ValueType.FLOAT && type != ValueType.DOUBLE) {
            throw new IllegalArgumentException(
                    "a regressor's output '" + name + "' must be float or double, got " + type);
        }
    }
}
