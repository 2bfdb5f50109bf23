package org.tabserve.model.onnx;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Says what a graph's input or output is in plain words ({@code 'probabilities', a float tensor [N, 3]}), for
 * the reasons a model is refused: ONNX Runtime's own descriptions ({@code TensorInfo(javaType=FLOAT,...)}) name Java
 * classes, which tell a user nothing.
 */
final class ValueWords {

    private ValueWords() {}

    /** Each of {@code nodes} in words, in their order, joined with semicolons (a description holds commas). */
    static String of(Collection<NodeInfo> nodes) {
        List<String> words = new ArrayList<>();
        for (NodeInfo node : nodes) {
            words.add(of(node));
        }
        return String.join("; ", words);
    }

    /** @return e.g. {@code 'label', an int64 tensor [N]}, {@code 'probabilities', a float tensor of no declared shape} */
    static String of(NodeInfo node) {
        return "'" + node.getName() + "', " + of(node.getInfo());
    }

    private static String of(ValueInfo info) {
        if (info instanceof TensorInfo tensor) {
            long[] shape = tensor.getShape();
            String type = type(tensor.type);
            return (type.startsWith("int") ? "an " : "a ") + type + " tensor "
                    + (shape.length == 0 ? "of no declared shape" : shape(shape));
        }
        if (info instanceof SequenceInfo sequence) {
            if (sequence.sequenceOfMaps) {
                MapInfo map = sequence.mapInfo;
                return "a sequence of maps from " + type(map.keyType) + " to " + type(map.valueType);
            }
            return "a sequence of " + type(sequence.sequenceType);
        }
        if (info instanceof MapInfo map) {
            return "a map from " + type(map.keyType) + " to " + type(map.valueType);
        }
        return "a value that is not a tensor";
    }

    /** A shape as ONNX writes it: a free dimension is N first, ? after; none at all is said so. */
    static String shape(long[] shape) {
        if (shape.length == 0) {
            return "(no shape declared)";
        }
        List<String> dims = new ArrayList<>();
        for (int i = 0; i < shape.length; i++) {
            dims.add(shape[i] >= 0 ? Long.toString(shape[i]) : i == 0 ? "N" : "?");
        }
        return "[" + String.join(", ", dims) + "]";
    }

    private static String type(OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case INT8 -> "int8";
            case INT16 -> "int16";
            case INT32 -> "int32";
            case INT64 -> "int64";
            case BOOL -> "bool";
            case STRING -> "text";
            case UINT8 -> "uint8";
            case FLOAT16 -> "float16";
            case BFLOAT16 -> "bfloat16";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }
}
