package org.tabserve.rows.parquet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.arrow.ArrowRecord;
import org.tabserve.rows.arrow.ForeignFormats;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.InputColumns;
import org.tabserve.rows.read.RowPass;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.rows.read.TypedColumnsReader;

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

    /** What every Parquet file begins and ends with. */
    private static final String MAGIC = "PAR1";

    /**
     * The longest footer read: a file's footer describes each of its row groups' columns (about 110 bytes a column
     * chunk, with statistics), so only a file of tens of thousands of row groups comes near it.
     */
    static final long MAX_FOOTER_BYTES = 1L << 24;

    /**
     * The heap parquet-java's reading of a footer takes per byte of it, reserved before it is read: 6.2 measured
     * (a footer of 1,094,466 bytes, 2,000 row groups of five columns, held 6.7 MB), rounded up.
     */
    static final long FOOTER_HEAP_PER_BYTE = 8;

    public ParquetRowsReader(ModelSignature signature, long maxRows) {
        super(signature, maxRows, "the Parquet file");
    }

    @Override
    protected List<String> read(InputStream input, ChunkHandler handler, boolean withRecords) throws IOException {
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
        long[] held = {checkEnds(file, length), 0, 0}; // the footer's heap, column chunk bytes, inflated page bytes
        reserveUpTo(held[0]);
        ParquetCodecs codecs = new ParquetCodecs(pages -> {
            held[2] = pages;
            reserveUpTo(held[0] + held[1] + held[2]);
        });
        ParquetMemory memory = new ParquetMemory(chunks -> {
            held[1] = chunks;
            reserveUpTo(held[0] + held[1] + held[2]);
        });
        try (ParquetFileReader reader =
                parquet(() -> ParquetFileReader.open(new LocalInputFile(file), ParquetOptions.of(codecs, memory)))) {
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
            int[] at = InputColumns.featureColumns(
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
            MessageColumnIO io = parquet(() -> new ColumnIOFactory().getColumnIO(schema));
            while (true) {
                codecs.nextRowGroup();
                // Each row group's chunks and pages are let go once its rows are read: a file of many row groups is
                // held one row group at a time, never whole (issue 61: 2,000 row groups held 7.5 MB at once).
                try (PageReadStore group = parquet(reader::readNextRowGroup)) {
                    if (group == null) {
                        break;
                    }
                    RecordReader<Group> records =
                            parquet(() -> io.getRecordReader(group, new GroupRecordConverter(schema)));
                    for (long r = 0; r < group.getRowCount(); r++) {
                        Object[][] row = parquet(() -> cells(records.read(), fields, kinds, at, withRecords));
                        pass.valueRow(row[0], chars(row[0], fields.length), echoed(row[1], kinds));
                    }
                }
            }
            finish(pass);
            return columns;
        }
    }

    /** What parquet-java does, one call: what it throws is the file's fault, in words ({@link #unreadable}). */
    private interface ParquetCall<T> {
        T call() throws IOException;
    }

    private <T> T parquet(ParquetCall<T> call) {
        try {
            return call.call();
        } catch (IOException | RuntimeException e) {
            // parquet-java's ParquetDecodingException, a page it cannot decode; the temporary file is whole, so an
            // IOException is about what its bytes hold
            throw unreadable(e);
        }
    }

    /**
     * A row's feature cells read by their types, and its cells as an echoed record keeps them (null when not kept).
     */
    private Object[][] cells(
            Group row, PrimitiveType[] fields, ArrowRecord.Kind[] kinds, int[] at, boolean withRecords) {
        List<Feature> features = signature.features();
        Object[] cells = new Object[at.length];
        for (int i = 0; i < at.length; i++) {
            cells[i] = ParquetCells.read(features.get(i), fields[at[i]], row, at[i], numbersAsText);
        }
        Object[] kept = null;
        if (withRecords) {
            kept = new Object[fields.length];
            for (int c = 0; c < kept.length; c++) {
                kept[c] = ParquetCells.echo(kinds[c], fields[c], row, c);
            }
        }
        return new Object[][] {cells, kept};
    }

    /** The characters a row's cells count as: a text cell its length, any other 24, as for the columns not read. */
    private static long chars(Object[] cells, int columns) {
        long chars = 24L * (columns - cells.length);
        for (Object cell : cells) {
            chars += cell instanceof String text ? text.length() : 24;
        }
        return chars;
    }

    private static List<String> echoed(Object[] kept, ArrowRecord.Kind[] kinds) {
        return kept == null ? null : new ArrowRecord(kinds, kept);
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

    /**
     * Refuses a file that does not begin as every Parquet file does ("PAR1": naming what it looks like instead, or
     * the bytes it begins with), and a footer past {@link #MAX_FOOTER_BYTES}; a file whose end is not Parquet's, or
     * whose footer length lies outside it, is left to parquet-java, which refuses it in its words.
     *
     * @return the heap the footer takes once read ({@link #FOOTER_HEAP_PER_BYTE} a byte), 0 when it is refused later
     */
    private long checkEnds(Path file, long length) throws IOException {
        byte[] start = new byte[8];
        ByteBuffer end = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        int n;
        try (SeekableByteChannel in = Files.newByteChannel(file)) {
            n = Math.max(0, in.read(ByteBuffer.wrap(start)));
            if (length >= 12) {
                in.position(length - 8).read(end);
            }
        }
        start = Arrays.copyOf(start, n);
        if (!ForeignFormats.begins(start, MAGIC)) {
            String named = ForeignFormats.named(start);
            if (named != null) {
                throw RowsException.malformed(what() + " is not a Parquet file: it begins like " + named);
            }
            StringBuilder bytes = new StringBuilder();
            for (int i = 0; i < Math.min(n, 4); i++) {
                bytes.append(String.format(Locale.ROOT, " %02x", start[i] & 0xff));
            }
            throw RowsException.malformed(what() + " is not a readable Parquet file: it does not begin with \""
                    + MAGIC + "\" as every Parquet file begins and ends ("
                    + (n == 0 ? "it is empty" : "its first bytes are" + bytes) + ")");
        }
        if (length < 12 || !ForeignFormats.begins(Arrays.copyOfRange(end.array(), 4, 8), MAGIC)) {
            return 0;
        }
        long footer = Integer.toUnsignedLong(end.getInt(0));
        if (footer > length - 12) {
            return 0;
        }
        if (footer > MAX_FOOTER_BYTES) {
            throw RowsException.tooLarge(what() + "'s footer (the description of its row groups) is " + footer
                    + " bytes; tabserve reads footers of at most " + MAX_FOOTER_BYTES + " bytes: write the file in"
                    + " fewer, larger row groups (pyarrow: write_table(..., row_group_size=100_000))");
        }
        return footer * FOOTER_HEAP_PER_BYTE;
    }

    /**
     * Parquet's refusal in words: what this package refused (a {@link RowsException}, also when parquet-java wrapped
     * it) and what the request's budget refused ({@link #refusedByBudget}: a 413 or 503, the file is not at fault)
     * as they are, anything else as a file that is not readable.
     */
    private RuntimeException unreadable(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RowsException refused) {
                return refused;
            }
            if (cause == refusedByBudget()) {
                return refusedByBudget();
            }
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return RowsException.malformed(what() + " is not a readable Parquet file: "
                + message.replaceAll("org\\.apache\\.parquet\\.io\\.LocalInputFile@[0-9a-f]+", "it"));
    }
}
