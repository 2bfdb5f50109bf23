package org.tabserve.rows;

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
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;

/** Parquet files for the tests: an answer read back as rows, and a file whose footer is rewritten. */
final class ParquetFiles {

    /** The bank notes (double features, int32 class), Snappy by Hadoop's own codec: fixtures/NotesParquet.java. */
    static final Path NOTES = Path.of("src/test/resources/parquet/banknotes.snappy.parquet");

    private ParquetFiles() {}

    /** @return the column names and rows of a Parquet file's bytes */
    static List<Group> rows(byte[] file, List<String> names) throws IOException {
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
