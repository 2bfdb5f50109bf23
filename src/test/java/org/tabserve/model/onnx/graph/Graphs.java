package org.tabserve.model.onnx.graph;

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
import java.util.List;
import org.tabserve.model.onnx.graph.facts.FactFinder;
import org.tabserve.model.onnx.graph.facts.GraphFacts;

/**
 * Small graphs for the reader's tests, built with the generated ONNX protobuf classes (an independent writer of the
 * format the reader parses), so each test shows the one node pattern it is about.
 */
public final class Graphs {

    public static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    public static final int INT64 = TensorProto.DataType.INT64_VALUE;
    public static final int STRING = TensorProto.DataType.STRING_VALUE;
    public static final String ML = "ai.onnx.ml";

    private Graphs() {}

    /** A model around {@code graph}, importing the standard and the classic-ML operator sets. */
    public static ModelProto.Builder model(GraphProto.Builder graph) {
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("tabserve-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(ML).setVersion(3))
                .setGraph(graph);
    }

    /** The graph read back by tabserve's reader, from a heap buffer. */
    public static OnnxGraph read(ModelProto.Builder model) throws OnnxFormatException {
        return GraphParser.parse(ByteBuffer.wrap(model.build().toByteArray()));
    }

    /** The facts of {@code graph} wrapped in a model. */
    public static GraphFacts facts(GraphProto.Builder graph) throws OnnxFormatException {
        return FactFinder.find(read(model(graph)));
    }

    public static NodeProto.Builder node(String op, String domain, List<String> inputs, List<String> outputs) {
        return NodeProto.newBuilder()
                .setOpType(op)
                .setDomain(domain)
                .setName(op + "_" + outputs.get(0))
                .addAllInput(inputs)
                .addAllOutput(outputs);
    }

    public static AttributeProto.Builder intAttribute(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value);
    }

    public static AttributeProto.Builder floatAttribute(String name, float value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.FLOAT)
                .setF(value);
    }

    public static AttributeProto.Builder stringAttribute(String name, String value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value));
    }

    public static AttributeProto.Builder ints(String name, long... values) {
        AttributeProto.Builder attribute =
                AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            attribute.addInts(v);
        }
        return attribute;
    }

    public static AttributeProto.Builder floats(String name, float... values) {
        AttributeProto.Builder attribute =
                AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
        for (float v : values) {
            attribute.addFloats(v);
        }
        return attribute;
    }

    public static AttributeProto.Builder strings(String name, String... values) {
        AttributeProto.Builder attribute =
                AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
        for (String v : values) {
            attribute.addStrings(ByteString.copyFromUtf8(v));
        }
        return attribute;
    }

    /** A tensor value; each dimension is a String (named), a Number (fixed) or null (neither). */
    public static ValueInfoProto tensor(String name, int elemType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            if (dim instanceof String param) {
                d.setDimParam(param);
            } else if (dim instanceof Number size) {
                d.setDimValue(size.longValue());
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

    /** A float matrix initializer of zeros. */
    public static TensorProto.Builder zeros(String name, int rows, int columns) {
        TensorProto.Builder tensor = TensorProto.newBuilder()
                .setName(name)
                .setDataType(FLOAT)
                .addDims(rows)
                .addDims(columns);
        for (int i = 0; i < rows * columns; i++) {
            tensor.addFloatData(0f);
        }
        return tensor;
    }
}
