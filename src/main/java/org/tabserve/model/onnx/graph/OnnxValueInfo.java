package org.tabserve.model.onnx.graph;

import java.util.Objects;
import java.util.Optional;

/**
 * A graph input or output ({@code ValueInfoProto}): its name and type, which is what a client must send and what it
 * gets back.
 *
 * @param name the value's name in the graph
 * @param type its type
 */
public record OnnxValueInfo(String name, OnnxType type) {

    public OnnxValueInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    /** @return whether it is a tensor, a sequence, a map or something else */
    public OnnxType.Kind kind() {
        return type.kind();
    }

    /** @return the tensor type, when this value is a tensor */
    public Optional<OnnxType.Tensor> tensor() {
        return type instanceof OnnxType.Tensor t ? Optional.of(t) : Optional.empty();
    }
}
