package org.tabserve.model.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes small ONNX models in each shape tabserve serves (and some it must refuse), built with the ONNX protobuf
 * classes, so that tests need no binary fixtures and can compute the expected answers from the weights they chose.
 *
 * <p>Every method writes {@code file} and returns it. Graph names are left empty, so a model's default name is its
 * file name; the producer is always {@link #PRODUCER}.
 */
final class OnnxModels {

    /** The ONNX producer name every fixture carries. */
    static final String PRODUCER = "tabserve-tests";

    private static final long IR_VERSION = 8;
    private static final long DEFAULT_OPSET = 13;
    private static final String ML_DOMAIN = "ai.onnx.ml";
    private static final long ML_OPSET = 3;

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int DOUBLE = TensorProto.DataType.DOUBLE_VALUE;
    private static final int INT64 = TensorProto.DataType.INT64_VALUE;
    private static final int STRING = TensorProto.DataType.STRING_VALUE;

    /** The free batch dimension's name. */
    private static final String N = "N";

    /** What follows {@code MatMul + Add} in a {@link #tensorOutput} model. */
    enum Head {
        /** Softmax over the columns: probabilities [N, C] (Tribuo, Keras). */
        SOFTMAX,
        /** Nothing: raw logits [N, C]. */
        LOGITS,
        /** Sigmoid of a single column [N, 1] (Keras' binary head). */
        SIGMOID
    }

    private OnnxModels() {}

    /**
     * A model with one float input [N, F] and one float output [N, C]: {@code MatMul + Add}, then {@code head}.
     *
     * @param batchOfOne fix the batch dimension at 1 instead of leaving it free
     */
    static Path tensorOutput(
            Path file, LinearModel model, Head head, boolean batchOfOne, Map<String, String> metadata) {
        Object batch = batchOfOne ? 1 : N;
        GraphProto.Builder graph = GraphProto.newBuilder()
                .addInput(tensor("input", FLOAT, batch, model.features()))
                .addInitializer(floats("W", model.featureMajorWeights(), model.features(), model.columns()))
                .addInitializer(floats("B", model.floatBias(), model.columns()))
                .addNode(node("MatMul", "", List.of("input", "W"), List.of("product")));
        if (head == Head.LOGITS) {
            graph.addNode(node("Add", "", List.of("product", "B"), List.of("scores")))
                    .addOutput(tensor("scores", FLOAT, batch, model.columns()));
        } else {
            graph.addNode(node("Add", "", List.of("product", "B"), List.of("logits")))
                    .addNode(node(
                            head == Head.SOFTMAX ? "Softmax" : "Sigmoid",
                            "",
                            List.of("logits"),
                            List.of("probabilities")))
                    .addOutput(tensor("probabilities", FLOAT, batch, model.columns()));
        }
        return write(file, graph, false, metadata);
    }

    /**
     * skl2onnx with {@code zipmap=False}: an ai.onnx.ml {@code LinearClassifier} with a softmax, giving {@code label}
     * [N] (int64 or string, as {@code labels} are {@link Long}s or {@link String}s) and {@code probabilities} [N, C].
     */
    static Path labelAndProbabilities(Path file, LinearModel model, List<?> labels, Map<String, String> metadata) {
        GraphProto.Builder graph = GraphProto.newBuilder()
                .addInput(tensor("input", FLOAT, N, model.features()))
                .addNode(linearClassifier(model, labels, "label", "probabilities"))
                .addOutput(tensor("label", labelType(labels), N))
                .addOutput(tensor("probabilities", FLOAT, N, model.columns()));
        return write(file, graph, true, metadata);
    }

    /**
     * As {@link #labelAndProbabilities}, with {@code label} declared {@code [1]} where it returns {@code [N]}, as older
     * LightGBM converters declare it: ONNX Runtime then warns on stderr, on every call of more than one row, "Expected
     * shape from model of {1} does not match actual shape of {N} for output label".
     */
    static Path labelDeclaredForOneRow(Path file, LinearModel model, List<?> labels) {
        GraphProto.Builder graph = GraphProto.newBuilder()
                .addInput(tensor("input", FLOAT, N, model.features()))
                .addNode(linearClassifier(model, labels, "label", "probabilities"))
                .addOutput(tensor("label", labelType(labels), 1))
                .addOutput(tensor("probabilities", FLOAT, N, model.columns()));
        return write(file, graph, true, Map.of());
    }

    /**
     * skl2onnx's default: a {@code LinearClassifier} followed by a {@code ZipMap}, giving {@code output_label} [N]
     * and {@code output_probability} seq(map(int64|string, float)), keyed by {@code labels}.
     */
    static Path labelAndZipMap(Path file, LinearModel model, List<?> labels, Map<String, String> metadata) {
        int keyType = labelType(labels);
        NodeProto.Builder zipMap = node("ZipMap", ML_DOMAIN, List.of("probabilities"), List.of("output_probability"));
        zipMap.addAttribute(
                keyType == INT64 ? ints("classlabels_int64s", labels) : strings("classlabels_strings", labels));
        TypeProto map = TypeProto.newBuilder()
                .setMapType(TypeProto.Map.newBuilder()
                        .setKeyType(keyType)
                        .setValueType(TypeProto.newBuilder()
                                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(FLOAT))))
                .build();
        ValueInfoProto sequence = ValueInfoProto.newBuilder()
                .setName("output_probability")
                .setType(TypeProto.newBuilder()
                        .setSequenceType(TypeProto.Sequence.newBuilder().setElemType(map)))
                .build();
        GraphProto.Builder graph = GraphProto.newBuilder()
                .addInput(tensor("input", FLOAT, N, model.features()))
                .addNode(linearClassifier(model, labels, "output_label", "probabilities"))
                .addNode(zipMap)
                .addOutput(tensor("output_label", keyType, N))
                .addOutput(sequence);
        return write(file, graph, true, metadata);
    }

    /** Two float inputs [N, 2] added, then a softmax. */
    static Path twoInputs(Path file) {
        GraphProto.Builder graph = GraphProto.newBuilder()
                .addInput(tensor("left", FLOAT, N, 2))
                .addInput(tensor("right", FLOAT, N, 2))
                .addNode(node("Add", "", List.of("left", "right"), List.of("sum")))
                .addNode(node("Softmax", "", List.of("sum"), List.of("probabilities")))
                .addOutput(tensor("probabilities", FLOAT, N, 2));
        return write(file, graph, false, Map.of());
    }

    /** A float64 input [N, 2], cast to float, then a softmax. */
    static Path doubleInput(Path file) {
        return castInput(file, DOUBLE);
    }

    /** An int64 input [N, 2], cast to float, then a softmax. */
    static Path int64Input(Path file) {
        return castInput(file, INT64);
    }

    private static Path castInput(Path file, int inputType) {
        NodeProto.Builder cast = node("Cast", "", List.of("input"), List.of("floats"));
        cast.addAttribute(AttributeProto.newBuilder()
                .setName("to")
                .setType(AttributeProto.AttributeType.INT)
                .setI(FLOAT));
        GraphProto.Builder graph = GraphProto.newBuilder()
                .addInput(tensor("input", inputType, N, 2))
                .addNode(cast)
                .addNode(node("Softmax", "", List.of("floats"), List.of("probabilities")))
                .addOutput(tensor("probabilities", FLOAT, N, 2));
        return write(file, graph, false, Map.of());
    }

    /** A float input [N, 3] whose only output is the int64 index of its largest column [N]: no probabilities. */
    static Path labelOnly(Path file) {
        NodeProto.Builder argMax = node("ArgMax", "", List.of("input"), List.of("label"));
        argMax.addAttribute(AttributeProto.newBuilder()
                .setName("axis")
                .setType(AttributeProto.AttributeType.INT)
                .setI(1));
        argMax.addAttribute(AttributeProto.newBuilder()
                .setName("keepdims")
                .setType(AttributeProto.AttributeType.INT)
                .setI(0));
        GraphProto.Builder graph = GraphProto.newBuilder()
                .addInput(tensor("input", FLOAT, N, 3))
                .addNode(argMax)
                .addOutput(tensor("label", INT64, N));
        return write(file, graph, false, Map.of());
    }

    /** A softmax over a float input whose shape is {@code inputShape} (a String is a named dimension). */
    static Path softmaxOfInput(Path file, Object... inputShape) {
        GraphProto.Builder graph = GraphProto.newBuilder()
                .addInput(tensor("input", FLOAT, inputShape))
                .addNode(node("Softmax", "", List.of("input"), List.of("probabilities")))
                .addOutput(tensor("probabilities", FLOAT, inputShape));
        return write(file, graph, false, Map.of());
    }

    /**
     * A float input reshaped to a shape given at run time, whose output declares its type and no shape (its rank is
     * known only at run time), as LightGBM's converter writes its probabilities: ONNX Runtime gives its shape as
     * {@code []}.
     */
    static Path outputOfUndeclaredShape(Path file) {
        ValueInfoProto output = ValueInfoProto.newBuilder()
                .setName("probabilities")
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(FLOAT)))
                .build();
        GraphProto.Builder graph = GraphProto.newBuilder()
                .addInput(tensor("input", FLOAT, N, 3))
                .addInput(tensor("shape", INT64, "K"))
                .addNode(node("Reshape", "", List.of("input", "shape"), List.of("probabilities")))
                .addOutput(output);
        return write(file, graph, false, Map.of());
    }

    /** A float input [N, 2] with two float outputs [N, 2], so that it is unclear which holds the probabilities. */
    static Path twoProbabilityOutputs(Path file) {
        GraphProto.Builder graph = GraphProto.newBuilder()
                .addInput(tensor("input", FLOAT, N, 2))
                .addNode(node("Softmax", "", List.of("input"), List.of("first")))
                .addNode(node("Sigmoid", "", List.of("input"), List.of("second")))
                .addOutput(tensor("first", FLOAT, N, 2))
                .addOutput(tensor("second", FLOAT, N, 2));
        return write(file, graph, false, Map.of());
    }

    /** A file of seeded random bytes, which is not an ONNX model. */
    static Path randomBytes(Path file) {
        byte[] bytes = new byte[512];
        new Random(42).nextBytes(bytes);
        return write(file, bytes);
    }

    /** A text file, which is not an ONNX model. */
    static Path text(Path file) {
        return write(file, "feature,label\n1.0,genuine\n".getBytes(StandardCharsets.UTF_8));
    }

    // --- protobuf helpers -------------------------------------------------------------------------------------------

    private static NodeProto linearClassifier(
            LinearModel model, List<?> labels, String labelOutput, String probabilities) {
        if (labels.size() != model.columns()) {
            throw new IllegalArgumentException("need one label per class");
        }
        NodeProto.Builder node =
                node("LinearClassifier", ML_DOMAIN, List.of("input"), List.of(labelOutput, probabilities));
        AttributeProto.Builder coefficients =
                AttributeProto.newBuilder().setName("coefficients").setType(AttributeProto.AttributeType.FLOATS);
        for (float w : model.classMajorWeights()) {
            coefficients.addFloats(w);
        }
        AttributeProto.Builder intercepts =
                AttributeProto.newBuilder().setName("intercepts").setType(AttributeProto.AttributeType.FLOATS);
        for (float b : model.floatBias()) {
            intercepts.addFloats(b);
        }
        node.addAttribute(coefficients)
                .addAttribute(intercepts)
                .addAttribute(
                        labelType(labels) == INT64
                                ? ints("classlabels_ints", labels)
                                : strings("classlabels_strings", labels))
                .addAttribute(AttributeProto.newBuilder()
                        .setName("multi_class")
                        .setType(AttributeProto.AttributeType.INT)
                        .setI(0))
                .addAttribute(AttributeProto.newBuilder()
                        .setName("post_transform")
                        .setType(AttributeProto.AttributeType.STRING)
                        .setS(ByteString.copyFromUtf8("SOFTMAX")));
        return node.build();
    }

    private static int labelType(List<?> labels) {
        if (labels.stream().allMatch(Long.class::isInstance)) {
            return INT64;
        }
        if (labels.stream().allMatch(String.class::isInstance)) {
            return STRING;
        }
        throw new IllegalArgumentException("labels must be all Long or all String: " + labels);
    }

    private static AttributeProto.Builder ints(String name, List<?> values) {
        AttributeProto.Builder attribute =
                AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        values.forEach(v -> attribute.addInts((Long) v));
        return attribute;
    }

    private static AttributeProto.Builder strings(String name, List<?> values) {
        AttributeProto.Builder attribute =
                AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
        values.forEach(v -> attribute.addStrings(ByteString.copyFromUtf8((String) v)));
        return attribute;
    }

    private static NodeProto.Builder node(String op, String domain, List<String> inputs, List<String> outputs) {
        return NodeProto.newBuilder()
                .setOpType(op)
                .setDomain(domain)
                .setName(op + "_" + outputs.get(0))
                .addAllInput(inputs)
                .addAllOutput(outputs);
    }

    /** A tensor value; each dimension is a {@link String} (named, free) or a {@link Number} (fixed). */
    private static ValueInfoProto tensor(String name, int elemType, Object... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder d = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (dim instanceof String param) {
                d.setDimParam(param);
            } else {
                d.setDimValue(((Number) dim).longValue());
            }
            shape.addDim(d);
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(elemType)
                                .setShape(shape)))
                .build();
    }

    private static TensorProto floats(String name, float[] values, long... dims) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        for (float value : values) {
            tensor.addFloatData(value);
        }
        return tensor.build();
    }

    private static Path write(Path file, GraphProto.Builder graph, boolean usesMlOps, Map<String, String> metadata) {
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(PRODUCER)
                .setProducerVersion("1")
                .addOpsetImport(
                        OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(DEFAULT_OPSET));
        if (usesMlOps) {
            model.addOpsetImport(
                    OnnxMl.OperatorSetIdProto.newBuilder().setDomain(ML_DOMAIN).setVersion(ML_OPSET));
        }
        metadata.forEach((key, value) -> model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        model.setGraph(graph.setName(""));
        return write(file, model.build().toByteArray());
    }

    private static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
