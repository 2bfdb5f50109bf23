package org.tabserve.model.onnx.graph;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One named attribute of a node ({@code AttributeProto}). Its scalars are read at once; its lists ({@code ints},
 * {@code floats}, {@code strings}) are decoded only when asked for, from a view of the file, because a large tree
 * ensemble keeps almost all of its bytes in list attributes that tabserve never needs as Java arrays.
 *
 * <p>Lists are decoded anew on each call; both the packed and the unpacked encoding of a repeated field are read.
 */
public final class OnnxAttribute {

    /** The attribute's declared type ({@code AttributeProto.AttributeType}); codes it does not know read OTHER. */
    public enum Type {
        UNDEFINED,
        FLOAT,
        INT,
        STRING,
        TENSOR,
        GRAPH,
        FLOATS,
        INTS,
        STRINGS,
        TENSORS,
        GRAPHS,
        SPARSE_TENSOR,
        SPARSE_TENSORS,
        OTHER;

        static Type of(long code) {
            return code >= 0 && code <= 12 ? values()[(int) code] : OTHER;
        }
    }

    private static final int NAME = 1;
    private static final int F = 2;
    private static final int I = 3;
    private static final int S = 4;
    private static final int FLOATS = 7;
    private static final int INTS = 8;
    private static final int STRINGS = 9;
    private static final int TYPE = 20;

    private final String name;
    private final Type type;
    private final float f;
    private final long i;
    private final String s;
    private final WireReader source;

    private OnnxAttribute(String name, Type type, float f, long i, String s, WireReader source) {
        this.name = name;
        this.type = type;
        this.f = f;
        this.i = i;
        this.s = s;
        this.source = source;
    }

    /** Reads the scalars of one {@code AttributeProto} from a {@link WireReader#detached} reader, kept for the lists. */
    static OnnxAttribute read(WireReader reader) throws OnnxFormatException {
        String name = "";
        Type type = Type.UNDEFINED;
        float f = 0f;
        long i = 0;
        String s = "";
        while (reader.next()) {
            switch (reader.field()) {
                case NAME -> name = reader.string();
                case TYPE -> type = Type.of(reader.varint());
                case F -> f = reader.float32();
                case I -> i = reader.varint();
                case S -> s = reader.string();
                default -> reader.skip();
            }
        }
        return new OnnxAttribute(name, type, f, i, s, reader);
    }

    /** @return the attribute's name, e.g. "classlabels_strings" */
    public String name() {
        return name;
    }

    /** @return its declared type */
    public Type type() {
        return type;
    }

    /** @return the {@code f} field (0 when unset) */
    public float f() {
        return f;
    }

    /** @return the {@code i} field (0 when unset) */
    public long i() {
        return i;
    }

    /** @return the {@code s} field as UTF-8 text ("" when unset) */
    public String s() {
        return s;
    }

    /** @return the {@code ints} list, decoded now */
    public long[] ints() throws OnnxFormatException {
        long[] values = new long[8];
        int count = 0;
        WireReader reader = reader();
        while (reader.next()) {
            if (reader.field() != INTS) {
                reader.skip();
            } else if (reader.wireType() == WireReader.LENGTH_DELIMITED) {
                WireReader packed = reader.message("ints");
                while (packed.hasRemaining()) {
                    values = grow(values, count);
                    values[count++] = packed.rawVarint();
                }
            } else {
                values = grow(values, count);
                values[count++] = reader.varint();
            }
        }
        return Arrays.copyOf(values, count);
    }

    /** @return the {@code floats} list, decoded now */
    public float[] floats() throws OnnxFormatException {
        float[] values = new float[8];
        int count = 0;
        WireReader reader = reader();
        while (reader.next()) {
            if (reader.field() != FLOATS) {
                reader.skip();
            } else if (reader.wireType() == WireReader.LENGTH_DELIMITED) {
                WireReader packed = reader.message("floats");
                while (packed.hasRemaining()) {
                    if (count == values.length) {
                        values = Arrays.copyOf(values, count * 2);
                    }
                    values[count++] = Float.intBitsToFloat(packed.rawFixed32());
                }
            } else {
                if (count == values.length) {
                    values = Arrays.copyOf(values, count * 2);
                }
                values[count++] = reader.float32();
            }
        }
        return Arrays.copyOf(values, count);
    }

    /** @return the {@code strings} list as UTF-8 text, decoded now */
    public List<String> strings() throws OnnxFormatException {
        List<String> values = new ArrayList<>();
        WireReader reader = reader();
        while (reader.next()) {
            if (reader.field() == STRINGS) {
                values.add(reader.string());
            } else {
                reader.skip();
            }
        }
        return List.copyOf(values);
    }

    /**
     * @return how many values its list holds ({@code ints}, {@code floats} or {@code strings}, as its type says; 0 for
     *         any other type), counted without decoding them into an array: what a reader of a large list needs to
     *         know, before it decodes, to size the heap that will take
     */
    public int count() throws OnnxFormatException {
        int field = switch (type) {
            case INTS -> INTS;
            case FLOATS -> FLOATS;
            case STRINGS -> STRINGS;
            default -> -1;
        };
        int count = 0;
        WireReader reader = reader();
        while (field > 0 && reader.next()) {
            if (reader.field() != field) {
                reader.skip();
            } else if (field != STRINGS && reader.wireType() == WireReader.LENGTH_DELIMITED) {
                WireReader packed = reader.message("packed values");
                while (packed.hasRemaining()) {
                    if (field == INTS) {
                        packed.rawVarint();
                    } else {
                        packed.rawFixed32();
                    }
                    count++;
                }
            } else {
                reader.skip();
                count++;
            }
        }
        return count;
    }

    /**
     * @return for each value of its {@code strings} list, its index in {@code known}, or -1: decoded now without
     *         making a String of each, for a list of a few words repeated many times (a tree ensemble's node modes)
     */
    public int[] indexesIn(List<String> known) throws OnnxFormatException {
        ByteBuffer[] words = new ByteBuffer[known.size()];
        for (int k = 0; k < words.length; k++) {
            words[k] = ByteBuffer.wrap(known.get(k).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        int[] values = new int[8];
        int count = 0;
        WireReader reader = reader();
        while (reader.next()) {
            if (reader.field() != STRINGS) {
                reader.skip();
                continue;
            }
            ByteBuffer value = reader.bytes();
            int found = -1;
            for (int k = 0; k < words.length && found < 0; k++) {
                found = value.equals(words[k]) ? k : -1;
            }
            if (count == values.length) {
                values = Arrays.copyOf(values, count * 2);
            }
            values[count++] = found;
        }
        return Arrays.copyOf(values, count);
    }

    @Override
    public String toString() {
        return name + ":" + type;
    }

    private WireReader reader() {
        return source.again();
    }

    private static long[] grow(long[] values, int count) {
        return count == values.length ? Arrays.copyOf(values, count * 2) : values;
    }
}
