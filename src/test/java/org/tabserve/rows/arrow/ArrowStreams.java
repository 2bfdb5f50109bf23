package org.tabserve.rows.arrow;

import com.google.flatbuffers.FlatBufferBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.arrow.flatbuf.BodyCompression;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.CompressionType;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;
import org.tabserve.rows.write.ArrowRowsWriter;

/**
 * Arrow IPC streams for the readers' tests, written by Arrow Java's own serializer (through the heap channel the
 * server's writer uses, so that this JVM needs no {@code --add-opens}), and hostile ones whose message headers
 * declare what their bodies do not hold, made with Arrow's flatbuffers as a writer would.
 */
public final class ArrowStreams {

    private ArrowStreams() {}

    /** A stream of the root's rows (one batch), with its dictionaries sent first. */
    public static byte[] write(VectorSchemaRoot root, List<Dictionary> dictionaries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ArrowRowsWriter.HeapWriteChannel channel = new ArrowRowsWriter.HeapWriteChannel(bytes);
        // As Arrow's stream writer sends it: a dictionary-encoded column's type is its values' type.
        var provider = new org.apache.arrow.vector.dictionary.DictionaryProvider.MapDictionaryProvider(
                dictionaries.toArray(Dictionary[]::new));
        List<org.apache.arrow.vector.types.pojo.Field> fields = root.getSchema().getFields().stream()
                .map(field -> org.apache.arrow.vector.util.DictionaryUtility.toMessageFormat(
                        field, provider, new java.util.HashSet<>()))
                .toList();
        MessageSerializer.serialize(channel, new Schema(fields));
        for (Dictionary dictionary : dictionaries) {
            FieldVector vector = dictionary.getVector();
            try (VectorSchemaRoot values = new VectorSchemaRoot(List.of(vector.getField()), List.of(vector));
                    ArrowRecordBatch batch = new VectorUnloader(values).getRecordBatch();
                    ArrowDictionaryBatch message =
                            new ArrowDictionaryBatch(dictionary.getEncoding().getId(), batch)) {
                MessageSerializer.serialize(channel, message);
            }
        }
        try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
            MessageSerializer.serialize(channel, batch);
        }
        ArrowStreamWriter.writeEndOfStream(channel, IpcOption.DEFAULT);
        return bytes.toByteArray();
    }

    /**
     * An Arrow IPC file of the root's rows (one batch, no dictionaries), as Arrow's file writer lays it out: the magic
     * {@code ARROW1} and its padding, the stream, the footer (the schema and where the batch sits), the footer's
     * length and the magic again. Written through the heap channel, as {@link #write} is.
     */
    public static byte[] file(VectorSchemaRoot root) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ArrowRowsWriter.HeapWriteChannel channel = new ArrowRowsWriter.HeapWriteChannel(bytes);
        byte[] magic = "ARROW1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        channel.write(magic);
        channel.align();
        MessageSerializer.serialize(channel, root.getSchema());
        org.apache.arrow.vector.ipc.message.ArrowBlock block;
        try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
            block = MessageSerializer.serialize(channel, batch);
        }
        ArrowStreamWriter.writeEndOfStream(channel, IpcOption.DEFAULT);
        long footerStart = channel.getCurrentPosition();
        channel.write(
                new org.apache.arrow.vector.ipc.message.ArrowFooter(root.getSchema(), List.of(), List.of(block)),
                false);
        channel.writeIntLittleEndian((int) (channel.getCurrentPosition() - footerStart));
        channel.write(magic);
        return bytes.toByteArray();
    }

    /** The schema message of a stream, alone: what a hostile batch follows. */
    public static byte[] schema(Schema schema) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MessageSerializer.serialize(new ArrowRowsWriter.HeapWriteChannel(bytes), schema);
        return bytes.toByteArray();
    }

    /**
     * A record batch message's header (no body follows) that declares {@code rows} rows of one column, a body of
     * {@code bodyLength} bytes and one data buffer of {@code bufferLength} bytes, compressed or not.
     */
    public static byte[] batchHeader(long rows, long bodyLength, long bufferLength, boolean compressed) {
        return batchHeader(rows, bodyLength, bufferLength, compressed ? CompressionType.LZ4_FRAME : -1);
    }

    /** {@link #batchHeader(long, long, long, boolean)} compressed with {@code codec} (Arrow's CompressionType). */
    public static byte[] batchHeader(long rows, long bodyLength, long bufferLength, byte codec) {
        boolean compressed = codec >= 0;
        FlatBufferBuilder builder = new FlatBufferBuilder();
        int compression = compressed ? BodyCompression.createBodyCompression(builder, codec, (byte) 0) : 0;
        RecordBatch.startNodesVector(builder, 1);
        FieldNode.createFieldNode(builder, rows, 0);
        int nodes = builder.endVector();
        RecordBatch.startBuffersVector(builder, 2);
        Buffer.createBuffer(builder, 0, bufferLength); // the values (written in reverse order)
        Buffer.createBuffer(builder, 0, 0); // no validity bitmap
        int buffers = builder.endVector();
        RecordBatch.startRecordBatch(builder);
        RecordBatch.addLength(builder, rows);
        RecordBatch.addNodes(builder, nodes);
        RecordBatch.addBuffers(builder, buffers);
        if (compressed) {
            RecordBatch.addCompression(builder, compression);
        }
        int batch = RecordBatch.endRecordBatch(builder);
        ByteBuffer metadata = MessageSerializer.serializeMessage(builder, MessageHeader.RecordBatch, batch, bodyLength);
        return framed(metadata);
    }

    /** A message as a stream frames it: the continuation marker, the header's length, the header. */
    public static byte[] framed(ByteBuffer metadata) {
        ByteBuffer out = ByteBuffer.allocate(8 + metadata.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(-1).putInt(metadata.remaining()).put(metadata.duplicate());
        return out.array();
    }

    /** @return the parts one after the other */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
