package org.tabserve.model.onnx.copy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Makes tensors inside a graph into graph outputs of a copy of the model, so that a session can hand out what the
 * file computes on its way to its answer (a ZipMap's probabilities, an estimator's input and scores) without any of
 * it being computed again in Java. The model's bytes are copied unchanged and a second ModelProto.graph field is
 * appended: protobuf merges the two (its rule for a message field that occurs twice, repeated fields concatenated),
 * so the graph ONNX Runtime builds is the file's, plus what the suffix adds.
 */
public final class GraphOutputs {

    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_OP_TYPE = 4;
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TENSOR_ELEM_TYPE = 1;
    private static final int TENSOR_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;
    private static final int FLOAT = 1;

    private final ByteArrayOutputStream graph = new ByteArrayOutputStream();

    /**
     * Declares {@code tensor}, a float {@code [N, width]} tensor the graph computes, as a graph output.
     *
     * @param width its columns, or 0 when not known (a symbolic dimension)
     *
     * @return this, to declare more
     */
    public GraphOutputs output(String tensor, int width) {
        ByteArrayOutputStream dim0 = new ByteArrayOutputStream();
        lengthDelimited(dim0, DIM_PARAM, "N".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream dim1 = new ByteArrayOutputStream();
        if (width > 0) {
            tag(dim1, DIM_VALUE, 0);
            varint(dim1, width);
        } else {
            lengthDelimited(dim1, DIM_PARAM, ("W_" + tensor).getBytes(StandardCharsets.UTF_8));
        }
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
        lengthDelimited(graph, GRAPH_OUTPUT, valueInfo.toByteArray());
        return this;
    }

    /**
     * Adds an Identity node from {@code tensor} to a new tensor {@code copy} and declares that a float
     * {@code [N, width]} output (0: not known): for a tensor that is already a graph input or output, which cannot be
     * declared again.
     *
     * @return this, to declare more
     */
    public GraphOutputs copy(String tensor, String copy, int width) {
        ByteArrayOutputStream node = new ByteArrayOutputStream();
        lengthDelimited(node, NODE_INPUT, tensor.getBytes(StandardCharsets.UTF_8));
        lengthDelimited(node, NODE_OUTPUT, copy.getBytes(StandardCharsets.UTF_8));
        lengthDelimited(node, NODE_OP_TYPE, "Identity".getBytes(StandardCharsets.UTF_8));
        lengthDelimited(graph, GRAPH_NODE, node.toByteArray());
        return output(copy, width);
    }

    /**
     * @return the model with what was declared, in a read-only mapping of a new private file
     * @throws java.io.UncheckedIOException when that file cannot be written
     */
    public ByteBuffer appliedTo(ByteBuffer model) {
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
