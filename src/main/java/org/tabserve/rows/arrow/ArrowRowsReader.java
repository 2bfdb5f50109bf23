package org.tabserve.rows.arrow;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueType;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.InputColumns;
import org.tabserve.rows.read.RowPass;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.rows.read.TypedColumnsReader;

/**
 * Arrow IPC stream's {@link RowsReader} ({@value #MEDIA_TYPE}): a table's record batches, read batch by batch
 * ({@link ArrowMessages} judges and reserves each before Arrow allocates it, in memory of its own bounded by
 * {@link ArrowMessages#MAX_BODY_BYTES}), its columns by name (features by name, others kept but not used), each
 * feature's cells read into the values the model takes with no text in between ({@link ArrowCells}). A file in
 * Arrow's IPC file format (Feather v2, uncompressed or LZ4-compressed) is read too.
 */
public final class ArrowRowsReader extends TypedColumnsReader {

    /** The media type of an Arrow IPC stream (IANA's registration). */
    public static final String MEDIA_TYPE = "application/vnd.apache.arrow.stream";
    /** Arrow's IPC file format, read as the stream it holds. */
    public static final String FILE_MEDIA_TYPE = "application/vnd.apache.arrow.file";

    /** Arrow memory one read may hold at once: a batch's body, the dictionaries, the columns' own small buffers. */
    static final long ALLOCATOR_LIMIT = 2 * ArrowMessages.MAX_BODY_BYTES;

    /** The largest record batch's body and the dictionaries' bodies of the pass being read. */
    private long largestBatch;

    private long dictionaries;
    /** The batch being read's compressed buffers as inflated so far, whether it is a dictionary, the largest. */
    private long inflated;

    private boolean dictionary;
    private long largestInflated;

    /** A row of finite numbers that a pass keeping no rows was told of ({@link RowPass#keepsNumbers}). */
    private static final double[] CHECKED = new double[0];

    public ArrowRowsReader(ModelSignature signature, long maxRows) {
        super(signature, maxRows, "the Arrow stream");
    }

    @Override
    protected List<String> read(InputStream input, ChunkHandler handler, boolean withRecords) throws IOException {
        numbersAsText.clear();
        dictionaries = 0;
        largestBatch = 0;
        inflated = 0;
        largestInflated = 0;
        try (BufferAllocator allocator = ArrowMemory.allocator(ALLOCATOR_LIMIT);
                ArrowStreamReader reader = new ArrowStreamReader(
                        new ArrowMessages(input, allocator, this::reserve, maxRows, what()),
                        allocator,
                        new ArrowCodecs(this::inflating, what()))) {
            VectorSchemaRoot root = arrow(reader::getVectorSchemaRoot);
            List<String> columns = new ArrayList<>();
            for (Field field : root.getSchema().getFields()) {
                columns.add(field.getName());
            }
            int[] at = InputColumns.featureColumns(
                    signature,
                    columns,
                    feature -> "the Arrow stream has no column '" + feature + "'; its columns are " + columns
                            + "; it needs " + signature.featureNames());
            for (int i = 0; i < at.length; i++) {
                String why = ArrowCells.unsupported(root.getSchema().getFields().get(at[i]));
                if (why != null) {
                    throw RowsException.malformed(why);
                }
            }
            RowPass pass = pass(columns, at, false, false, handler, withRecords);
            while (arrow(reader::loadNextBatch)) {
                readBatch(root, reader, at, pass, withRecords);
            }
            finish(pass);
            return columns;
        }
    }

