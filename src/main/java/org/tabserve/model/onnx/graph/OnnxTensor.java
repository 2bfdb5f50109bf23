package org.tabserve.model.onnx.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An initializer of the graph ({@code TensorProto}): its name, type and dimensions, and a view of its bytes in the
 * file, never a copy, so that a model with a 150 MB weight tensor is read in the heap it already has. Small integer
 * tensors (the indices of a {@code Gather}) can be decoded with {@link #integers()}.
 */
public final class OnnxTensor {

    private static final int DIMS = 1;
    private static final int DATA_TYPE = 2;
    private static final int INT32_DATA = 5;
    private static final int INT64_DATA = 7;
    private static final int NAME = 8;
    private static final int RAW_DATA = 9;

    private final String name;
    private final ElementType elementType;
    private final List<Long> dims;
    private final WireReader source;

    private OnnxTensor(String name, ElementType elementType, List<Long> dims, WireReader source) {
        this.name = Objects.requireNonNull(name, "name");
        this.elementType = elementType;
        this.dims = List.copyOf(dims);
        this.source = source;
    }

    /** Reads the name, type and dimensions of one {@code TensorProto} ({@link WireReader#detached}), skipping its data. */
    static OnnxTensor read(WireReader reader) throws OnnxFormatException {
        String name = "";
        ElementType type = ElementType.UNDEFINED;
        long[] dims = new long[8];
        int rank = 0;
        while (reader.next()) {
            switch (reader.field()) {
                case NAME -> name = reader.string();
                case DATA_TYPE -> type = ElementType.of(reader.varint());
                case DIMS -> {
                    if (reader.wireType() == WireReader.LENGTH_DELIMITED) {
                        WireReader packed = reader.message("dims");
                        while (packed.hasRemaining()) {
                            dims = grow(dims, rank);
                            dims[rank++] = packed.rawVarint();
                        }
                    } else {
                        dims = grow(dims, rank);
                        dims[rank++] = reader.varint();
                    }
                }
                default -> reader.skip();
            }
        }
        return new OnnxTensor(name, type, Arrays.stream(dims, 0, rank).boxed().toList(), reader);
    }

    /** @return the initializer's name */
    public String name() {
        return name;
    }

    /** @return its element type */
    public ElementType elementType() {
        return elementType;
    }

    /** @return its dimensions (empty for a scalar) */
    public List<Long> dims() {
        return dims;
    }

    /**
     * Decodes an INT32 or INT64 tensor's values, from {@code int32_data}, {@code int64_data} or {@code raw_data}.
     *
     * @return the values, or an empty array for any other type or external data
     */
    public long[] integers() throws OnnxFormatException {
        if (elementType != ElementType.INT32 && elementType != ElementType.INT64) {
            return new long[0];
        }
        long[] values = new long[8];
        int count = 0;
        WireReader reader = source.again();
        while (reader.next()) {
            int field = reader.field();
            boolean int32 = field == INT32_DATA;
            if (field == RAW_DATA) {
                ByteBuffer raw = reader.bytes().order(ByteOrder.LITTLE_ENDIAN);
                int width = elementType == ElementType.INT32 ? Integer.BYTES : Long.BYTES;
                values = Arrays.copyOf(values, count + raw.limit() / width);
                for (int at = 0; at + width <= raw.limit(); at += width) {
                    values[count++] = width == Integer.BYTES ? raw.getInt(at) : raw.getLong(at);
                }
            } else if ((int32 || field == INT64_DATA) && reader.wireType() == WireReader.LENGTH_DELIMITED) {
                WireReader packed = reader.message("data");
                while (packed.hasRemaining()) {
                    long v = packed.rawVarint();
                    values = grow(values, count);
                    values[count++] = int32 ? (int) v : v;
                }
            } else if (int32 || field == INT64_DATA) {
                long v = reader.varint();
                values = grow(values, count);
                values[count++] = int32 ? (int) v : v;
            } else {
                reader.skip();
            }
        }
        return Arrays.copyOf(values, count);
    }

    @Override
    public String toString() {
        return name + ":" + elementType + dims;
    }

    private static long[] grow(long[] values, int count) {
        return count == values.length ? Arrays.copyOf(values, Math.max(8, count * 2)) : values;
    }
}
