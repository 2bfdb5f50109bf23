package org.tabserve.train;

import ai.onnx.proto.OnnxMl;
import java.util.List;

/**
 * Makes an exported Tribuo graph take its columns in the data's order: Tribuo numbers features by sorted name, so its
 * graph wants {@code curtosis, entropy, skewness, variance}, while people (and their arrays) know the CSV's
 * {@code variance, skewness, curtosis, entropy}; a client sending the latter silently got wrong labels. A
 * {@code Gather} on axis 1 in front of Tribuo's nodes reorders each row, so the graph's input is the data's order.
 */
final class DataColumnOrder {

    /** The new node's name, and the stem of the names it adds; Tribuo's own names end in {@code _<n>}. */
    static final String NODE_NAME = "reorder_data_columns";
    /** The initializer holding, for each of Tribuo's columns, the data column it comes from. */
    static final String INDICES_NAME = NODE_NAME + "_indices";

    private DataColumnOrder() {}

    /**
     * For each column of {@code graphOrder}, its index in {@code dataOrder}: the indices a {@code Gather} needs to
     * turn a row in data order into a row in graph order.
     */
    static long[] gatherIndices(List<String> dataOrder, List<String> graphOrder) {
        if (dataOrder.size() != graphOrder.size() || !dataOrder.containsAll(graphOrder)) {
            throw new IllegalArgumentException(
                    "the graph's features " + graphOrder + " are not a reordering of the " + "data's " + dataOrder);
        }
        long[] indices = new long[graphOrder.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = dataOrder.indexOf(graphOrder.get(i));
        }
        return indices;
    }

    /**
     * Returns {@code model} whose one input, keeping its name and {@code [batch, F]} shape, takes columns in
     * {@code dataOrder}; Tribuo's nodes read the reordered rows as before.
     */
    static OnnxMl.ModelProto reorder(OnnxMl.ModelProto model, List<String> dataOrder, List<String> graphOrder) {
        OnnxMl.GraphProto graph = model.getGraph();
        if (graph.getInputCount() != 1) {
            throw new IllegalArgumentException("expected one graph input, got " + graph.getInputCount());
        }
        String input = graph.getInput(0).getName();
        String reordered = NODE_NAME + "_output";
        OnnxMl.GraphProto.Builder builder = graph.toBuilder().clearNode();
        builder.addNode(OnnxMl.NodeProto.newBuilder()
                .setName(NODE_NAME)
                .setOpType("Gather")
                .addInput(input)
                .addInput(INDICES_NAME)
                .addOutput(reordered)
                .addAttribute(OnnxMl.AttributeProto.newBuilder()
                        .setName("axis")
                        .setType(OnnxMl.AttributeProto.AttributeType.INT)
                        .setI(1))
                .setDocString(
                        "rows in the data's column order " + dataOrder + " to Tribuo's sorted order " + graphOrder));
        // Every node that read the graph input now reads the reordered rows; nodes keep their order (topological).
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            OnnxMl.NodeProto.Builder rewired = node.toBuilder();
            for (int i = 0; i < node.getInputCount(); i++) {
                if (node.getInput(i).equals(input)) {
                    rewired.setInput(i, reordered);
                }
            }
            builder.addNode(rewired);
        }
        OnnxMl.TensorProto.Builder indices = OnnxMl.TensorProto.newBuilder()
                .setName(INDICES_NAME)
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber())
                .addDims(graphOrder.size());
        for (long index : gatherIndices(dataOrder, graphOrder)) {
            indices.addInt64Data(index);
        }
        builder.addInitializer(indices);
        return model.toBuilder().setGraph(builder).build();
    }
}