    /**
     * Hands the rows of the batch just loaded to the pass, their cells read by their features' types, slice by slice
     * ({@link ArrowSlice}): for a model that takes numbers only, from float64 or float32 columns, a row of finite
     * numbers is handed on as it is, and any other row's cells are read one by one ({@link ArrowCells}), which says
     * what is wrong with them.
     */
    private void readBatch(VectorSchemaRoot root, ArrowStreamReader reader, int[] at, RowPass pass, boolean withRecords)
            throws IOException {
        List<FieldVector> vectors = root.getFieldVectors();
        List<Feature> features = signature.features();
        ArrowCells.Column[] cells = new ArrowCells.Column[at.length];
        ValueVector[] values = new ValueVector[vectors.size()];
        ArrowRecord.Kind[] kinds = new ArrowRecord.Kind[vectors.size()];
        boolean[] copied = new boolean[vectors.size()];
        boolean[] nulls = new boolean[vectors.size()];
        boolean plain = signature.numbersOnly();
        try {
            for (int i = 0; i < at.length; i++) {
                cells[i] = ArrowCells.column(features.get(i), vectors.get(at[i]), reader, numbersAsText);
            }
            for (int c = 0; c < values.length; c++) {
                values[c] = ArrowCells.decoded(vectors.get(c), reader);
                kinds[c] = ArrowRecord.kind(vectors.get(c), values[c]);
            }
            for (int i = 0; i < at.length; i++) {
                ArrowRecord.Kind kind = kinds[at[i]];
                plain &= (features.get(i).type() == ValueType.FLOAT
                                || features.get(i).type() == ValueType.DOUBLE)
                        && (kind == ArrowRecord.Kind.FLOAT64 || kind == ArrowRecord.Kind.FLOAT32);
            }
            int copies = 0;
            for (int c = 0; c < values.length; c++) {
                copied[c] = withRecords;
            }
            for (int i = 0; plain && i < at.length; i++) {
                copied[at[i]] = true;
            }
            for (int c = 0; c < values.length; c++) {
                nulls[c] = copied[c] && vectors.get(c).getNullCount() > 0;
                copies += copied[c] ? 1 : 0;
            }
            if (copies == 0) {
                copied = null;
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException | IllegalStateException e) {
            throw unreadable(e);
        }
        // The columns the model does not take, each counted as a number's text for the heap an echoed row holds.
        long otherChars = 24L * (values.length - at.length);
        int rows = root.getRowCount();
        int step = ArrowSlice.rows(copied == null ? 0 : values.length);
        for (int from = 0; from < rows; from += step) {
            int n = Math.min(step, rows - from);
            ArrowSlice slice;
            try {
                slice = copied == null ? null : ArrowSlice.copy(vectors, values, kinds, copied, nulls, from, n);
            } catch (IndexOutOfBoundsException | IllegalArgumentException | IllegalStateException e) {
                throw unreadable(e); // a buffer shorter than its rows
            }
            for (int s = 0; s < n; s++) {
                List<String> echoed = withRecords ? new ArrowRecord(kinds, slice, s) : null;
                // A pass that keeps no rows (the checking pass) needs to know only that the numbers are there.
                double[] numbers = !plain
                        ? null
                        : pass.keepsNumbers() ? slice.numbers(at, s) : slice.finite(at, s) ? CHECKED : null;
                if (numbers != null) {
                    pass.numberRow(numbers, otherChars + 24L * at.length, echoed);
                    continue;
                }
                Object[] row = new Object[cells.length];
                long chars = otherChars;
                try {
                    for (int i = 0; i < cells.length; i++) {
                        Object cell = cells[i].read(from + s);
                        row[i] = cell;
                        chars += cell instanceof String text ? text.length() : 24;
                    }
                } catch (IndexOutOfBoundsException | IllegalArgumentException | IllegalStateException e) {
                    throw unreadable(e); // a buffer shorter than its rows, an index past its dictionary
                }
                pass.valueRow(row, chars, echoed);
            }
        }
    }

    /**
     * Reserves what a batch's body holds before it is read: the largest record batch's (one is held at a time, with
     * a slice of it copied out) and every dictionary's (they stay for the read), reserved once for every pass over
     * the same input.
     */
    private void reserve(long body, boolean dictionary) {
        this.dictionary = dictionary;
        inflated = 0;
        if (dictionary) {
            dictionaries += body;
        } else {
            largestBatch = Math.max(largestBatch, body);
        }
        // A slice copied out of the batch (ArrowSlice): its values at most twice a float32 column's bytes, one
        // column's bytes in between, and never more than the slice's bound.
        held();
    }

    /**
     * Reserves a compressed buffer's declared length before it is inflated ({@link ArrowCodecs}): a record batch's
     * buffers while it is held (the largest batch's at most), a dictionary's for the read.
     */
    private void inflating(long declared) {
        if (dictionary) {
            dictionaries += declared;
        } else {
            inflated += declared;
            largestInflated = Math.max(largestInflated, inflated);
        }
        held();
    }

    private void held() {
        long batch = largestBatch + largestInflated;
        reserveUpTo(batch + dictionaries + Math.min(2L * ArrowSlice.MAX_BYTES, 3 * batch));
    }

    /** A step of Arrow's reader, whose failures on a bad stream are the stream's problem, told in words. */
    private interface ArrowStep<T> {
        T get() throws IOException;
    }

    private <T> T arrow(ArrowStep<T> step) throws IOException {
        try {
            return step.get();
        } catch (org.apache.arrow.memory.OutOfMemoryException e) {
            throw RowsException.tooLarge(what() + " needs more memory than a request may hold for it ("
                    + ALLOCATOR_LIMIT + " bytes); write it in smaller record batches");
        } catch (IndexOutOfBoundsException
                | IllegalArgumentException
                | IllegalStateException
                | UnsupportedOperationException e) {
            throw unreadable(e);
        } catch (IOException e) {
            if (e.getClass() != IOException.class) {
                throw e; // the body's own read failing (the client went away), not what it holds
            }
            throw unreadable(e); // Arrow's reader: "Unexpected end of input", a schema it cannot read
        }
    }

    private RowsException unreadable(Exception e) {
        return RowsException.malformed(what() + " is not a readable Arrow IPC stream: " + e.getMessage());
    }
}
