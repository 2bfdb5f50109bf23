package org.tabserve.rows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.tabserve.model.Feature;
import org.tabserve.model.ModelSignature;

/**
 * Parquet's {@link RowsReader} ({@value #MEDIA_TYPE}): a flat table's row groups, read one at a time through
 * parquet-java without Hadoop ({@link ParquetMemory}, {@link ParquetCodecs}: Snappy, gzip or uncompressed), its
 * columns by name, each feature's cells read into the values the model takes with no text in between
 * ({@link ParquetCells}). Parquet is read from its end, so the input is first copied to a temporary file; what a
 * footer claims is checked against the file before parquet-java allocates for it.
 */
public final class ParquetRowsReader extends TypedColumnsReader {

    /** The media type of a Parquet file (IANA's registration). */
    public static final String MEDIA_TYPE = "application/vnd.apache.parquet";

    /** The media type MLflow's scoring server takes a Parquet body as (its {@code /invocations}, since 2026). */
    public static final String MLFLOW_MEDIA_TYPE = "application/x-parquet";

    public ParquetRowsReader(ModelSignature signature, long maxRows) {
        super(signature, maxRows);
    }

    @Override
    String what() {
        return "the Parquet file";
    }

    @Override
    List<String> read(InputStream input, ChunkHandler handler, boolean withRecords) throws IOException {
        numbersAsText.clear();
        Path file = Files.createTempFile("tabserve-", ".parquet");
        try {
            Files.copy(input, file, StandardCopyOption.REPLACE_EXISTING);
            return read(file, handler, withRecords);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private List<String> read(Path file, ChunkHandler handler, boolean withRecords) throws IOException {
        long length = Files.size(file);
        long[] held = {0, 0}; // column chunk bytes, inflated page bytes
        ParquetCodecs codecs = new ParquetCodecs(pages -> {
            held[1] = pages;
            reserveUpTo(held[0] + held[1]);
        });
        ParquetMemory memory = new ParquetMemory(chunks -> {
            held[0] = chunks;
            reserveUpTo(held[0] + held[1]);
        });
        notParquet(file);
        ParquetFileReader reader;
        try {
            reader = ParquetFileReader.open(new LocalInputFile(file), ParquetOptions.of(codecs, memory));
        } catch (RowsException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw unreadable(e);
        }
        try (reader) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            List<String> columns = new ArrayList<>();
            for (Type field : schema.getFields()) {
                String why = ParquetCells.notFlat(field);
                if (why != null) {
                    throw RowsException.malformed(why);
                }
                columns.add(field.getName());
            }
            checkChunks(reader.getFooter().getBlocks(), length);
            int[] at = CsvHeader.featureColumns(
                    signature,
                    columns,
                    feature -> "the Parquet file has no column '" + feature + "'; its columns are " + columns
                            + "; it needs " + signature.featureNames());
            PrimitiveType[] fields = new PrimitiveType[columns.size()];
            ArrowRecord.Kind[] kinds = new ArrowRecord.Kind[fields.length];
            for (int c = 0; c < fields.length; c++) {
                fields[c] = schema.getType(c).asPrimitiveType();
                kinds[c] = ParquetCells.kind(fields[c]);
            }
            for (int i = 0; i < at.length; i++) {
                String why = ParquetCells.unsupported(fields[at[i]]);
                if (why != null) {
                    throw RowsException.malformed(why);
                }
            }
            RowPass pass = pass(columns, at, false, false, handler, withRecords);
            ColumnIOFactory io = new ColumnIOFactory();
            while (true) {
                codecs.nextRowGroup();
                PageReadStore group = reader.readNextRowGroup();
                if (group == null) {
                    break;
                }
                RecordReader<Group> records =
                        io.getColumnIO(schema).getRecordReader(group, new GroupRecordConverter(schema));
                for (long r = 0; r < group.getRowCount(); r++) {
                    readRow(records.read(), fields, kinds, at, pass, withRecords);
                }
            }
            finish(pass);
            return columns;
        } catch (RowsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unreadable(e); // parquet-java's ParquetDecodingException, a page it cannot decode
        } catch (IOException e) {
            throw unreadable(e); // the temporary file is whole: its bytes are what the file holds
        }
    }

    /** Hands one row to the pass, its feature cells read by their types. */
    private void readRow(
            Group row, PrimitiveType[] fields, ArrowRecord.Kind[] kinds, int[] at, RowPass pass, boolean withRecords)
            throws IOException {
        List<Feature> features = signature.features();
        Object[] cells = new Object[at.length];
        long chars = 24L * (fields.length - at.length);
        for (int i = 0; i < at.length; i++) {
            Object cell = ParquetCells.read(features.get(i), fields[at[i]], row, at[i], numbersAsText);
            cells[i] = cell;
            chars += cell instanceof String text ? text.length() : 24;
        }
        List<String> echoed = null;
        if (withRecords) {
            Object[] kept = new Object[fields.length];
            for (int c = 0; c < kept.length; c++) {
                kept[c] = ParquetCells.echo(kinds[c], fields[c], row, c);
            }
            echoed = new ArrowRecord(kinds, kept);
        }
        pass.valueRow(cells, chars, echoed);
    }

    /**
     * Refuses a footer whose column chunks lie outside the file or use a codec not read, before parquet-java reads
     * (and allocates for) any of them.
     */
    private static void checkChunks(List<BlockMetaData> groups, long length) {
        for (BlockMetaData group : groups) {
            for (ColumnChunkMetaData chunk : group.getColumns()) {
                String column = chunk.getPath().toDotString();
                if (!ParquetCodecs.TAKEN.contains(chunk.getCodec())) {
                    throw RowsException.malformed("the Parquet file's column '" + column + "' is compressed with "
                            + chunk.getCodec() + "; tabserve reads Snappy, gzip or uncompressed Parquet (pandas:"
                            + " to_parquet(path, compression=\"snappy\"))");
                }
                long start = chunk.getStartingPos();
                long size = chunk.getTotalSize();
                if (start < 4 || size < 0 || start + size > length) {
                    throw RowsException.malformed("the Parquet file's footer puts the column '" + column + "' at bytes "
                            + start + " to " + (start + size) + ", outside the file's " + length + " bytes; the file"
                            + " is cut short or not Parquet");
                }
            }
        }
    }

    /** Refuses a file that does not begin as every Parquet file does, naming what it looks like instead. */
    private void notParquet(Path file) throws IOException {
        byte[] start = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(start, 0, start.length);
        }
        start = Arrays.copyOf(start, n);
        if (ForeignFormats.begins(start, "PAR1")) {
            return;
        }
        String named = ForeignFormats.named(start);
        if (named != null) {
            throw RowsException.malformed(what() + " is not a Parquet file: it begins like " + named);
        }
    }

    private RowsException unreadable(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return RowsException.malformed(what() + " is not a readable Parquet file: "
                + message.replaceAll("org\\.apache\\.parquet\\.io\\.LocalInputFile@[0-9a-f]+", "it"));
    }
}
