package org.tabserve.model.onnx.graph;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes an ONNX model with new {@code metadata_props} (ModelProto field 14) and every other top-level field copied
 * byte for byte, so a model's card can change while its graph stays exactly the file that was given.
 *
 * <p>Why by hand, next to {@link GraphParser}: protobuf-java would add 2.1 MB to the WAR (see GraphParser), and a
 * re-serialisation could reorder or re-encode what it did not understand; copying each field's raw bytes cannot.
 * The new entries take the place of the first old one, or when there was none, the place protobuf's own writer gives
 * field 14: after the last lower-numbered field ({@code opset_import} is 8) and before any higher one, so a model
 * written by protobuf without metadata and given its card here has the bytes protobuf would have written.
 */
public final class MetadataWriter {

    private static final int MODEL_METADATA_PROPS = 14;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;

    private MetadataWriter() {}

    /**
     * Writes {@code model} to {@code out} with {@code metadata} as its only {@code metadata_props}, in the map's order.
     *
     * @throws OnnxFormatException when {@code model} is not a well-formed protobuf message (nothing useful is written)
     */
    public static void write(ByteBuffer model, Map<String, String> metadata, OutputStream out)
            throws IOException, OnnxFormatException {
        if (!model.hasRemaining()) {
            throw new OnnxFormatException("not an ONNX model: the file is empty");
        }
        byte[] entries = entries(metadata);
        WireReader reader = WireReader.of(model, "ModelProto");
        boolean written = false;
        int fieldStart = reader.position();
        while (reader.next()) {
            int field = reader.field();
            if (field == MODEL_METADATA_PROPS || (field > MODEL_METADATA_PROPS && !written)) {
                if (!written) {
                    out.write(entries);
                    written = true;
                }
            }
            reader.skip();
            int fieldEnd = reader.position();
            if (field != MODEL_METADATA_PROPS) {
                copy(model, fieldStart, fieldEnd, out);
            }
            fieldStart = fieldEnd;
        }
        if (!written) {
            out.write(entries);
        }
    }

    /** The entries as repeated field 14, each a StringStringEntryProto with its key and value always present. */
    private static byte[] entries(Map<String, String> metadata) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        metadata.forEach((key, value) -> {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            java.io.ByteArrayOutputStream entry = new java.io.ByteArrayOutputStream();
            lengthDelimited(entry, ENTRY_KEY, k);
            lengthDelimited(entry, ENTRY_VALUE, v);
            lengthDelimited(bytes, MODEL_METADATA_PROPS, entry.toByteArray());
        });
        return bytes.toByteArray();
    }

    private static void lengthDelimited(java.io.ByteArrayOutputStream out, int field, byte[] value) {
        varint(out, ((long) field << 3) | WireReader.LENGTH_DELIMITED);
        varint(out, value.length);
        out.write(value, 0, value.length);
    }

    private static void varint(java.io.ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static void copy(ByteBuffer model, int from, int to, OutputStream out) throws IOException {
        byte[] chunk = new byte[Math.min(1 << 16, Math.max(1, to - from))];
        ByteBuffer view = model.duplicate().limit(to).position(from);
        while (view.hasRemaining()) {
            int n = Math.min(chunk.length, view.remaining());
            view.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }
}
