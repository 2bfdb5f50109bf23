package org.tabserve.rows.parquet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;

/**
 * Reads a Parquet answer the server wrote back as rows, for a test, through the server's own read options (this
 * package's codecs and memory, which parquet-java without Hadoop needs): the Parquet files a test makes are {@code
 * testing.TableFiles}'.
 */
public final class ParquetAnswers {

    private ParquetAnswers() {}

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
}
