package org.tabserve.rows.read;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.commons.io.input.BOMInputStream;
import org.tabserve.model.StrictUtf8;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowPlace;
import org.tabserve.rows.field.RowWarnings;
import org.tabserve.rows.field.RowsException;

/**
 * Rows in, whatever their format: a reader reads an input as a stream, checks every row against the model's
 * signature by the same rules (a {@link RowPass}: cells read by their feature's type, problems named by row and field,
 * {@link OnError} honoured, the row limit) and hands the rows on in {@link RowChunk}s, so that no input is held in
 * memory whole. A format is one subclass, which turns its input into columns and rows of cell texts, and one line in
 * {@link org.tabserve.rows.RowFormat}. Data rows are numbered from 0 in errors, as every format numbers rows. Every
 * route that reads rows from a file or a body ({@code /predict_file}, {@code /invocations}, the upload page,
 * {@code score}, {@code card}) reads them through one.
 */
public abstract class RowsReader {

    /** Rows handed on at a time, and so rows per ONNX Runtime call. */
    public static final int CHUNK_ROWS = 4096;

    /** Receives the checked rows of one chunk. */
    public interface ChunkHandler {
        void accept(RowChunk chunk) throws IOException;
    }

    /** Whether the budget has room to keep one more chunk of rows for an answer scored from memory. */
    public interface Room {
        /**
         * @param rows      the chunk's rows (with {@link OnError#ROW}, its bad rows too)
         * @param textChars the characters of its text cells, which the kept batch holds as strings, and the heap
         *                  its bad rows hold ({@link RowPlace#heldBytes}) counted as characters of two bytes
         */
        boolean tryKeep(int rows, long textChars);
    }

    protected final ModelSignature signature;
    protected final long maxRows;
    private OnError onError = OnError.REJECT;
    /** With {@link OnError#ROW}: the most rows a read may refuse in their place before it refuses the input. */
    private long maxErrorRows = OnError.UNBOUNDED;
    /** What the last read found: the columns the model does not take, the rows refused in their place, sizes. */
    private List<String> ignoredColumns = List.of();

    private long refusedRows;
    private long longestRefusedBytes;
    private long longestRecordChars;
    private long rowsRead;
    /**
     * What this reader has reserved from the request's memory budget for the heap a long row holds, over all its
     * passes (the reservation is held until the request ends, so a second pass over the same rows takes nothing
     * more); {@link RowMemory#NONE} outside the server.
     */
    protected RowMemory rowMemory = RowMemory.NONE;

    private final String what;

    /** @param what the format's name in messages ("the CSV", "the JSON Lines") */
    protected RowsReader(ModelSignature signature, long maxRows, String what) {
        this.signature = signature;
        this.maxRows = maxRows;
        this.what = what;
    }

    /**
     * Reads the input once, handing its checked rows to {@code handler} (null: only check them).
     *
     * @param withRecords whether the chunks carry their rows' cells as written, for an answer that echoes them
     * @return the input's columns, in their order
     * @throws RowsException as {@link #validate}
     */
    protected abstract List<String> read(InputStream input, ChunkHandler handler, boolean withRecords)
            throws IOException;

    /** @return the format's name in messages ("the CSV", "the JSON Lines") */
    protected final String what() {
        return what;
    }

    /**
     * Chooses what a bad row does: refuse the whole input (the default, {@link OnError#REJECT}: a
     * {@link RowsException} listing every bad value), or ({@link OnError#ROW}) be told in its place, each chunk then
     * carrying every row's {@link RowPlace} and a batch of its good rows. Problems of the input itself (its columns,
     * its syntax, its encoding, no data rows, the row and size limits) refuse it either way.
     */
    public RowsReader onError(OnError choice) {
        return onError(choice, OnError.UNBOUNDED);
    }

    /**
     * As {@link #onError(OnError)}, for an answer that must stay a bounded multiple of the request: with
     * {@link OnError#ROW}, a read that finds more than {@code maxErrorRows} bad rows refuses the input
     * ({@link RowsException.Kind#TOO_MANY_ERROR_ROWS}) before its chunk of them is handed on.
     */
    public RowsReader onError(OnError choice, long maxErrorRows) {
        this.onError = java.util.Objects.requireNonNull(choice, "choice");
        this.maxErrorRows = maxErrorRows;
        return this;
    }

    /**
     * Makes each read reserve, through {@code grow} (a request's {@code MemoryBudget.Reservation::grow}), the heap
     * the parse holds for its longest row so far ({@link RowMemory}); short rows cost nothing. To
     * refuse, {@code grow} throws its own unchecked exception (the server's budget: busy, or more than one request
     * may have), which the read passes on as it is.
     */
    public RowsReader reservingRowMemory(LongConsumer grow) {
        this.rowMemory = new RowMemory(grow);
        return this;
    }

    /** @return what a bad row does with this reader */
    public OnError onError() {
        return onError;
    }

    /**
     * @return the columns of the last read that the model does not take (pandas' unnamed index aside), in input
     *         order: ignored, to be named once in a JSON answer's warnings
     */
    public List<String> ignoredColumns() {
        return ignoredColumns;
    }

    /**
     * @return the warnings of the last read that concern the whole input, told once in a JSON answer: each column
     *         the model does not take ({@link #ignoredColumns()}), and what a format took in a way of its own
     */
    public List<org.tabserve.model.signature.RangeWarning> requestWarnings() {
        return RowWarnings.ignored(ignoredColumns);
    }

    /** @return with {@link OnError#ROW}: how many rows the last read refused in their place; otherwise 0 */
    public long refusedRows() {
        return refusedRows;
    }

