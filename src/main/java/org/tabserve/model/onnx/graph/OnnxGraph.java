package org.tabserve.model.onnx.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What an ONNX model file says about itself: its graph (inputs, outputs, nodes, initializer names), metadata and
 * versions, read straight from the protobuf ({@code GraphParser.parse}) because ONNX Runtime's Java API exposes none
 * of the nodes, attributes or the graph's name.
 *
 * <p>A graph read from a file keeps views of the mapped file for its attribute lists and initializers (nothing is
 * copied), so keep the {@link GraphFacts} and let the graph go once they are computed.
 *
 * @param irVersion       the ONNX IR version ({@code ir_version})
 * @param producerName    the exporter, e.g. "skl2onnx" ("" when unset)
 * @param producerVersion the exporter's version ("" when unset)
 * @param modelVersion    {@code model_version}; empty when unset or 0, since a model without a version has none
 * @param docString       the model's {@code doc_string} ("" when unset)
 * @param metadata        {@code metadata_props} in file order (a repeated key keeps its last value)
 * @param opsets          imported operator sets, domain to version ("" is the standard domain)
 * @param name            the graph's name ("" when unset; may be a generated id, see {@link GraphNames})
 * @param inputs          the graph inputs a caller feeds, in order (inputs that are also initializers left out)
 * @param outputs         the graph outputs, in order
 * @param nodes           the nodes, in file order (topological, as ONNX requires)
 * @param initializers    the initializers by name, in file order
 */
public record OnnxGraph(
        long irVersion,
        String producerName,
        String producerVersion,
        OptionalLong modelVersion,
        String docString,
        Map<String, String> metadata,
        Map<String, Long> opsets,
        String name,
        List<OnnxValueInfo> inputs,
        List<OnnxValueInfo> outputs,
        List<OnnxNode> nodes,
        Map<String, OnnxTensor> initializers) {

    public OnnxGraph {
        Objects.requireNonNull(producerName, "producerName");
        Objects.requireNonNull(producerVersion, "producerVersion");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(docString, "docString");
        Objects.requireNonNull(name, "name");
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        opsets = Collections.unmodifiableMap(new LinkedHashMap<>(opsets));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        nodes = List.copyOf(nodes);
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
    }

    /** @return the graph input named {@code input} */
    public Optional<OnnxValueInfo> input(String input) {
        return inputs.stream().filter(i -> i.name().equals(input)).findFirst();
    }

    /** @return the graph output named {@code output} */
    public Optional<OnnxValueInfo> output(String output) {
        return outputs.stream().filter(o -> o.name().equals(output)).findFirst();
    }
}
