package org.tabserve.web.api;

import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.io.input.BOMInputStream;
import org.tabserve.model.Batch;
import org.tabserve.model.Feature;
import org.tabserve.model.FieldError;
import org.tabserve.model.ModelCard;
import org.tabserve.model.ModelException;
import org.tabserve.model.ModelSignature;
import org.tabserve.model.RangeWarning;
import org.tabserve.web.http.FieldProblem;
import org.tabserve.web.http.HttpProblem;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV uploads as a stream: a header row naming the columns (features by name, in any order, other columns
 * kept but not used), then data rows, handed on in chunks so that no upload is held in memory whole, and no row past
 * the size limits of {@link CsvRowLimits} is held at all. Data rows are
 * numbered from 1 in errors. Files are made by people and their spreadsheets, so the separator (comma, semicolon or
 * tab) is read off the header row, and a semicolon-separated file, as European Excel writes it, may use decimal
 * commas (see {@link NumberText#parseDecimalComma}). Each cell is read by its feature's type ({@link TextCells}; an
 * empty cell is missing) and each chunk becomes a {@link Batch}, which checks it; a model that takes only numbers keeps
 * a faster path of plain numbers. Every message speaks of the user's file, never of commons-csv.
 */
public final class CsvRowsParser {

    /** Rows handed on at a time, and so rows per ONNX Runtime call. */
    static final int CHUNK_ROWS = 4096;

    /**
     * One chunk of checked rows, ready for the model.
     *
     * @param records the rows' CSV records, for echoing input columns (empty when the caller asked for none)
     * @param batch   the rows, checked against the model's signature
     * @param numbers the rows as read, in the model's feature order, on the numbers-only path; otherwise null
     * @param cells   the rows as read, in the model's feature order, on the typed path; otherwise null
     */
    public record Chunk(List<CSVRecord> records, Batch batch, double[][] numbers, List<Object[]> cells) {

        int size() {
            return batch.size();
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
        List<RangeWarning> warnings(PredictionJson.Rows rows, int row) {
            return numbers != null ? rows.warnings(batch, row, numbers[row]) : rows.warnings(batch, row, cells.get(row));
        }
    }

    /** Receives the checked rows of one chunk. */
    interface ChunkHandler {
        void accept(Chunk chunk) throws IOException;
    }

    /** Whether the budget has room to keep one more chunk of rows for an answer scored from memory. */
    public interface Room {
        /**
         * @param rows      the chunk's rows
         * @param textChars the characters of its text cells, which the kept batch holds as strings
         */
        boolean tryKeep(int rows, long textChars);
    }

    private final ModelSignature signature;
    private final long maxRows;
    private final boolean unnamedIndex;
    private final boolean numbersOnly;
    private final List<Feature> features;
    /** The most characters one record of the last upload read held, for estimating what a streamed row costs. */
    private long longestRecordChars;
    /**
     * What this parser has reserved from the request's memory budget for the heap a long row holds, over all its
     * passes (the reservation is held until the request ends, so a second pass over the same rows takes nothing
     * more); {@link CsvRowLimits.RowMemory#NONE} outside the server.
     */
    private CsvRowLimits.RowMemory rowMemory = CsvRowLimits.RowMemory.NONE;

    CsvRowsParser(ModelSignature signature, long maxRows) {
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
        this.numbersOnly = signature.numbersOnly();
        this.features = signature.features();
    }

    /**
     * Makes each read reserve, through {@code grow} (a request's {@code MemoryBudget.Reservation::grow}), the heap
     * the parse holds for its longest row so far ({@link CsvRowLimits.RowMemory}); short rows cost nothing.
     */
    CsvRowsParser reservingRowMemory(java.util.function.LongConsumer grow) {
        this.rowMemory = new CsvRowLimits.RowMemory(grow);
        return this;
    }

    /**
     * Reads the whole upload once and reports every problem (up to a hundred) without predicting anything.
     *
     * @return the header's column names, in file order
     * @throws HttpProblem 400 listing the problems, 413 past the row limit
     */
    List<String> validate(InputStream upload) throws IOException {
        return read(upload, null, false);
    }

    /** @return the most characters a record of the last upload read held (its cells' text, separators aside) */
    long longestRecordChars() {
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
            if (handed[0] + chunk.size() > keepRows || !room.tryKeep(chunk.size(), textChars(chunk.batch()))) {
                keeping[0] = false;
                return;
            }
            handed[0] += chunk.size();
            ahead.accept(chunk);
        }, false);
        return keeping[0];
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
    void forEachChunk(InputStream upload, ChunkHandler handler) throws IOException {
        read(upload, handler, true);
    }

    private List<String> read(InputStream upload, ChunkHandler handler, boolean withRecords) throws IOException {
        // Reads of at least its buffer's size (commons-csv asks for 8 KiB) bypass this buffer: it costs nothing past
        // the header, which it keeps for the separator to be found before the parser sees it.
        BufferedReader reader = new BufferedReader(new InputStreamReader(
                BOMInputStream.builder().setInputStream(upload).get(),
                StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)));
        try (reader) {
            CsvSeparator separator = CsvSeparator.of(reader, rowMemory);
            // Every pass reads through the row limits, which refuse a row past them before a parser holds it, and
            // reserve what the longest row so far holds.
            return read(new CsvRowLimits(reader, separator.character, rowMemory), separator, handler, withRecords);
        } catch (CharacterCodingException e) {
            throw HttpProblem.badRequest("the CSV is not valid UTF-8 text");
        }
    }

    /** What one pass over the file found wrong, and the rows of the chunk being read. */
    private final class Pass {
        final ChunkHandler handler;
        final boolean withRecords;
        final List<FieldProblem> errors = new ArrayList<>();
        int errorCount;
        /** Data rows read so far, and the most characters one held. */
        long count;
        long longest;
        final List<CSVRecord> records = new ArrayList<>();
        // A chunk's size at once: growing them showed in the upload's profile (bench/profile csv).
        final List<double[]> numbers = new ArrayList<>(numbersOnly ? CHUNK_ROWS : 0);
        final List<Object[]> cells = new ArrayList<>(numbersOnly ? 0 : CHUNK_ROWS);
        /** The upload's row number of each row of the chunk (rows of the wrong length are left out of it). */
        final int[] rowNumbers = new int[CHUNK_ROWS];
        /** Per row of the chunk, the fields already reported as unreadable (sent to the batch as missing), or null. */
        final List<java.util.Set<String>> unreadable = new ArrayList<>();

        Pass(ChunkHandler handler, boolean withRecords) {
            this.handler = handler;
            this.withRecords = withRecords;
        }

        int rows() {
            return numbersOnly ? numbers.size() : cells.size();
        }

        void add(FieldProblem problem) {
            errorCount++;
            if (errors.size() < 100) {
                errors.add(problem);
            }
        }

        /**
         * Makes the chunk a batch: on the typed path the batch checks it (every file's rows are checked, however
         * many were wrong before); a row's errors are told in the upload's row numbers. Hands it on while the
         * upload has no errors.
         */
        void flush() throws IOException {
            if (rows() == 0) {
                return;
            }
            boolean wanted = handler != null && errorCount == 0;
            Batch batch = null;
            double[][] plain = null;
            if (numbersOnly) {
                if (wanted) {
                    plain = numbers.toArray(double[][]::new);
                    double[][] rows = plain;
                    batch = batch(() -> Batch.ofNumbers(signature, rows));
                }
            } else {
                batch = batch(() -> Batch.of(signature, cells));
            }
            if (wanted && errorCount == 0) { // the batch itself may have found errors
                handler.accept(new Chunk(withRecords ? List.copyOf(records) : List.of(), batch, plain,
                        numbersOnly ? null : List.copyOf(cells)));
            }
            records.clear();
            numbers.clear();
            cells.clear();
            unreadable.clear();
        }

        private Batch batch(java.util.function.Supplier<Batch> make) {
            try {
                return make.get();
            } catch (ModelException e) {
                if (e.kind() != ModelException.Kind.INVALID_INPUT) {
                    throw e;
                }
                for (FieldError error : e.fieldErrors()) {
                    if (!numbersOnly && unreadable.get(error.row()) != null
                            && unreadable.get(error.row()).contains(error.field())) {
                        continue; // reported where it was read
                    }
                    int row = rowNumbers[error.row()];
                    add(new FieldProblem(error.field(), "row " + row + ": " + error.message(), row));
                }
                return null;
            }
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
                try (CSVParser headerOnly = parseHeader(new java.io.StringReader(lines.lineText()), separator.format)) {
                    header = headerOnly.getHeaderNames();
                }
            } else {
                parser = parseHeader(lines == null ? reader : lines.rest(), separator.format);
                header = parser.getHeaderNames();
                lines = null;
            }
            if (header.isEmpty()) {
                throw HttpProblem.badRequest("the CSV is empty; it needs a header row naming the columns "
                        + signature.featureNames() + ", then data rows");
            }
            checkHeader(header, separator, unnamedIndex);
            reader.name(header); // a cell past the limits is then refused naming its column
            int[] columns = featureColumns(header, separator);
            Pass pass = new Pass(handler, withRecords);
            if (lines != null) {
                lines.keep(header.size());
                read: while (true) {
                    switch (lines.next()) {
                        case PLAIN -> plainRow(lines, header.size(), columns, decimalComma, pass);
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
                    recordRow(record, header.size(), columns, decimalComma, pass);
                }
            }
            longestRecordChars = pass.longest;
            pass.flush(); // the last part chunk: its batch is checked before the verdict, handed on only after it
            if (pass.errorCount > 0) {
                // Read errors are found as rows are read, the batch's at the end of each chunk: list them by row.
                pass.errors.sort(java.util.Comparator.comparing(FieldProblem::row,
                        java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
                throw new HttpProblem(400, "Invalid input", pass.errorCount + " invalid value(s) in the CSV"
                        + (pass.errorCount > pass.errors.size() ? "; the first " + pass.errors.size() + " are listed" : ""),
                        pass.errors, java.util.Map.of());
            }
            if (pass.count == 0) {
                throw HttpProblem.badRequest("the CSV has a header but no data rows");
            }
            return header;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw HttpProblem.badRequest("the CSV is not valid UTF-8 text");
            }
            throw HttpProblem.badRequest("malformed CSV: " + syntaxProblem(e.getCause(), positionOffset));
        } finally {
            if (parser != null) {
                parser.close();
            }
        }
    }

    /** Counts a data row, refusing one past the row limit; returns its number for messages. */
    private int countRow(Pass pass) {
        pass.count++;
        if (pass.count > maxRows) {
            throw HttpProblem.tooLarge("the CSV has more than " + maxRows + " data rows; split it");
        }
        return (int) Math.min(Integer.MAX_VALUE, pass.count);
    }

    /** A row of too many or too few cells, which is reported and left out. */
    private static void wrongWidth(Pass pass, int rowNumber, long line, int cells, int width) {
        pass.add(new FieldProblem("row", "row " + pass.count + " (line " + line + ") has " + cells
                + " fields; the header has " + width, rowNumber));
    }

    /** One row as commons-csv read it. */
    private void recordRow(CSVRecord record, int width, int[] columns, boolean decimalComma, Pass pass)
            throws IOException {
        int rowNumber = countRow(pass);
        if (record.size() != width) {
            wrongWidth(pass, rowNumber, record.getParser().getCurrentLineNumber(), record.size(), width);
            return;
        }
        long chars = 0;
        for (int i = 0; i < record.size(); i++) {
            chars += record.get(i).length();
        }
        pass.longest = Math.max(pass.longest, chars);
        boolean readable = numbersOnly ? readNumbers(record::get, columns, decimalComma, rowNumber, pass)
                : readCells(record::get, columns, decimalComma, rowNumber, pass);
        if (readable && pass.withRecords) {
            pass.records.add(record);
        }
        if (pass.rows() == CHUNK_ROWS) {
            pass.flush();
        }
    }

    /** One plain line, as the tokenizer split it: read as commons-csv's record of it would be. */
    private void plainRow(CsvTokenizer line, int width, int[] columns, boolean decimalComma, Pass pass)
            throws IOException {
        int rowNumber = countRow(pass);
        if (line.cells() != width) {
            // commons-csv's line number: the line ends before this line, plus one
            wrongWidth(pass, rowNumber, line.lineEnds() + 1, line.cells(), width);
            return;
        }
        long chars = 0;
        for (int i = 0; i < width; i++) {
            chars += line.length(i);
        }
        pass.longest = Math.max(pass.longest, chars);
        if (numbersOnly && !decimalComma) {
            readPlainNumbers(line, columns, rowNumber, pass);
        } else if (numbersOnly) {
            readNumbers(line::text, columns, true, rowNumber, pass);
        } else {
            readCells(line::text, columns, decimalComma, rowNumber, pass);
        }
        if (pass.rows() == CHUNK_ROWS) {
            pass.flush();
        }
    }

    /** The rows after the header, when commons-csv takes over from the tokenizer. */
    private static CSVParser parseRows(Reader rest, CsvSeparator separator) throws IOException {
        return CSVParser.parse(rest, separator.rowsFormat);
    }

    /**
     * The numbers-only path (the bank-note model's): each cell read as a decimal and checked at once, the row kept
     * as plain numbers, which the model's one float input takes without a cell per value.
     *
     * @return whether the row joined the chunk
     */
    private boolean readNumbers(java.util.function.IntFunction<String> cellText, int[] columns, boolean decimalComma,
                                int rowNumber, Pass pass) {
        double[] row = new double[columns.length];
        boolean readable = true;
        for (int i = 0; i < columns.length; i++) {
            readable &= readNumber(cellText.apply(columns[i]), i, decimalComma, row, rowNumber, pass);
        }
        return keep(row, readable, rowNumber, pass);
    }

    /**
     * {@link #readNumbers} on a plain line, its cells read in place where {@link CsvTokenizer#plainNumber} can: the
     * same values, checked the same way.
     */
    private boolean readPlainNumbers(CsvTokenizer line, int[] columns, int rowNumber, Pass pass) {
        double[] row = new double[columns.length];
        boolean readable = true;
        for (int i = 0; i < columns.length; i++) {
            double value = line.plainNumber(columns[i]);
            if (Double.isNaN(value)) {
                readable &= readNumber(line.text(columns[i]), i, false, row, rowNumber, pass);
                continue;
            }
            String feature = features.get(i).name();
            String problem = ModelSignature.valueProblem(feature, value);
            if (problem == null) {
                row[i] = value;
            } else {
                readable = false;
                pass.add(new FieldProblem(feature, "row " + pass.count + ": " + problem, rowNumber));
            }
        }
        return keep(row, readable, rowNumber, pass);
    }

    /** Reads one number cell into {@code row[i]}, or reports why it cannot; returns whether it could. */
    private boolean readNumber(String text, int i, boolean decimalComma, double[] row, int rowNumber, Pass pass) {
        String feature = features.get(i).name();
        var value = decimalComma ? NumberText.parseDecimalComma(text) : NumberText.parse(text);
        String problem = value.isPresent() ? ModelSignature.valueProblem(feature, value.get())
                : decimalComma ? NumberText.decimalCommaProblem(feature, text)
                : NumberText.problem(feature, text);
        if (problem == null) {
            row[i] = value.get();
            return true;
        }
        pass.add(new FieldProblem(feature, "row " + pass.count + ": " + problem, rowNumber));
        return false;
    }

    /** Adds a readable row of numbers to the chunk while the upload has no errors and the rows are wanted. */
    private static boolean keep(double[] row, boolean readable, int rowNumber, Pass pass) {
        if (readable && pass.handler != null && pass.errorCount == 0) {
            pass.rowNumbers[pass.numbers.size()] = rowNumber;
            pass.numbers.add(row);
            return true;
        }
        return false;
    }

    /**
     * The typed path: each cell's text read by its feature's type ({@link TextCells}); the batch made of the chunk
     * then checks what the values mean to the model.
     *
     * @return whether the row joined the chunk
     */
    private boolean readCells(java.util.function.IntFunction<String> cellText, int[] columns, boolean decimalComma,
                              int rowNumber, Pass pass) {
        Object[] row = new Object[columns.length];
        java.util.Set<String> unreadable = null;
        for (int i = 0; i < columns.length; i++) {
            String text = cellText.apply(columns[i]);
            Feature feature = features.get(i);
            Object cell = TextCells.read(feature, text, decimalComma);
            if (cell == TextCells.UNREADABLE) {
                unreadable = unreadable == null ? new java.util.HashSet<>() : unreadable;
                unreadable.add(feature.name());
                pass.add(new FieldProblem(feature.name(), "row " + pass.count + ": "
                        + TextCells.problem(feature, text, decimalComma), rowNumber));
            } else {
                row[i] = cell;
            }
        }
        // A row with unreadable cells still goes to the batch (those cells as missing), so that what else is wrong
        // with it is told too.
        pass.rowNumbers[pass.cells.size()] = rowNumber;
        pass.cells.add(row);
        pass.unreadable.add(unreadable);
        return true;
    }

    /**
     * Opens the parser, which reads the header row. Only here is a library exception the file's fault: anything
     * thrown later (an {@link OutOfMemoryError} that try-with-resources turned into "Self-suppression not permitted",
     * say) is the server's, and must not become a 400 that blames the client.
     */
    private static CSVParser parseHeader(Reader reader, CSVFormat format) throws IOException {
        try {
            return CSVParser.parse(reader, format);
        } catch (CSVException e) {
            // A header that is not CSV: an unclosed quote, or text after a closing quote.
            throw HttpProblem.badRequest("malformed CSV header: " + syntaxProblem(e));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw HttpProblem.badRequest("malformed CSV header: " + e.getMessage());
        }
    }

    private static final java.util.regex.Pattern UNCLOSED_QUOTE =
            java.util.regex.Pattern.compile("\\(startline (\\d+)\\) EOF reached before encapsulated token finished");
    private static final java.util.regex.Pattern TEXT_AFTER_QUOTE = java.util.regex.Pattern.compile(
            "Invalid character between encapsulated token and delimiter at line: (\\d+), position: (\\d+)");

    /** What is wrong with the file, in its terms, for the two syntax errors commons-csv reports in its own. */
    static String syntaxProblem(Throwable failure) {
        return syntaxProblem(failure, 0);
    }

    /**
     * @param positionOffset characters to add to commons-csv's position: after the tokenizer it reads a text that
     *                       stands in one character (an empty line) for each line the tokenizer read
     */
    static String syntaxProblem(Throwable failure, long positionOffset) {
        String message = String.valueOf(failure.getMessage());
        var unclosed = UNCLOSED_QUOTE.matcher(message);
        if (unclosed.find()) {
            return "a quoted field that starts on line " + unclosed.group(1) + " is never closed";
        }
        var afterQuote = TEXT_AFTER_QUOTE.matcher(message);
        if (afterQuote.find()) {
            return "text follows a closing quote on line " + afterQuote.group(1) + " (character "
                    + (Long.parseLong(afterQuote.group(2)) + positionOffset) + "); quote the whole field, and double any quote inside it";
        }
        return message;
    }

    /** Refuses a header with an unnamed column or a column named twice, which no row could be matched against. */
    private static void checkHeader(List<String> header, CsvSeparator separator, boolean unnamedIndex) {
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            if (name.isEmpty() && i == 0 && unnamedIndex && header.size() > 1) {
                continue;
            }
            if (name.isEmpty()) {
                throw HttpProblem.badRequest("column " + (i + 1) + " of the CSV header has no name (read as "
                        + separator.description + ": " + header + "); name every column");
            }
            Integer first = seen.putIfAbsent(name, i);
            if (first != null) {
                throw HttpProblem.badRequest("column '" + name + "' appears twice in the header (columns " + (first + 1)
                        + " and " + (i + 1) + "); name each column once");
            }
        }
    }

    /** Where each feature sits in the header; a 400 naming every missing feature column, and what was read. */
    private int[] featureColumns(List<String> header, CsvSeparator separator) {
        List<String> features = signature.featureNames();
        int[] columns = new int[features.size()];
        List<FieldProblem> missing = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            columns[i] = header.indexOf(features.get(i));
            if (columns[i] < 0) {
                missing.add(new FieldProblem(features.get(i), "the CSV header has no column '" + features.get(i)
                        + "'; read as " + separator.description + ", its columns are " + header + "; it needs "
                        + features + " (separated by commas, semicolons or tabs)", null));
            }
        }
        if (!missing.isEmpty()) {
            throw HttpProblem.invalidFields(missing);
        }
        return columns;
    }

}
