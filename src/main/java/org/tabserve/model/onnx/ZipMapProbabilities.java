package org.tabserve.model.onnx;

import org.tabserve.model.onnx.graph.OnnxAttribute;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.OnnxNode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The float tensor a graph's ZipMap turns into a sequence of maps, made a graph output of its own so that
 * predictions read it as one tensor. Why: ONNX Runtime Java hands out a ZipMap's answer as one native map object per
 * row, each read through two more JNI calls and a HashMap, which cost several times the rest of a text model's
 * prediction; the tensor holds the same floats (ZipMap copies them, column {@code j} under key
 * {@code classlabels[j]}), so every answer stays identical.
 *
 * @param tensor  the ZipMap's input, the probability tensor {@code [N, C]}
 * @param zipMap  the ZipMap's output, a graph output
 * @param columns the ZipMap's keys in tensor-column order, as text (its classlabels_strings or classlabels_int64s)
 */
record ZipMapProbabilities(String tensor, String zipMap, List<String> columns) {

    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_OUTPUT = 12;
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TENSOR_ELEM_TYPE = 1;
    private static final int TENSOR_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;
    private static final int FLOAT = 1;

    ZipMapProbabilities {
        columns = List.copyOf(columns);
    }

    /**
     * The ZipMap whose output is a graph output and whose input is not, with its class labels; empty when the graph
     * has none (or several, or labels it does not state).
     */
    static Optional<ZipMapProbabilities> of(OnnxGraph graph) {
        List<ZipMapProbabilities> found = new ArrayList<>();
        for (OnnxNode node : graph.nodes()) {
            if (!node.isMl("ZipMap") || node.inputs().size() != 1 || node.outputs().size() != 1
                    || graph.output(node.outputs().get(0)).isEmpty() || graph.output(node.inputs().get(0)).isPresent()) {
                continue;
            }
            List<String> labels = labels(node);
            if (labels != null && !labels.isEmpty()) {
                found.add(new ZipMapProbabilities(node.inputs().get(0), node.outputs().get(0), labels));
            }
        }
        return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
    }

    private static List<String> labels(OnnxNode node) {
        try {
            Optional<OnnxAttribute> strings = node.attribute("classlabels_strings");
            if (strings.isPresent() && strings.get().type() == OnnxAttribute.Type.STRINGS) {
                return strings.get().strings();
            }
            Optional<OnnxAttribute> ints = node.attribute("classlabels_int64s");
            if (ints.isPresent() && ints.get().type() == OnnxAttribute.Type.INTS) {
                List<String> labels = new ArrayList<>();
                for (long label : ints.get().ints()) {
                    labels.add(Long.toString(label));
                }
                return labels;
            }
            return null;
        } catch (OnnxFormatException e) {
            return null; // the attribute is unreadable: leave the ZipMap as it is, the decoder reads its maps
        }
    }

    /**
     * The model with {@link #tensor} declared as one more graph output, a float {@code [N, C]} tensor. The model's
     * bytes are copied unchanged and a second ModelProto.graph field holding only that output is appended:
     * protobuf merges the two (its rule for a message field that occurs twice), so the graph ONNX Runtime builds
     * is the file's, plus the output.
     *
     * @return a read-only mapping of a new private file
     * @throws java.io.UncheckedIOException when that file cannot be written
     */
    ByteBuffer exposedIn(ByteBuffer model) {
        ByteArrayOutputStream dim0 = new ByteArrayOutputStream();
        lengthDelimited(dim0, DIM_PARAM, "N".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream dim1 = new ByteArrayOutputStream();
        tag(dim1, DIM_VALUE, 0);
        varint(dim1, columns.size());
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        lengthDelimited(shape, SHAPE_DIM, dim0.toByteArray());
        lengthDelimited(shape, SHAPE_DIM, dim1.toByteArray());
        ByteArrayOutputStream tensorType = new ByteArrayOutputStream();
        tag(tensorType, TENSOR_ELEM_TYPE, 0);
        varint(tensorType, FLOAT);
        lengthDelimited(tensorType, TENSOR_SHAPE, shape.toByteArray());
        ByteArrayOutputStream type = new ByteArrayOutputStream();
        lengthDelimited(type, TYPE_TENSOR, tensorType.toByteArray());
        ByteArrayOutputStream valueInfo = new ByteArrayOutputStream();
        lengthDelimited(valueInfo, VALUE_INFO_NAME, tensor.getBytes(StandardCharsets.UTF_8));
        lengthDelimited(valueInfo, VALUE_INFO_TYPE, type.toByteArray());
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        lengthDelimited(graph, GRAPH_OUTPUT, valueInfo.toByteArray());
        ByteArrayOutputStream suffix = new ByteArrayOutputStream();
        lengthDelimited(suffix, MODEL_GRAPH, graph.toByteArray());

        // A private file, not a direct buffer: a 150 MB model would not fit MaxDirectMemorySize (-Xmx by default).
        return PrivateCopy.joined(model, suffix.toByteArray());
    }

    private static void lengthDelimited(ByteArrayOutputStream out, int field, byte[] value) {
        tag(out, field, 2);
        varint(out, value.length);
        out.write(value, 0, value.length);
    }

    private static void tag(ByteArrayOutputStream out, int field, int wireType) {
        varint(out, ((long) field << 3) | wireType);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
