package org.tabserve.model.onnx.graph;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the few fields of an ONNX {@code ModelProto} that tabserve needs, straight from the protobuf wire format.
 *
 * <p>Why by hand rather than with protobuf-java's generated classes ({@code bench/graph-parse}; the figures are in
 * bench/RESULTS.md, "The ONNX graph reader against protobuf-java"). The first measurement (2026-11-22) also counted
 * 2.1 MB of WAR for protobuf-java; gRPC has put protobuf-java in the WAR since, so a switch would now add only the
 * generated classes of onnx-ml.proto (103 classes, 1.1 MB, about 360 KB packed). Measured again for issue 35
 * (2026-11-25, at {@code -Xmx128m}), the other reasons hold and the reader stays:
 * <ul>
 *   <li>Start-up: the first parse in a fresh JVM (class loading included) allocates 0.8 to 1.0 MB here, 5.7 to
 *       6.0 MB with protobuf-java (its descriptors), and was the faster of the two on every file.</li>
 *   <li>Memory: skipped fields (initializer data, tree arrays) cost a position change here; protobuf-java copies a
 *       48 MB initializer into the heap (51 MB kept) unless it aliases the mapped file through
 *       {@code UnsafeByteOperations}, which ties the parsed model to the mapping.</li>
 *   <li>Hostile files: protobuf-java bounds only a message's nesting and total size, and ran out of a 128 MB heap on
 *       8 million empty metadata entries (16 MB) and on a million short keys (8 MB); with it, every bound this
 *       reader checks from lengths on the wire ({@link OnnxLimits#MAX_TEXT_BYTES}, {@link
 *       OnnxLimits#MAX_METADATA_BYTES}, {@link OnnxLimits#MAX_METADATA_ENTRIES}, {@link ValueInfoReader#MAX_TYPE_DEPTH})
 *       would need a
 *       wire pass of its own before the parse.</li>
 * </ul>
 * Issue 48 measured onnx-ml.proto's generated classes against this reader on every hostile file (docs/development.md,
 * "Why graph/ reads ONNX files by hand"; {@code bench/proto-reader/run}): the same verdict.
 *
 * <p>Field numbers are those of {@code onnx/onnx.proto} (ModelProto, GraphProto, NodeProto, AttributeProto,
 * ValueInfoProto, TypeProto, TensorShapeProto, TensorProto, StringStringEntryProto, OperatorSetIdProto). Unknown
 * fields are skipped, as protobuf does; a field that occurs twice merges as protobuf merges (lists concatenate, the
 * last scalar wins).
 *
 * <p>Why it is near 300 lines: one short method per message above, all counting against one metadata budget that a
 * split would have to pass around; a tenth of it is the reasons above. An input's or output's name and type count
 * against none of it and nest to a depth of their own: {@link ValueInfoReader} reads them.
 */
public final class GraphParser {

    // ModelProto
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_PRODUCER_VERSION = 3;
    private static final int MODEL_DOMAIN = 4;
    private static final int MODEL_VERSION = 5;
    private static final int MODEL_DOC_STRING = 6;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int MODEL_METADATA_PROPS = 14;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_DOC_STRING = 10;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int NODE_DOMAIN = 7;
    // StringStringEntryProto and OperatorSetIdProto
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;

    private final ByteBuffer bytes;
    /** Bytes of metadata and descriptions read so far, against {@link OnnxLimits#MAX_METADATA_BYTES}. */
    private long metadataBytes;
    /** metadata_props entries read so far, against {@link OnnxLimits#MAX_METADATA_ENTRIES}. */
    private int metadataEntries;

    private long irVersion;
    private String producerName = "";
    private String producerVersion = "";
    private long modelVersion;
    private String docString = "";
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private boolean hasGraph;
    private String name = "";
    private final List<OnnxNode> nodes = new ArrayList<>();
    private final List<OnnxValueInfo> inputs = new ArrayList<>();
    private final List<OnnxValueInfo> outputs = new ArrayList<>();
    private final Map<String, OnnxTensor> initializers = new LinkedHashMap<>();

    private GraphParser(ByteBuffer bytes) {
        this.bytes = bytes;
    }

    /**
     * Reads the model in {@code file}, mapped into memory rather than read into the heap. Only for a file nothing
     * writes while it is read (tools, tests): a mapping of a file truncated meanwhile faults on the next read. The
     * server reads a model from a private copy instead ({@code OnnxModel.load}).
     *
     * @throws OnnxFormatException when the file is not a well-formed ONNX model (the message says why and where)
     * @throws IOException         when the file cannot be read
     */
    public static OnnxGraph parse(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new OnnxFormatException("the file is larger than 2 GB (" + size + " bytes); ONNX keeps larger"
                        + " models' weights in external data files, which tabserve does not read");
            }
            return parse(channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
        }
    }

    /**
     * Reads the model in {@code bytes}, from its position to its limit, without moving its position or copying it.
     *
     * @throws OnnxFormatException when the bytes are not a well-formed ONNX model
     */
    public static OnnxGraph parse(ByteBuffer bytes) throws OnnxFormatException {
        if (!bytes.hasRemaining()) {
            throw new OnnxFormatException("not an ONNX model: the file is empty");
        }
        GraphParser parser = new GraphParser(bytes);
        parser.model(WireReader.of(bytes, "ModelProto"));
        if (!parser.hasGraph) {
            throw new OnnxFormatException("not an ONNX model: it has no graph (ModelProto field " + MODEL_GRAPH + ")");
        }
        return parser.graph();
    }

    private OnnxGraph graph() {
        Set<String> initializerNames = initializers.keySet();
        // Before IR version 4 every initializer was also listed as a graph input; those are weights, not inputs.
        List<OnnxValueInfo> fed = inputs.stream()
                .filter(i -> !initializerNames.contains(i.name()))
                .collect(Collectors.toList());
        OptionalLong version = modelVersion == 0 ? OptionalLong.empty() : OptionalLong.of(modelVersion);
        return new OnnxGraph(
                irVersion,
                producerName,
                producerVersion,
                version,
                docString,
                metadata,
                opsets,
                name,
                fed,
                outputs,
                nodes,
                initializers);
    }

    private void model(WireReader model) throws OnnxFormatException {
        while (model.next()) {
            switch (model.field()) {
                case MODEL_IR_VERSION -> irVersion = model.varint();
                case MODEL_PRODUCER_NAME -> producerName = described(model, "the producer's name");
                case MODEL_PRODUCER_VERSION -> producerVersion = described(model, "the producer's version");
                case MODEL_DOMAIN -> {
                    counted(model.peekLength(), "the model's domain");
                    model.skip();
                }
                case MODEL_VERSION -> modelVersion = model.varint();
                case MODEL_DOC_STRING -> docString = described(model, "the model's doc_string");
                case MODEL_GRAPH -> {
                    hasGraph = true;
                    graph(model.message("graph"));
                }
                case MODEL_OPSET_IMPORT -> opset(model.message("opset_import"));
                case MODEL_METADATA_PROPS -> entry(model.message("metadata_props"));
                default -> model.skip();
            }
        }
    }

    private void graph(WireReader graph) throws OnnxFormatException {
        while (graph.next()) {
            switch (graph.field()) {
                case GRAPH_NODE -> nodes.add(node(graph.message("node")));
                case GRAPH_NAME -> name = described(graph, "the graph's name");
                case GRAPH_DOC_STRING -> {
                    counted(graph.peekLength(), "the graph's doc_string");
                    graph.skip();
                }
                case GRAPH_INITIALIZER -> {
                    OnnxTensor tensor = OnnxTensor.read(graph.detached("initializer"));
                    initializers.put(tensor.name(), tensor);
                }
                case GRAPH_INPUT -> inputs.add(ValueInfoReader.read(graph.message("input")));
                case GRAPH_OUTPUT -> outputs.add(ValueInfoReader.read(graph.message("output")));
                default -> graph.skip();
            }
        }
    }

    private OnnxNode node(WireReader node) throws OnnxFormatException {
        String nodeName = "";
        String opType = "";
        String domain = "";
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        List<OnnxAttribute> attributes = new ArrayList<>();
        while (node.next()) {
            switch (node.field()) {
                case NODE_INPUT -> in.add(node.string());
                case NODE_OUTPUT -> out.add(node.string());
                case NODE_NAME -> nodeName = node.string();
                case NODE_OP_TYPE -> opType = node.string();
                case NODE_DOMAIN -> domain = node.string();
                case NODE_ATTRIBUTE -> attributes.add(OnnxAttribute.read(node.detached("attribute")));
                default -> node.skip();
            }
        }
        return new OnnxNode(nodeName, opType, domain, in, out, attributes);
    }

    private void opset(WireReader opset) throws OnnxFormatException {
        String domain = "";
        long version = 0;
        while (opset.next()) {
            switch (opset.field()) {
                case OPSET_DOMAIN -> domain = opset.string();
                case OPSET_VERSION -> version = opset.varint();
                default -> opset.skip();
            }
        }
        opsets.put(domain, version);
    }

    /**
     * One metadata_props entry. A value's length is checked before it is decoded, and named by its key whichever
     * of the two comes first in the file.
     */
    private void entry(WireReader entry) throws OnnxFormatException {
        if (++metadataEntries > OnnxLimits.MAX_METADATA_ENTRIES) {
            throw new OnnxLimitException(String.format(
                    Locale.ROOT,
                    "the model has more than %,d metadata entries;" + " tabserve reads at most that many",
                    OnnxLimits.MAX_METADATA_ENTRIES));
        }
        String key = "";
        String value = "";
        int oversized = -1;
        while (entry.next()) {
            switch (entry.field()) {
                case ENTRY_KEY -> key = described(entry, "a metadata key");
                case ENTRY_VALUE -> {
                    int length = entry.peekLength();
                    if (length > OnnxLimits.MAX_TEXT_BYTES) {
                        oversized = length;
                        entry.skip();
                    } else {
                        metadataBytes += length;
                        value = entry.string();
                    }
                }
                default -> entry.skip();
            }
        }
        if (oversized >= 0) {
            throw new OnnxLimitException("metadata '" + shown(key) + "' is " + Sizes.bytes(oversized)
                    + "; tabserve reads at most " + Sizes.bytes(OnnxLimits.MAX_TEXT_BYTES) + " per metadata value");
        }
        withinBudget("metadata '" + shown(key) + "'");
        metadata.remove(key);
        metadata.put(key, value);
    }

    /** A text counted against the metadata budget, refused naming {@code what} when it is too large. */
    private String described(WireReader reader, String what) throws OnnxFormatException {
        counted(reader.peekLength(), what);
        return reader.string();
    }

    /** Adds a text of {@code length} bytes to the metadata read, refusing it or the total when too large. */
    private void counted(int length, String what) throws OnnxLimitException {
        if (length > OnnxLimits.MAX_TEXT_BYTES) {
            throw new OnnxLimitException(what + " is " + Sizes.bytes(length) + "; tabserve reads at most "
                    + Sizes.bytes(OnnxLimits.MAX_TEXT_BYTES) + " per text");
        }
        metadataBytes += length;
        withinBudget(what);
    }

    private void withinBudget(String at) throws OnnxLimitException {
        if (metadataBytes > OnnxLimits.MAX_METADATA_BYTES) {
            throw new OnnxLimitException("the model's metadata and descriptions are over "
                    + Sizes.bytes(OnnxLimits.MAX_METADATA_BYTES) + " in all (reached at " + at
                    + "); tabserve reads at most that much");
        }
    }

    /** A key as a message shows it: short, on one line. */
    private static String shown(String key) {
        String line = key.replaceAll("\\p{Cntrl}", "?");
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }
}