    /**
     * @return with {@link OnError#ROW}: the most heap one refused row of the last read holds (its problems and,
     *         echoed, its cells; {@link RowPlace#heldBytes}), for estimating what a streamed refused row costs
     */
    public long longestRefusedBytes() {
        return longestRefusedBytes;
    }

    /** @return the data rows of the last input read, refused ones included */
    public long rowsRead() {
        return rowsRead;
    }

    /** @return the most characters a row of the last input read held (its cells' text, separators aside) */
    public long longestRecordChars() {
        return longestRecordChars;
    }

    /**
     * Reads the whole input once and reports every problem (up to a hundred) without predicting anything; with
     * {@link OnError#ROW}, a bad row is not a problem of the input: only counted ({@link #refusedRows()}).
     *
     * @return the input's columns, in their order
     * @throws RowsException 400 listing the problems, 413 past the row limit
     */
    public List<String> validate(InputStream input) throws IOException {
        return read(input, null, false);
    }

    /** Reads an input that {@link #validate} accepted, handing on its rows chunk by chunk with their records. */
    public void forEachChunk(InputStream input, ChunkHandler handler) throws IOException {
        read(input, handler, true);
    }

    /**
     * Reads a whole input and keeps every chunk: the one-call form for a caller that answers from memory (a request
     * body already bounded in size). With {@link OnError#ROW}, each chunk's {@link RowChunk#places()} put its rows in
     * input order, good ones at their row of {@link RowChunk#batch()} and bad ones with their problems.
     *
     * @return the chunks, in input order
     * @throws RowsException as {@link #validate}
     */
    public List<RowChunk> readAll(InputStream input) throws IOException {
        return readAll(input, chunk -> {});
    }

    /**
     * {@link #readAll(InputStream)}, each chunk first handed to {@code beforeKept} (which reserves what its rows
     * hold, say, and may refuse by throwing its own unchecked exception, which the read passes on as it is).
     */
    public List<RowChunk> readAll(InputStream input, Consumer<RowChunk> beforeKept) throws IOException {
        List<RowChunk> chunks = new java.util.ArrayList<>();
        read(
                input,
                chunk -> {
                    beforeKept.accept(chunk);
                    chunks.add(chunk);
                },
                false);
        return chunks;
    }

    /**
     * Validates the whole input like {@link #validate} and also hands each chunk of checked rows to {@code ahead}
     * as soon as it is read (the last part chunk once the whole input is valid), so that scoring can start while
     * the rest is parsed; whatever {@code ahead} does with them, the caller answers nothing before this method
     * returns. Before it hands on each chunk it asks {@code room}; once that says no, or past {@code keepRows}
     * rows, it stops handing on and only validates the rest.
     *
     * @return whether every row was handed on; if not, the input must be read again (some chunks may have been)
     */
    public boolean validateAndKeep(InputStream input, int keepRows, Consumer<RowChunk> ahead, Room room)
            throws IOException {
        long[] handed = {0};
        boolean[] keeping = {true};
        read(
                input,
                chunk -> {
                    if (!keeping[0]) {
                        return;
                    }
                    if (handed[0] + chunk.rowCount() > keepRows
                            || !room.tryKeep(chunk.rowCount(), textChars(chunk.batch()) + refusedChars(chunk))) {
                        keeping[0] = false;
                        return;
                    }
                    handed[0] += chunk.rowCount();
                    ahead.accept(chunk);
                },
                false);
        return keeping[0];
    }

    /**
     * The input as text, as every format reads it: a UTF-8 byte order mark dropped (pandas writes none; editors on
     * Windows may), and bytes that are not UTF-8 refused as they are read, with a {@link CharacterCodingException}.
     */
    public static Reader utf8Text(InputStream input) throws IOException {
        return new InputStreamReader(
                BOMInputStream.builder().setInputStream(input).get(), StrictUtf8.decoder());
    }

    /** Starts a pass over the rows of an input whose columns are {@code columns}, for {@link #read}. */
    protected RowPass pass(
            List<String> columns,
            int[] featureColumns,
            boolean decimalComma,
            boolean unnamedIndex,
            ChunkHandler handler,
            boolean withRecords) {
        ignoredColumns = InputColumns.ignored(signature, columns, unnamedIndex);
        refusedRows = 0;
        longestRefusedBytes = 0;
        return new RowPass(
                signature,
                maxRows,
                columns,
                featureColumns,
                decimalComma,
                handler,
                withRecords,
                onError,
                maxErrorRows,
                what());
    }

    /** Ends a pass: the last part chunk and the verdict ({@link RowPass#finish}), then what it found is kept. */
    protected void finish(RowPass pass) throws IOException {
        longestRecordChars = pass.longest();
        rowsRead = pass.count;
        pass.finish();
        refusedRows = pass.refused();
        longestRefusedBytes = pass.longestRefused();
    }

    /**
     * The heap the refused rows of a chunk hold (none with {@link OnError#REJECT}), as characters at two bytes each,
     * as the budget counts the text cells'.
     */
    private static long refusedChars(RowChunk chunk) {
        long bytes = 0;
        if (chunk.places() != null) {
            for (RowPlace place : chunk.places()) {
                bytes += place.heldBytes();
            }
        }
        return (bytes + 1) / 2;
    }

    /** The characters of a batch's text cells. */
    private static long textChars(Batch batch) {
        long chars = 0;
        for (int i = 0; i < batch.signature().inputs().size(); i++) {
            if (batch.data(i) instanceof String[] texts) {
                for (String text : texts) {
                    chars += text == null ? 0 : text.length();
                }
            }
        }
        return chars;
    }
}
