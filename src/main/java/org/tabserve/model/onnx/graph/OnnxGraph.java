package org.tabserve.model.onnx.graph;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What an ONNX model file says about itself: its graph (inputs, outputs, nodes, initializer names), metadata and
 * versions, read straight from the protobuf because ONNX Runtime's Java API exposes none of the nodes, attributes or
 * the graph's name.
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

    /**
     * Longest text read from a model: a metadata key or value, a doc string, a name. No real card comes near (the
     * bundled model's largest value is 2 KB; a card of 16-bin histograms for a thousand features is under 1 MB), and
     * it keeps a value's string, ONNX Runtime's copy of it and its JSON tree within a 128 MB heap.
     */
    public static final int MAX_TEXT_BYTES = 1 << 20;

    /**
     * Most bytes of metadata and descriptions read from a model in all: metadata_props keys and values, the model's
     * and the graph's doc strings, producer, domain and graph name, all of which ONNX Runtime's metadata call turns
     * into strings at once.
     */
    public static final int MAX_METADATA_BYTES = 4 << 20;

    /**
     * Most metadata_props entries read from a model (a card has about twenty): each costs a map entry and its strings
     * whatever its length, so under the byte budget alone a million distinct four-byte keys (an 8 MB file) filled a
     * 128 MB heap (bench/graph-parse, hostile-keys.onnx).
     */
    public static final int MAX_METADATA_ENTRIES = 10_000;

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

    /**
     * Reads the model in {@code file}, mapped into memory rather than read into the heap. Only for a file nothing
     * writes while it is read (tools, tests): a mapping of a file truncated meanwhile faults on the next read. The
     * server reads a model from a private copy instead ({@code OnnxModel.load}).
     *
     * @throws OnnxFormatException when the file is not a well-formed ONNX model (the message says why and where)
     * @throws IOException         when the file cannot be read
     */
    public static OnnxGraph read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new OnnxFormatException("the file is larger than 2 GB (" + size + " bytes); ONNX keeps larger"
                        + " models' weights in external data files, which tabserve does not read");
            }
            return read(channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
        }
    }

    /**
     * Reads the model in {@code bytes}, from its position to its limit, without moving its position or copying it.
     *
     * @throws OnnxFormatException when the bytes are not a well-formed ONNX model
     */
    public static OnnxGraph read(ByteBuffer bytes) throws OnnxFormatException {
        return GraphParser.parse(bytes);
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
