package org.tabserve.testing;

import com.google.flatbuffers.FlatBufferBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
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
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.tabserve.rows.parquet.ParquetCodecs;
import org.tabserve.rows.write.ArrowRowsWriter;

/**
 * Table files for the tests, made as a client would make them: Arrow IPC streams written by Arrow Java's own
 * serializer (through the heap channel the server's writer uses, so that this JVM needs no {@code --add-opens}) and
 * hostile ones whose message headers declare what their bodies do not hold, made with Arrow's flatbuffers as a writer
 * would; Parquet files, an answer read back as rows, a file whose footer is rewritten, and the bank notes repeated to
 * many rows in many small row groups, with the same rows as CSV.
 */
public final class TableFiles {

    private TableFiles() {}

    // Arrow IPC streams

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

    // Parquet files

    /** The bank notes (double features, int32 class), Snappy by Hadoop's own codec: fixtures/NotesParquet.java. */
    public static final Path NOTES_PARQUET = Path.of("src/test/resources/parquet/banknotes.snappy.parquet");

    /**
     * A test's own Parquet file of {@code schema}, uncompressed, written by parquet-java: its rows made by {@code rows}
     * from the schema's group factory (a value left out of a group is a null).
     */
    public static byte[] written(MessageType schema, java.util.function.Function<SimpleGroupFactory, List<Group>> rows)
            throws IOException {
        return written(schema, CompressionCodecName.UNCOMPRESSED, rows);
    }

    /** {@link #written(MessageType, java.util.function.Function)}, compressed by {@code codec}. */
    public static byte[] written(
            MessageType schema,
            CompressionCodecName codec,
            java.util.function.Function<SimpleGroupFactory, List<Group>> rows)
            throws IOException {
        return parquet(schema, builder -> builder.withCompressionCodec(codec), (writer, groups) -> {
            for (Group group : rows.apply(groups)) {
                writer.write(group);
            }
        });
    }

    /**
     * The bank notes' rows (the CSV's, repeated in order) as a Parquet file of four double columns and the int32
     * class, uncompressed, written by parquet-java in row groups of about {@code rowGroupBytes} (a row group holds at
     * least the 100 rows parquet-java writes before it first looks at the size).
     */
    public static byte[] notesInRowGroups(int rows, long rowGroupBytes) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        MessageType schema = MessageTypeParser.parseMessageType("message notes { required double variance;"
                + " required double skewness; required double curtosis; required double entropy;"
                + " required int32 class; }");
        return parquet(
                schema,
                builder -> builder.withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
                        .withDictionaryEncoding(false)
                        .withRowGroupSize(rowGroupBytes),
                (writer, groups) -> {
                    for (int r = 0; r < rows; r++) {
                        String[] cells = lines.get(1 + r % (lines.size() - 1)).split(",");
                        Group row = groups.newGroup();
                        for (int c = 0; c < 4; c++) {
                            row.add(c, Double.parseDouble(cells[c]));
                        }
                        row.add(4, Integer.parseInt(cells[4]));
                        writer.write(row);
                    }
                });
    }

    /** What writes a file's rows, each a group of {@code groups}. */
    private interface ParquetRows {
        void writeTo(ParquetWriter<Group> writer, SimpleGroupFactory groups) throws IOException;
    }

    /**
     * A Parquet file of {@code schema} as parquet-java writes it (no Hadoop configuration, the codecs tabserve reads),
     * with the writer's other {@code settings}.
     */
    private static byte[] parquet(
            MessageType schema,
            java.util.function.UnaryOperator<ExampleParquetWriter.Builder> settings,
            ParquetRows rows)
            throws IOException {
        Path tmp = Files.createTempFile("rows", ".parquet");
        Files.delete(tmp);
        try {
            try (ParquetWriter<Group> writer = settings.apply(ExampleParquetWriter.builder(new LocalOutputFile(tmp))
                            .withConf(new PlainParquetConfiguration())
                            .withType(schema)
                            .withCodecFactory(new ParquetCodecs()))
                    .build()) {
                rows.writeTo(writer, new SimpleGroupFactory(schema));
            }
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The rows {@link #notesInRowGroups} writes, as the CSV they come from: its header, then its rows repeated. */
    public static byte[] notesCsv(int rows) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        StringBuilder csv = new StringBuilder(lines.get(0)).append('\n');
        for (int r = 0; r < rows; r++) {
            csv.append(lines.get(1 + r % (lines.size() - 1))).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @return the number of row groups a Parquet file's footer lists */
    public static int rowGroups(byte[] file) throws IOException {
        int n = file.length;
        int footerLength =
                ByteBuffer.wrap(file, n - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return Util.readFileMetaData(new ByteArrayInputStream(file, n - 8 - footerLength, footerLength))
                .getRow_groups()
                .size();
    }

    /** @return the file with its footer (Parquet's Thrift FileMetaData) changed by {@code change} */
    public static byte[] withFooter(byte[] file, Consumer<FileMetaData> change) throws IOException {
        int n = file.length;
        int footerLength =
                ByteBuffer.wrap(file, n - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int footerAt = n - 8 - footerLength;
        FileMetaData footer = Util.readFileMetaData(new ByteArrayInputStream(file, footerAt, footerLength));
        change.accept(footer);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(file, 0, footerAt);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        Util.writeFileMetaData(footer, written);
        written.writeTo(out);
        out.write(ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(written.size())
                .array());
        out.write("PAR1".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
