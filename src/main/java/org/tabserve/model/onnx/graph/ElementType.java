package org.tabserve.model.onnx.graph;

/**
 * The element type of an ONNX tensor ({@code TensorProto.DataType}), so that the model core can say "int64" rather
 * than "7"; codes ONNX added after these read as {@link #OTHER}.
 */
public enum ElementType {
    UNDEFINED(0),
    FLOAT(1),
    UINT8(2),
    INT8(3),
    UINT16(4),
    INT16(5),
    INT32(6),
    INT64(7),
    STRING(8),
    BOOL(9),
    FLOAT16(10),
    DOUBLE(11),
    UINT32(12),
    UINT64(13),
    COMPLEX64(14),
    COMPLEX128(15),
    BFLOAT16(16),
    /** A code this reader does not know (a newer ONNX type such as the float8 ones). */
    OTHER(-1);

    private final int code;

    ElementType(int code) {
        this.code = code;
    }

    /** @return the {@code TensorProto.DataType} number, or -1 for {@link #OTHER} */
    public int code() {
        return code;
    }

    /** @return the type with this {@code TensorProto.DataType} number, or {@link #OTHER} */
    public static ElementType of(long code) {
        for (ElementType type : values()) {
            if (type.code == code && type != OTHER) {
                return type;
            }
        }
        return OTHER;
    }

    /** @return whether this is a floating-point type a missing value (NaN) can be sent in */
    public boolean isFloatingPoint() {
        return this == FLOAT || this == DOUBLE || this == FLOAT16 || this == BFLOAT16;
    }
}
