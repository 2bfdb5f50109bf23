package org.tabserve.rows.parquet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Parquet files for the tests: an answer read back as rows, a file whose footer is rewritten, and the bank notes
 * repeated to many rows in many small row groups, with the same rows as CSV.
 */
public final class ParquetFiles {

    /** The bank notes (double features, int32 class), Snappy by Hadoop's own codec: fixtures/NotesParquet.java. */
    static final Path NOTES = Path.of("src/test/resources/parquet/banknotes.snappy.parquet");

    private ParquetFiles() {}

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
        Path tmp = Files.createTempFile("rows", ".parquet");
        Files.delete(tmp);
        try {
            try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(tmp))
                    .withConf(new PlainParquetConfiguration())
                    .withType(schema)
                    .withCodecFactory(new ParquetCodecs())
                    .withCompressionCodec(codec)
                    .build()) {
                for (Group group : rows.apply(new SimpleGroupFactory(schema))) {
                    writer.write(group);
                }
            }
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
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
        Path tmp = Files.createTempFile("notes", ".parquet");
        Files.delete(tmp);
        try {
            try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(tmp))
                    .withConf(new PlainParquetConfiguration())
                    .withType(schema)
                    .withCodecFactory(new ParquetCodecs())
                    .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
                    .withDictionaryEncoding(false)
                    .withRowGroupSize(rowGroupBytes)
                    .build()) {
                SimpleGroupFactory groups = new SimpleGroupFactory(schema);
                for (int r = 0; r < rows; r++) {
                    String[] cells = lines.get(1 + r % (lines.size() - 1)).split(",");
                    Group row = groups.newGroup();
                    for (int c = 0; c < 4; c++) {
                        row.add(c, Double.parseDouble(cells[c]));
                    }
                    row.add(4, Integer.parseInt(cells[4]));
                    writer.write(row);
                }
            }
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The rows {@link #notesInRowGroups} writes, as the CSV they come from: its header, then its rows repeated. */
    static byte[] notesCsv(int rows) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        StringBuilder csv = new StringBuilder(lines.get(0)).append('\n');
        for (int r = 0; r < rows; r++) {
            csv.append(lines.get(1 + r % (lines.size() - 1))).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @return the number of row groups a Parquet file's footer lists */
    static int rowGroups(byte[] file) throws IOException {
        int n = file.length;
        int footerLength =
                ByteBuffer.wrap(file, n - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return Util.readFileMetaData(new ByteArrayInputStream(file, n - 8 - footerLength, footerLength))
                .getRow_groups()
                .size();
    }

    /** @return the column names and rows of a Parquet file's bytes */
    public static List<Group> rows(byte[] file, List<String> names) throws IOException {
        Path tmp = Files.createTempFile("answer", ".parquet");
        try {
            Files.write(tmp, file);
            List<Group> rows = new ArrayList<>();
            try (ParquetFileReader reader = ParquetFileReader.open(
                    new LocalInputFile(tmp), ParquetOptions.of(new ParquetCodecs(), new ParquetMemory(held -> {})))) {
                MessageType schema = reader.getFooter().getFileMetaData().getSchema();
                schema.getFields().forEach(f -> names.add(f.getName()));
                PageReadStore group;
                while ((group = reader.readNextRowGroup()) != null) {
                    var records = new ColumnIOFactory()
                            .getColumnIO(schema)
                            .getRecordReader(group, new GroupRecordConverter(schema));
                    for (long r = 0; r < group.getRowCount(); r++) {
                        rows.add(records.read());
                    }
                }
            }
            return rows;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** @return the file with its footer (Parquet's Thrift FileMetaData) changed by {@code change} */
    static byte[] withFooter(byte[] file, Consumer<FileMetaData> change) throws IOException {
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
