package org.tabserve.model.onnx.graph;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over one protobuf message in a {@link ByteBuffer}: reads field tags, varints, fixed-width numbers and
 * length-delimited fields, and skips what its caller does not need without copying it (a 150 MB initializer is one
 * position change). It reads by absolute index and never changes the buffer's position, so several readers can share
 * one mapped file.
 *
 * <p>Every read is bounds-checked against the message's end; a malformed file ends in an {@link OnnxFormatException}
 * naming the message, the problem and the byte offset, never in an index exception or a loop (each step consumes at
 * least one byte).
 */
final class WireReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final ByteBuffer buffer;
    private final String message;
    private final long base;
    private final int end;
    private int position;
    private int field;
    private int wireType;

    /**
     * @param buffer  the bytes; read by absolute index, never moved
     * @param start   index of the message's first byte
     * @param end     index just past its last byte
     * @param message the message's path, for error messages (e.g. "ModelProto.graph.node")
     * @param base    the file offset of {@code buffer}'s index 0, for error messages
     */
    private WireReader(ByteBuffer buffer, int start, int end, String message, long base) {
        this.buffer = buffer;
        this.position = start;
        this.end = end;
        this.message = message;
        this.base = base;
    }

    /** A reader of the whole of {@code buffer}, from its position to its limit. */
    static WireReader of(ByteBuffer buffer, String message) {
        return new WireReader(buffer, buffer.position(), buffer.limit(), message, 0);
    }

    /** A new reader of the message a {@link #detached} reader read, from its start. */
    WireReader again() {
        return new WireReader(buffer, 0, end, message, base);
    }

    /**
     * Reads the next field's tag.
     *
     * @return false at the end of the message
     * @throws OnnxFormatException for a tag with field number 0, a wire type protobuf does not define, or groups
     */
    boolean next() throws OnnxFormatException {
        if (position >= end) {
            return false;
        }
        int at = position;
        long tag = rawVarint();
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (field <= 0 || tag >>> 3 > 0x1FFF_FFFF) {
            throw error(at, "invalid field number " + (tag >>> 3));
        }
        if (wireType != VARINT && wireType != FIXED64 && wireType != LENGTH_DELIMITED && wireType != FIXED32) {
            throw error(at, "unsupported wire type " + wireType + " for field " + field);
        }
        return true;
    }

    /** @return the index of the next unread byte (after {@link #next()}, of the current field's value) */
    int position() {
        return position;
    }

    /** @return the field number of the tag {@link #next()} read */
    int field() {
        return field;
    }

    /** @return the wire type of the tag {@link #next()} read */
    int wireType() {
        return wireType;
    }

    /** @return the current field as a varint (int32, int64, enum, bool) */
    long varint() throws OnnxFormatException {
        expect(VARINT);
        return rawVarint();
    }

    /** @return the current field as a 32-bit float */
    float float32() throws OnnxFormatException {
        expect(FIXED32);
        return Float.intBitsToFloat(rawFixed32());
    }

    /**
     * @return the current length-delimited field decoded as UTF-8 (malformed bytes become U+FFFD)
     * @throws OnnxLimitException when it is longer than {@link OnnxLimits#MAX_TEXT_BYTES}, before it is decoded
     */
    String string() throws OnnxFormatException {
        int at = position;
        int length = length();
        if (length > OnnxLimits.MAX_TEXT_BYTES) {
            throw new OnnxLimitException("a text field of " + Sizes.bytes(length) + " at byte " + (base + at)
                    + " (in " + message + ", field " + field + ") is longer than the "
                    + Sizes.bytes(OnnxLimits.MAX_TEXT_BYTES)
                    + " tabserve reads");
        }
        ByteBuffer slice = buffer.duplicate().limit(position + length).position(position);
        position += length;
        return StandardCharsets.UTF_8.decode(slice).toString();
    }

    /** @return the length of the current length-delimited field, which is left unread */
    int peekLength() throws OnnxFormatException {
        int at = position;
        int length = length();
        position = at;
        return length;
    }

    /** @return a reader of the current length-delimited field, an embedded message named {@code name} */
    WireReader message(String name) throws OnnxFormatException {
        int length = length();
        WireReader inner = new WireReader(buffer, position, position + length, message + "." + name, base);
        position += length;
        return inner;
    }

    /**
     * Like {@link #message}, but the returned reader reads a view of the message's own bytes (no copy), which
     * attributes and initializers keep to decode their lists later with {@link #again()}.
     */
    WireReader detached(String name) throws OnnxFormatException {
        int length = length();
        ByteBuffer view = buffer.duplicate()
                .limit(position + length)
                .position(position)
                .slice()
                .asReadOnlyBuffer();
        WireReader inner = new WireReader(view, 0, length, message + "." + name, base + position);
        position += length;
        return inner;
    }

    /** @return a read-only view of the current length-delimited field's bytes (no copy) */
    ByteBuffer bytes() throws OnnxFormatException {
        int length = length();
        ByteBuffer slice = buffer.duplicate()
                .limit(position + length)
                .position(position)
                .slice()
                .asReadOnlyBuffer();
        position += length;
        return slice;
    }

    /** Skips the current field, whatever its wire type, without reading its contents. */
    void skip() throws OnnxFormatException {
        switch (wireType) {
            case VARINT -> rawVarint();
            case FIXED64 -> advance(8);
            case FIXED32 -> advance(4);
            default -> {
                int length = length(); // read first: "position += length()" would lose the length's own bytes
                position += length;
            }
        }
    }

    /** @return whether unread bytes are left in the message (for packed fields) */
    boolean hasRemaining() {
        return position < end;
    }

    /** Reads a bare varint (an element of a packed field). */
    long rawVarint() throws OnnxFormatException {
        int at = position;
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= end) {
                throw error(at, "truncated varint");
            }
            byte b = buffer.get(position++);
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw error(at, "varint longer than 10 bytes");
    }

    /** Reads a bare little-endian 32-bit value (an element of a packed float field). */
    int rawFixed32() throws OnnxFormatException {
        int at = position;
        advance(4);
        return (buffer.get(at) & 0xFF)
                | (buffer.get(at + 1) & 0xFF) << 8
                | (buffer.get(at + 2) & 0xFF) << 16
                | (buffer.get(at + 3) & 0xFF) << 24;
    }

    /** An error at {@code offset} inside this message. */
    OnnxFormatException error(int offset, String problem) {
        return new OnnxFormatException(
                "not a well-formed ONNX model: " + problem + " at byte " + (base + offset) + " (in " + message + ")");
    }

    private int length() throws OnnxFormatException {
        expect(LENGTH_DELIMITED);
        int at = position;
        long length = rawVarint();
        if (length < 0 || length > end - position) {
            throw error(
                    at,
                    "truncated: field " + field + " says it has " + length + " bytes but only " + (end - position)
                            + " are left");
        }
        return (int) length;
    }

    private void advance(int bytes) throws OnnxFormatException {
        if (end - position < bytes) {
            throw error(
                    position,
                    "truncated: field " + field + " needs " + bytes + " bytes but only " + (end - position)
                            + " are left");
        }
        position += bytes;
    }

    private void expect(int type) throws OnnxFormatException {
        if (wireType != type) {
            throw error(position, "field " + field + " has wire type " + wireType + ", expected " + type);
        }
    }
}
