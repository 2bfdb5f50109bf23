package org.tabserve.model.onnx.graph;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One node of the graph ({@code NodeProto}): the operator, the values it reads and writes, and its attributes, which
 * is where classic ML exporters keep class labels and categories.
 *
 * @param name       the node's name ("" when unset)
 * @param opType     the operator, e.g. "LinearClassifier"
 * @param domain     the operator set's domain: "" (or "ai.onnx") for standard ops, "ai.onnx.ml" for classic ML ones
 * @param inputs     the names of the values it reads, in order ("" for an omitted optional input)
 * @param outputs    the names of the values it writes, in order
 * @param attributes its attributes, in file order
 */
public record OnnxNode(
        String name,
        String opType,
        String domain,
        List<String> inputs,
        List<String> outputs,
        List<OnnxAttribute> attributes) {

    /** The domain of the classic machine-learning operators (LinearClassifier, OneHotEncoder, ZipMap, ...). */
    public static final String ML_DOMAIN = "ai.onnx.ml";

    public OnnxNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(opType, "opType");
        Objects.requireNonNull(domain, "domain");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = List.copyOf(attributes);
    }

    /** @return the attribute named {@code attribute}, if the node has one */
    public Optional<OnnxAttribute> attribute(String attribute) {
        return attributes.stream().filter(a -> a.name().equals(attribute)).findFirst();
    }

    /** @return whether this is the standard operator {@code op} (domain "" or "ai.onnx") */
    public boolean isStandard(String op) {
        return opType.equals(op) && (domain.isEmpty() || domain.equals("ai.onnx"));
    }

    /** @return whether this is the classic-ML operator {@code op} (domain "ai.onnx.ml") */
    public boolean isMl(String op) {
        return opType.equals(op) && domain.equals(ML_DOMAIN);
    }
}
