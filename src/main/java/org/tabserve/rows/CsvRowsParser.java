package org.tabserve.rows;

import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.io.input.BOMInputStream;
import org.tabserve.model.Batch;
import org.tabserve.model.ModelCard;
import org.tabserve.model.ModelSignature;
import org.tabserve.model.RangeWarning;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads CSV uploads as a stream: a header row naming the columns (features by name, in any order, other columns
 * kept but not used), then data rows, handed on in chunks so that no upload is held in memory whole, and no row past
 * the size limits of {@link CsvRowLimits} is held at all. Data rows are
 * numbered from 1 in errors. Files are made by people and their spreadsheets, so the separator (comma, semicolon or
 * tab) is read off the header row, and a semicolon-separated file, as European Excel writes it, may use decimal
 * commas (see {@link NumberText#parseDecimalComma}). Each cell is read by its feature's type ({@link TextCells}; an
 * empty cell is missing) and each chunk becomes a {@link Batch}, which checks it; a model that takes only numbers keeps
 * a faster path of plain numbers. Every message speaks of the user's file, never of commons-csv. The header is read
 * by {@link CsvHeader}, the data rows of each reading by a {@link CsvPass}. A bad row refuses the whole file by default;
 * with {@link #onError(OnError) onError(OnError.ROW)} it is told in its place instead ({@link Chunk#places()}), and a
 * caller that answers from memory reads a whole file so with {@link #readAll}.
 */
public final class CsvRowsParser {

    /** Rows handed on at a time, and so rows per ONNX Runtime call. */
    public static final int CHUNK_ROWS = 4096;

    /**
     * One chunk of checked rows, ready for the model.
     *
     * @param records the rows' CSV records, for echoing input columns (empty when the caller asked for none)
     * @param batch   the rows, checked against the model's signature (with {@link OnError#ROW}: the good rows only,
     *                possibly none)
     * @param numbers the rows as read, in the model's feature order, on the numbers-only path; otherwise null
     * @param cells   the rows as read, in the model's feature order, on the typed path; otherwise null
     * @param places  with {@link OnError#ROW}: every row of the chunk in file order, each at its row of the batch or
     *                refused with its problems; null when a bad row refuses the file ({@link OnError#REJECT})
     */
    public record Chunk(List<CSVRecord> records, Batch batch, double[][] numbers, List<Object[]> cells,
                        List<RowPlace> places) {

        /** @return the rows of the batch (with {@link OnError#ROW}, the good rows only) */
        public int size() {
            return batch.size();
        }

        /** @return every row of the chunk, good or bad */
        public int rowCount() {
            return places == null ? batch.size() : places.size();
        }

        /**
         * The range and unknown-category warnings of a row, from the values as read (not as the model's floats hold
         * them, which would warn about values at the very ends of the training range).
         */
        public List<RangeWarning> warnings(ModelCard card, int row) {
            return numbers != null ? PredictionJson.warnings(card, batch, row, numbers[row])
                    : PredictionJson.warnings(card, batch, row, cells.get(row));
        }

        /** {@link #warnings(ModelCard, int)} with the card's ranges looked up once per answer. */
        public List<RangeWarning> warnings(PredictionJson.Rows rows, int row) {
            return numbers != null ? rows.warnings(batch, row, numbers[row]) : rows.warnings(batch, row, cells.get(row));
        }
    }

    /** Receives the checked rows of one chunk. */
    public interface ChunkHandler {
        void accept(Chunk chunk) throws IOException;
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

    private final ModelSignature signature;
    private final long maxRows;
    private final boolean unnamedIndex;
    private OnError onError = OnError.REJECT;
    /** With {@link OnError#ROW}: the most rows a read may refuse in their place before it refuses the file. */
    private long maxErrorRows = OnError.UNBOUNDED;
    /** With {@link OnError#ROW}: the rows the last read refused in their place, and the most characters one held. */
    private long refusedRows;
    private long longestRefusedBytes;
    /** The most characters one record of the last upload read held, for estimating what a streamed row costs. */
    private long longestRecordChars;
    /**
     * What this parser has reserved from the request's memory budget for the heap a long row holds, over all its
     * passes (the reservation is held until the request ends, so a second pass over the same rows takes nothing
     * more); {@link CsvRowLimits.RowMemory#NONE} outside the server.
     */
    private CsvRowLimits.RowMemory rowMemory = CsvRowLimits.RowMemory.NONE;

    public CsvRowsParser(ModelSignature signature, long maxRows) {
        this(signature, maxRows, false);
    }

    /**
     * @param unnamedIndex whether the first column may have no name: pandas' {@code DataFrame.to_csv()} writes its
     *                     index there by default, and MLflow's CSV bodies are such files (the column is not used)
     */
    public CsvRowsParser(ModelSignature signature, long maxRows, boolean unnamedIndex) {
        this.signature = signature;
        this.maxRows = maxRows;
        this.unnamedIndex = unnamedIndex;
    }

    /**
     * Chooses what a bad row does: refuse the whole file (the default, {@link OnError#REJECT}: a
     * {@link RowsException} listing every bad value), or ({@link OnError#ROW}) be told in its place, each chunk then
     * carrying every row's {@link RowPlace} and a batch of its good rows. Problems of the file itself (its header,
     * its syntax, its encoding, no data rows, the row and size limits) refuse it either way.
     */
    public CsvRowsParser onError(OnError choice) {
        return onError(choice, OnError.UNBOUNDED);
    }

    /**
     * As {@link #onError(OnError)}, for an answer that must stay a bounded multiple of the request: with
     * {@link OnError#ROW}, a read that finds more than {@code maxErrorRows} bad rows refuses the file
     * ({@link RowsException.Kind#TOO_MANY_ERROR_ROWS}) before its chunk of them is handed on.
     */
    public CsvRowsParser onError(OnError choice, long maxErrorRows) {
        this.onError = java.util.Objects.requireNonNull(choice, "choice");
        this.maxErrorRows = maxErrorRows;
        return this;
    }

    /** The header's columns the model does not take, as the last read found them. */
    private List<String> ignoredColumns = List.of();

    /**
     * @return the columns of the last read's header that the model does not take (pandas' unnamed index aside), in
     *         file order: ignored, to be named once in a JSON answer's warnings
     */
    public List<String> ignoredColumns() {
        return ignoredColumns;
    }

    /** @return what a bad row does with this parser */
    public OnError onError() {
        return onError;
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

    /**
     * Reads a whole CSV and keeps every chunk: the one-call form for a caller that answers from memory (a request
     * body already bounded in size). With {@link OnError#ROW}, each chunk's {@link Chunk#places()} put its rows in
     * file order, good ones at their row of {@link Chunk#batch()} and bad ones with their problems.
     *
     * @return the chunks, in file order
     * @throws RowsException as {@link #validate}
     */
    public List<Chunk> readAll(InputStream in) throws IOException {
        List<Chunk> chunks = new java.util.ArrayList<>();
        read(in, chunks::add, false);
        return chunks;
    }

    /**
     * Makes each read reserve, through {@code grow} (a request's {@code MemoryBudget.Reservation::grow}), the heap
     * the parse holds for its longest row so far ({@link CsvRowLimits.RowMemory}); short rows cost nothing. To
     * refuse, {@code grow} throws its own unchecked exception (the server's budget: busy, or more than one request
     * may have), which the read passes on as it is.
     */
    public CsvRowsParser reservingRowMemory(java.util.function.LongConsumer grow) {
        this.rowMemory = new CsvRowLimits.RowMemory(grow);
        return this;
    }

    /**
     * Reads the whole upload once and reports every problem (up to a hundred) without predicting anything; with
     * {@link OnError#ROW}, a bad row is not a problem of the upload: only counted ({@link #refusedRows()}).
     *
     * @return the header's column names, in file order
     * @throws RowsException 400 listing the problems, 413 past the row limit
     */
    public List<String> validate(InputStream upload) throws IOException {
        return read(upload, null, false);
    }

    /** @return the most characters a record of the last upload read held (its cells' text, separators aside) */
    public long longestRecordChars() {
        return longestRecordChars;
    }

    /**
     * Validates the whole upload like {@link #validate} and also hands each chunk of checked rows to {@code ahead}
     * as soon as it is read (the last part chunk once the whole upload is valid), so that scoring can start while
     * the rest is parsed; whatever {@code ahead} does with them, the caller answers nothing before this method
     * returns. Before it hands on each chunk it asks {@code room}; once that says no, or past {@code keepRows}
     * rows, it stops handing on and only validates the rest.
     *
     * @return whether every row was handed on; if not, the upload must be read again (some chunks may have been)
     */
    public boolean validateAndKeep(InputStream upload, int keepRows, java.util.function.Consumer<Chunk> ahead, Room room)
            throws IOException {
        long[] handed = {0};
        boolean[] keeping = {true};
        read(upload, chunk -> {
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
        }, false);
        return keeping[0];
    }

    /**
     * The heap the refused rows of a chunk hold (none with {@link OnError#REJECT}), as characters at two bytes each,
     * as the budget counts the text cells'.
     */
    private static long refusedChars(Chunk chunk) {
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

    /** Reads an upload that {@link #validate} accepted, handing on its rows chunk by chunk with their records. */
    public void forEachChunk(InputStream upload, ChunkHandler handler) throws IOException {
        read(upload, handler, true);
    }

    private List<String> read(InputStream upload, ChunkHandler handler, boolean withRecords) throws IOException {
        // Reads of at least its buffer's size (commons-csv asks for 8 KiB) bypass this buffer: it costs nothing past
        // the header, which is read from it a character at a time for the separator to be found.
        BufferedReader reader = new BufferedReader(new InputStreamReader(
                BOMInputStream.builder().setInputStream(upload).get(),
                StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)));
        try (reader) {
            CsvSeparator.Found found = CsvSeparator.of(reader, rowMemory);
            CsvSeparator separator = found.separator();
            // Every pass reads through the row limits, which refuse a row past them before a parser holds it, and
            // reserve what the longest row so far holds.
            return read(new CsvRowLimits(found.text(), separator.character, rowMemory), separator, handler,
                    withRecords);
        } catch (CharacterCodingException e) {
            throw RowsException.malformed("the CSV is not valid UTF-8 text");
        }
    }

    private List<String> read(CsvRowLimits reader, CsvSeparator separator, ChunkHandler handler, boolean withRecords)
            throws IOException {
        boolean decimalComma = separator == CsvSeparator.SEMICOLON;
        // Plain lines are split in place (CsvTokenizer); from the first line that is not plain on, commons-csv reads
        // the rest. An answer that echoes the input columns needs commons-csv's records, so it reads everything.
        CsvTokenizer lines = withRecords ? null : new CsvTokenizer(reader, separator.character);
        CSVParser parser = null;
        long positionOffset = 0;
        try {
            List<String> header;
            if (lines != null && lines.next() == CsvTokenizer.Line.PLAIN) {
                try (CSVParser headerOnly = CsvHeader.parse(new java.io.StringReader(lines.lineText()), separator.format)) {
                    header = headerOnly.getHeaderNames();
                }
            } else {
                parser = CsvHeader.parse(lines == null ? reader : lines.rest(), separator.format);
                header = parser.getHeaderNames();
                lines = null;
            }
            if (header.isEmpty()) {
                throw RowsException.malformed("the CSV is empty; it needs a header row naming the columns "
                        + signature.featureNames() + ", then data rows");
            }
            CsvHeader.check(header, separator, unnamedIndex);
            reader.name(header); // a cell past the limits is then refused naming its column
            int[] columns = CsvHeader.featureColumns(signature, header, separator);
            ignoredColumns = CsvHeader.ignored(signature, header, unnamedIndex);
            refusedRows = 0;
            longestRefusedBytes = 0;
            CsvPass pass = new CsvPass(signature, maxRows, columns, header.size(), decimalComma, handler, withRecords,
                    onError, maxErrorRows);
            if (lines != null) {
                lines.keep(header.size());
                read: while (true) {
                    switch (lines.next()) {
                        case PLAIN -> pass.plainRow(lines);
                        case END -> {
                            break read;
                        }
                        case OTHER -> {
                            positionOffset = lines.restPositionOffset();
                            parser = parseRows(lines.rest(), separator);
                            break read;
                        }
                    }
                }
            }
            if (parser != null) {
                for (CSVRecord record : parser) {
                    pass.recordRow(record);
                }
            }
            longestRecordChars = pass.longest();
            pass.finish(); // the last part chunk: its batch is checked before the verdict, handed on only after it
            refusedRows = pass.refused();
            longestRefusedBytes = pass.longestRefused();
            return header;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw RowsException.malformed("the CSV is not valid UTF-8 text");
            }
            throw RowsException.malformed("malformed CSV: " + CsvHeader.syntaxProblem(e.getCause(), positionOffset));
        } finally {
            if (parser != null) {
                parser.close();
            }
        }
    }

    /** The rows after the header, when commons-csv takes over from the tokenizer. */
    private static CSVParser parseRows(Reader rest, CsvSeparator separator) throws IOException {
        return CSVParser.parse(rest, separator.rowsFormat);
    }
}
