package org.tabserve.web.v2.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import org.tabserve.web.http.HttpProblem;

/**
 * What a gRPC request message will hold on the heap once it is parsed and read as rows, estimated from its bytes
 * before it is parsed, so that the call reserves that much of the memory budget first. Protobuf's encoding is compact:
 * two bytes are an empty tensor or parameter, three a one-character string, one a small whole number, each an object
 * or a boxed value once parsed and read, so the message's size alone says little. The scan walks the message as its
 * type describes it, counting every field it carries and every value of a packed field, and allocates nothing per
 * field; bytes that are not a message of the type, and a known field carried with another wire type (which protobuf
 * would keep aside as an unknown field and the call would never read), are refused naming the field.
 */
final class V2GrpcFootprint {

    /**
     * Heap one field or value takes once parsed and read, over-estimated: a parsed object or boxed value, the JSON
     * value it becomes ({@link V2GrpcMessages}), its cell in a row and its share of the batch.
     */
    static final int BYTES_PER_ELEMENT = 96;
    /** Heap per byte of the message besides its fields: the bytes themselves, the parsed copy, the texts read out. */
    static final int BYTES_PER_MESSAGE_BYTE = 3;
    /** Groups nested deeper than protobuf's own parser takes are refused. */
    private static final int MAX_DEPTH = 100;

    private V2GrpcFootprint() {}

    /**
     * @param message the message's bytes
     * @param type    the message type it claims to be
     * @return the heap the message takes once parsed and read, over-estimated
     * @throws HttpProblem 400 naming the field when the bytes are not a message of {@code type}
     */
    static long heapBytes(byte[] message, Descriptor type) {
        CodedInputStream in = CodedInputStream.newInstance(message);
        long elements;
        try {
            elements = count(in, type, "", 0, 0);
        } catch (IOException e) {
            throw notAMessage(type, e.getMessage());
        }
        return BYTES_PER_MESSAGE_BYTE * (long) message.length + elements * BYTES_PER_ELEMENT;
    }

    /**
     * Counts the fields of one message (or group) up to its end.
     *
     * @param type  the message's type, or null for an unknown field's group
     * @param group the field number of the group being read, or 0 for a message
     */
    private static long count(CodedInputStream in, Descriptor type, String path, int group, int depth)
            throws IOException {
        long elements = 0;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                if (group != 0) {
                    throw refused(path.substring(0, path.length() - 1), "is a group that never ends");
                }
                return elements;
            }
            int number = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            FieldDescriptor field = type == null ? null : type.findFieldByNumber(number);
            String where = path + (field == null ? "field " + number : field.getName());
            if (wire == WireFormat.WIRETYPE_END_GROUP) {
                if (number != group) {
                    throw refused(where, "ends a group that was not started there");
                }
                return elements;
            }
            elements++;
            if (field != null && !carries(field, wire)) {
                throw refused(where, "is " + kind(field) + " but the message carries " + wireName(wire) + " there");
            }
            try {
                elements += value(in, field, wire, number, where, depth);
            } catch (InvalidProtocolBufferException e) {
                throw refused(where, "runs past the end of what holds it (" + e.getMessage() + ")");
            }
        }
    }

    /** Reads past one field's value; how many more elements than the field itself it holds. */
    private static long value(CodedInputStream in, FieldDescriptor field, int wire, int number, String where, int depth)
            throws IOException {
        long elements = 0;
        switch (wire) {
            case WireFormat.WIRETYPE_VARINT -> in.readRawVarint64();
            case WireFormat.WIRETYPE_FIXED64 -> in.readRawLittleEndian64();
            case WireFormat.WIRETYPE_FIXED32 -> in.readRawLittleEndian32();
            case WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
                int length = in.readRawVarint32();
                if (length < 0) {
                    throw refused(where, "claims a negative length");
                }
                if (field != null && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                    int limit = in.pushLimit(length);
                    elements += count(in, field.getMessageType(), where + ".", 0, depth + 1);
                    in.popLimit(limit);
                } else if (field != null && field.isPackable()) {
                    elements += packed(in, field, length, where) - 1;
                } else {
                    in.skipRawBytes(length);
                }
            }
            case WireFormat.WIRETYPE_START_GROUP -> {
                if (depth >= MAX_DEPTH) {
                    throw refused(where, "nests groups more than " + MAX_DEPTH + " deep");
                }
                elements += count(in, null, where + ".", number, depth + 1);
            }
            default -> throw refused(where, "has wire type " + wire + ", which protobuf does not have");
        }
        return elements;
    }

    /** How many values a packed field's {@code length} bytes hold. */
    private static long packed(CodedInputStream in, FieldDescriptor field, int length, String where)
            throws IOException {
        int wire = field.getLiteType().getWireType();
        if (wire == WireFormat.WIRETYPE_VARINT) {
            long values = 0;
            boolean ended = true;
            for (int i = 0; i < length; i++) {
                ended = in.readRawByte() >= 0;
                values += ended ? 1 : 0;
            }
            if (!ended) {
                throw refused(where, "ends inside a packed value");
            }
            return values;
        }
        int size = wire == WireFormat.WIRETYPE_FIXED32 ? 4 : 8;
        if (length % size != 0) {
            throw refused(
                    where,
                    "holds " + length + " bytes of packed values, no whole number of " + size + "-byte " + kind(field)
                            + " values");
        }
        in.skipRawBytes(length);
        return length / size;
    }

    /** Whether a field may arrive with this wire type: its own, or packed for a repeated number or boolean. */
    private static boolean carries(FieldDescriptor field, int wire) {
        return wire == field.getLiteType().getWireType()
                || (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED && field.isPackable());
    }

    private static String kind(FieldDescriptor field) {
        String type = field.getType().name().toLowerCase(java.util.Locale.ROOT);
        return field.isRepeated()
                ? "a repeated " + type
                : field.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? "a message" : "a " + type;
    }

    private static String wireName(int wire) {
        return switch (wire) {
            case WireFormat.WIRETYPE_VARINT -> "a varint";
            case WireFormat.WIRETYPE_FIXED64 -> "8 fixed bytes";
            case WireFormat.WIRETYPE_FIXED32 -> "4 fixed bytes";
            case WireFormat.WIRETYPE_LENGTH_DELIMITED -> "length-delimited bytes";
            case WireFormat.WIRETYPE_START_GROUP -> "a group";
            default -> "wire type " + wire;
        };
    }

    private static HttpProblem refused(String where, String why) {
        return HttpProblem.badRequest("the message's " + where + " " + why);
    }

    private static HttpProblem notAMessage(Descriptor type, String why) {
        return HttpProblem.badRequest(
                "the message is not a protobuf " + (type == null ? "message" : type.getFullName()) + ": " + why);
    }
}
