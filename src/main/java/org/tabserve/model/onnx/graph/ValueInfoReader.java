package org.tabserve.model.onnx.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a graph input's or output's {@code ValueInfoProto} for {@link GraphParser}: its name and its type (a tensor
 * and its shape, a sequence, a map, or another kind named), nested at most {@link #MAX_TYPE_DEPTH} deep.
 */
final class ValueInfoReader {

    /** Deepest nesting of types (a sequence of maps of ...) read before the file is called malformed. */
    static final int MAX_TYPE_DEPTH = 32;

    // ValueInfoProto, TypeProto and its parts
    private static final int VALUE_NAME = 1;
    private static final int VALUE_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TYPE_SEQUENCE = 4;
    private static final int TYPE_MAP = 5;
    private static final int TYPE_OPAQUE = 7;
    private static final int TYPE_SPARSE_TENSOR = 8;
    private static final int TYPE_OPTIONAL = 9;
    private static final int TENSOR_ELEM_TYPE = 1;
    private static final int TENSOR_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;
    private static final int SEQUENCE_ELEM_TYPE = 1;
    private static final int MAP_KEY_TYPE = 1;
    private static final int MAP_VALUE_TYPE = 2;

    private ValueInfoReader() {}

    static OnnxValueInfo read(WireReader value) throws OnnxFormatException {
        String valueName = "";
        OnnxType type = new OnnxType.Other("no type");
        while (value.next()) {
            switch (value.field()) {
                case VALUE_NAME -> valueName = value.string();
                case VALUE_TYPE -> type = type(value.message("type"), 1);
                default -> value.skip();
            }
        }
        return new OnnxValueInfo(valueName, type);
    }

    private static OnnxType type(WireReader type, int depth) throws OnnxFormatException {
        if (depth > MAX_TYPE_DEPTH) {
            throw new OnnxFormatException(
                    "not a well-formed ONNX model: types nested deeper than " + MAX_TYPE_DEPTH + " levels");
        }
        OnnxType result = new OnnxType.Other("no type");
        while (type.next()) {
            switch (type.field()) {
                case TYPE_TENSOR -> result = tensorType(type.message("tensor_type"));
                case TYPE_SEQUENCE -> result = sequenceType(type.message("sequence_type"), depth);
                case TYPE_MAP -> result = mapType(type.message("map_type"), depth);
                case TYPE_OPTIONAL -> {
                    type.skip();
                    result = new OnnxType.Other("optional");
                }
                case TYPE_SPARSE_TENSOR -> {
                    type.skip();
                    result = new OnnxType.Other("sparse tensor");
                }
                case TYPE_OPAQUE -> {
                    type.skip();
                    result = new OnnxType.Other("opaque");
                }
                default -> type.skip();
            }
        }
        return result;
    }

    private static OnnxType tensorType(WireReader tensor) throws OnnxFormatException {
        ElementType elementType = ElementType.UNDEFINED;
        List<Dimension> shape = null;
        while (tensor.next()) {
            switch (tensor.field()) {
                case TENSOR_ELEM_TYPE -> elementType = ElementType.of(tensor.varint());
                case TENSOR_SHAPE -> {
                    shape = shape == null ? new ArrayList<>() : shape;
                    WireReader dims = tensor.message("shape");
                    while (dims.next()) {
                        if (dims.field() == SHAPE_DIM) {
                            shape.add(dimension(dims.message("dim")));
                        } else {
                            dims.skip();
                        }
                    }
                }
                default -> tensor.skip();
            }
        }
        return new OnnxType.Tensor(elementType, Optional.ofNullable(shape));
    }

    private static Dimension dimension(WireReader dim) throws OnnxFormatException {
        Dimension result = Dimension.UNKNOWN;
        while (dim.next()) {
            switch (dim.field()) {
                case DIM_VALUE -> result = Dimension.fixed(dim.varint());
                case DIM_PARAM -> result = Dimension.named(dim.string());
                default -> dim.skip();
            }
        }
        return result;
    }

    private static OnnxType sequenceType(WireReader sequence, int depth) throws OnnxFormatException {
        OnnxType element = new OnnxType.Other("no type");
        while (sequence.next()) {
            if (sequence.field() == SEQUENCE_ELEM_TYPE) {
                element = type(sequence.message("elem_type"), depth + 1);
            } else {
                sequence.skip();
            }
        }
        return new OnnxType.Sequence(element);
    }

    private static OnnxType mapType(WireReader map, int depth) throws OnnxFormatException {
        ElementType key = ElementType.UNDEFINED;
        OnnxType value = new OnnxType.Other("no type");
        while (map.next()) {
            switch (map.field()) {
                case MAP_KEY_TYPE -> key = ElementType.of(map.varint());
                case MAP_VALUE_TYPE -> value = type(map.message("value_type"), depth + 1);
                default -> map.skip();
            }
        }
        return new OnnxType.MapOf(key, value);
    }
}
