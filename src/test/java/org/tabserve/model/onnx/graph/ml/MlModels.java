package org.tabserve.model.onnx.graph.ml;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;

/**
 * One-node ai.onnx.ml models for the operators' tests, built with the generated ONNX protobuf classes (a writer
 * independent of tabserve's reader): an input {@code x} of {@code [N, features]} into one estimator, whose outputs are
 * graph outputs ({@code label} and {@code scores} of a classifier, {@code values} of a regressor), so that ONNX Runtime
 * and the definitions here read the very same bytes.
 */
public final class MlModels {

    /** The input's element types. */
    public static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    public static final int DOUBLE = TensorProto.DataType.DOUBLE_VALUE;
    public static final int INT64 = TensorProto.DataType.INT64_VALUE;
    private static final int STRING = TensorProto.DataType.STRING_VALUE;
    private static final String ML = "ai.onnx.ml";

    private MlModels() {}

    /**
     * @param node     the estimator, reading {@code x} and writing the outputs named above
     * @param input    the element type of {@code x}
     * @param labels   a classifier's label type ({@link #INT64} or text), or 0 for a regressor
     * @param scores   the width of its scores (or values)
     * @return the model's bytes
     */
    public static byte[] model(NodeProto node, int input, int features, int labels, int scores) {
        GraphProto.Builder graph =
                GraphProto.newBuilder().setName("ml-model").addNode(node).addInput(tensor("x", input, features));
        if (labels != 0) {
            graph.addOutput(tensor("label", labels)).addOutput(tensor("scores", FLOAT, scores));
        } else {
            graph.addOutput(tensor("values", FLOAT, scores));
        }
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("tabserve-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(ML).setVersion(3))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    /** @return the element type of text labels */
    public static int text() {
        return STRING;
    }

    /** @return the attributes of the model's one node, as tabserve's reader reads them */
    public static NodeAttributes attributes(byte[] model) throws OnnxFormatException {
        return new NodeAttributes(
                GraphParser.parse(ByteBuffer.wrap(model)).nodes().get(0));
    }

    /** @return the attributes of {@code node}, written in a model and read back by tabserve's reader */
    public static NodeAttributes attributesOf(NodeProto node) throws OnnxFormatException {
        boolean classifier = node.getOutputCount() == 2;
        return attributes(model(node, FLOAT, 3, classifier ? INT64 : 0, 2));
    }

    /** @return a node of {@code op} in ai.onnx.ml, reading {@code x} */
    public static NodeProto.Builder node(String op, boolean classifier) {
        NodeProto.Builder node = NodeProto.newBuilder()
                .setOpType(op)
                .setDomain(ML)
                .setName(op.toLowerCase())
                .addInput("x");
        return classifier ? node.addOutput("label").addOutput("scores") : node.addOutput("values");
    }

    public static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    public static AttributeProto floats(String name, float... values) {
        AttributeProto.Builder a =
                AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
        for (float v : values) {
            a.addFloats(v);
        }
        return a.build();
    }

    public static AttributeProto strings(String name, String... values) {
        AttributeProto.Builder a =
                AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
        for (String v : values) {
            a.addStrings(ByteString.copyFromUtf8(v));
        }
        return a.build();
    }

    public static AttributeProto text(String name, String value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value))
                .build();
    }

    public static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    /** A tensor [N] or [N, width] with a free batch dimension. */
    private static ValueInfoProto tensor(String name, int elemType, int... width) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (int w : width) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(w));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(elemType)
                                .setShape(shape)))
                .build();
    }

    /** A tree ensemble's attribute lists, filled node by node and weight by weight, in the order given. */
    public static final class Trees {
        private final List<long[]> nodes = new ArrayList<>(); // tree, node, feature, true, false, missing
        private final List<String> modes = new ArrayList<>();
        private final List<Float> thresholds = new ArrayList<>();
        private final List<long[]> weightIds = new ArrayList<>(); // tree, node, id
        private final List<Float> weightValues = new ArrayList<>();

        /** Adds a branch: to {@code whenTrue} when {@code x[feature] mode threshold} (or missing and tracked), else false. */
        public Trees branch(
                int tree,
                int node,
                String mode,
                int feature,
                float threshold,
                int whenTrue,
                int whenFalse,
                boolean missingTracksTrue) {
            nodes.add(new long[] {tree, node, feature, whenTrue, whenFalse, missingTracksTrue ? 1 : 0});
            modes.add(mode);
            thresholds.add(threshold);
            return this;
        }

        /** Adds a leaf, with a weight for each pair of {@code idAndWeight} (id, weight, id, weight, ...). */
        public Trees leaf(int tree, int node, float... idAndWeight) {
            nodes.add(new long[] {tree, node, 0, 0, 0, 0});
            modes.add("LEAF");
            thresholds.add(0f);
            for (int i = 0; i + 1 < idAndWeight.length; i += 2) {
                weight(tree, node, (int) idAndWeight[i], idAndWeight[i + 1]);
            }
            return this;
        }

        /** Adds one weight, anywhere in the weight lists. */
        public Trees weight(int tree, int node, int id, float value) {
            weightIds.add(new long[] {tree, node, id});
            weightValues.add(value);
            return this;
        }

        /**
         * @param op    TreeEnsembleClassifier or TreeEnsembleRegressor
         * @param extra further attributes (labels, post_transform, base_values, ...)
         */
        public NodeProto node(String op, AttributeProto... extra) {
            boolean classifier = op.equals("TreeEnsembleClassifier");
            String prefix = classifier ? "class_" : "target_";
            NodeProto.Builder node = MlModels.node(op, classifier)
                    .addAttribute(column("nodes_treeids", 0))
                    .addAttribute(column("nodes_nodeids", 1))
                    .addAttribute(column("nodes_featureids", 2))
                    .addAttribute(column("nodes_truenodeids", 3))
                    .addAttribute(column("nodes_falsenodeids", 4))
                    .addAttribute(column("nodes_missing_value_tracks_true", 5))
                    .addAttribute(strings("nodes_modes", modes.toArray(String[]::new)))
                    .addAttribute(floats("nodes_values", unboxed(thresholds)));
            long[][] columns = new long[3][weightIds.size()];
            for (int w = 0; w < weightIds.size(); w++) {
                for (int c = 0; c < 3; c++) {
                    columns[c][w] = weightIds.get(w)[c];
                }
            }
            node.addAttribute(ints(prefix + "treeids", columns[0]))
                    .addAttribute(ints(prefix + "nodeids", columns[1]))
                    .addAttribute(ints(prefix + "ids", columns[2]))
                    .addAttribute(floats(prefix + "weights", unboxed(weightValues)));
            for (AttributeProto a : extra) {
                node.addAttribute(a);
            }
            return node.build();
        }

        private AttributeProto column(String name, int c) {
            long[] values = new long[nodes.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = nodes.get(i)[c];
            }
            return ints(name, values);
        }

        private static float[] unboxed(List<Float> values) {
            float[] out = new float[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = values.get(i);
            }
            return out;
        }
    }
}
