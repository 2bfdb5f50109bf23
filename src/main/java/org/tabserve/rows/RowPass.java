package org.tabserve.rows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tabserve.model.Batch;
import org.tabserve.model.Feature;
import org.tabserve.model.FieldError;
import org.tabserve.model.ModelException;
import org.tabserve.model.ModelSignature;

/**
 * One pass over an input's data rows, for a {@link RowsReader} of any format: each row's cells read by their
 * feature's type (plain numbers on the numbers-only path), every problem counted (the first hundred kept, with the
 * input's row numbers), and each chunk of rows made a checked batch and handed on while the input has no problem, or,
 * with {@link OnError#ROW}, with every row's place ({@link CsvPlaces}). A reader hands it rows as cell texts
 * ({@link #textRow}) or, for a CSV's plain lines, as split in place ({@link #plainRow}); the row mode's own parts are
 * in {@link CsvPlaces} and {@link GoodRows}.
 */
final class RowPass {

    private final ModelSignature signature;
    private final List<Feature> features;
    private final boolean numbersOnly;
    private final long maxRows;
    private final List<String> columnNames;
    private final int[] columns;
    private final int width;
    /** The input's name in messages ("the CSV"). */
    private final String what;

    private final boolean decimalComma;
    private final RowsReader.ChunkHandler handler;
    private final boolean withRecords;
    /** Whether a bad row is answered in its place ({@link OnError#ROW}) instead of refusing the file. */
    private final boolean rowMode;

    private final long maxErrorRows;
    private final RowProblems errors = new RowProblems();
    /** Data rows read so far, and the most characters one held. */
    long count; // data rows so far, read by RowsReader once the pass ends

    private long longest;
    /** Row mode: rows refused in their place, and the most characters one held. */
    private long refused;

    private long longestRefused;
    private final List<List<String>> records = new ArrayList<>();
    private final List<double[]> numbers;
    private final List<Object[]> cells;
    /** The upload's row number of each row of the chunk (rows of the wrong length are left out of it). */
    private final int[] rowNumbers = new int[RowsReader.CHUNK_ROWS];
    /** Per row of the chunk, the fields already reported as unreadable (sent to the batch as missing), or null. */
    private final List<java.util.Set<String>> unreadable = new ArrayList<>();
    /** Row mode: the chunk's rows in file order, and the row being read's problems (null while it has none). */
    private final CsvPlaces places;
    /** The numbers-only path's cells, whose problems are told of the row being read ({@link #current}). */
    private final NumberCells numberCells;

    private int current;
    private final NumberCells.Problems told = (feature, text) -> add(problem(feature, text, current));

    /**
     * @param columnNames  the input's columns, which every row must have
     * @param columns      where each feature sits among them
     * @param decimalComma whether numbers may have a decimal comma (a semicolon-separated file)
     * @param handler      receives the checked chunks while the file has no errors; null to only check it
     * @param withRecords  whether chunks carry their rows' CSV records
     * @param onError      whether a bad row refuses the file or is answered in its place
     * @param maxErrorRows in row mode, the most rows answered in their place ({@link OnError#requireAtMost})
     * @param what         the input's name in messages
     */
    RowPass(
            ModelSignature signature,
            long maxRows,
            List<String> columnNames,
            int[] columns,
            boolean decimalComma,
            RowsReader.ChunkHandler handler,
            boolean withRecords,
            OnError onError,
            long maxErrorRows,
            String what) {
        this.signature = signature;
        this.features = signature.features();
        this.numbersOnly = signature.numbersOnly();
        this.maxRows = maxRows;
        this.columnNames = List.copyOf(columnNames);
        this.columns = columns;
        this.width = columnNames.size();
        this.what = what;
        this.decimalComma = decimalComma;
        this.handler = handler;
        this.withRecords = withRecords;
        this.rowMode = onError == OnError.ROW;
        this.maxErrorRows = maxErrorRows;
        this.places = rowMode ? new CsvPlaces() : null;
        this.numberCells = new NumberCells(features, columns);
        // A chunk's size at once: growing them showed in the upload's profile (bench/profile csv).
        this.numbers = new ArrayList<>(numbersOnly ? RowsReader.CHUNK_ROWS : 0);
        this.cells = new ArrayList<>(numbersOnly ? 0 : RowsReader.CHUNK_ROWS);
    }

    /** @return the most characters one data row read so far held (its cells' text, separators aside) */
    long longest() {
        return longest;
    }

    private int rows() {
        return numbersOnly ? numbers.size() : cells.size();
    }

    private void add(FieldProblem problem) {
        if (rowMode) {
            places.problem(problem);
            return;
        }
        errors.add(problem);
    }

    /**
     * Makes the chunk a batch: on the typed path the batch checks it (every file's rows are checked, however
     * many were wrong before); a row's errors are told in the upload's row numbers. Hands it on while the
     * upload has no errors.
     */
    private void flush() throws IOException {
        if (rowMode) {
            flushPlaced();
            return;
        }
        if (rows() == 0) {
            return;
        }
        boolean wanted = handler != null && !errors.any();
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
        if (wanted && !errors.any()) { // the batch itself may have found errors
            handler.accept(new RowChunk(
                    columnNames,
                    withRecords ? List.copyOf(records) : List.of(),
                    batch,
                    plain,
                    numbersOnly ? null : List.copyOf(cells),
                    null));
        }
        clear();
    }

    private void clear() {
        records.clear();
        numbers.clear();
        cells.clear();
        unreadable.clear();
    }

    /**
     * Row mode: makes the chunk's good rows a batch and hands it on with every row's place. The rows read whole are
     * checked together first (one with an unreadable cell too, so that what else is wrong with it is told); the
     * rows with a problem are then left out and the rest made a batch again.
     */
    private void flushPlaced() throws IOException {
        if (places.size() == 0) {
            return;
        }
        int n = rows();
        boolean[] faulty = new boolean[n];
        for (int c = 0; c < n; c++) {
            faulty[c] = places.hasProblems(c);
        }
        GoodRows.Checked checked = numbersOnly
                ? GoodRows.check(
                        numbers,
                        faulty,
                        true,
                        rows -> Batch.ofNumbers(signature, rows.toArray(double[][]::new)),
                        this::refusedByModel)
                : GoodRows.check(cells, faulty, true, rows -> Batch.of(signature, rows), this::refusedByModel);
        int[] attempt = checked.kept();
        // A chunk of bad rows alone still has its (empty) batch, which the answer writers skip.
        Batch batch = checked.batch() != null
                ? checked.batch()
                : numbersOnly ? Batch.ofNumbers(signature, new double[0][]) : Batch.of(signature, List.of());
        int[] batchRow = new int[n];
        java.util.Arrays.fill(batchRow, -1);
        for (int i = 0; i < attempt.length; i++) {
            batchRow[attempt[i]] = i;
        }
        List<List<String>> candidates = records;
        List<RowPlace> placed = places.places(batchRow, c -> withRecords ? candidates.get(c) : null);
        for (RowPlace place : placed) {
            if (!place.isScored()) {
                refused++;
                longestRefused = Math.max(longestRefused, place.heldBytes());
            }
        }
        OnError.requireAtMost(refused, maxErrorRows);
        if (handler != null) {
            int[] kept = attempt;
            handler.accept(new RowChunk(
                    columnNames,
                    withRecords ? GoodRows.pick(records, kept) : List.of(),
                    batch,
                    numbersOnly ? GoodRows.pick(numbers, kept).toArray(double[][]::new) : null,
                    numbersOnly ? null : GoodRows.pick(cells, kept),
                    placed));
        }
        clear();
    }

    /** A problem the model's check found in candidate row {@code c}, unless it was told where its cell was read. */
    private void refusedByModel(int c, FieldError error) {
        if (!numbersOnly && unreadable.get(c) != null && unreadable.get(c).contains(error.field())) {
            return; // reported where it was read
        }
        places.problem(c, new FieldProblem(error.field(), error.message(), rowNumbers[c]));
    }

    /** @return row mode: the rows refused in their place so far */
    long refused() {
        return refused;
    }

    /** @return row mode: the most heap a refused row's place holds ({@link RowPlace#heldBytes}) */
    long longestRefused() {
        return longestRefused;
    }

    private Batch batch(java.util.function.Supplier<Batch> make) {
        try {
            return make.get();
        } catch (ModelException e) {
            if (e.kind() != ModelException.Kind.INVALID_INPUT) {
                throw e;
            }
            for (FieldError error : e.fieldErrors()) {
                if (!numbersOnly
                        && unreadable.get(error.row()) != null
                        && unreadable.get(error.row()).contains(error.field())) {
                    continue; // reported where it was read
                }
                int row = rowNumbers[error.row()];
                add(new FieldProblem(error.field(), "row " + row + ": " + error.message(), row));
            }
            return null;
        }
    }

    /**
     * Ends the pass: the last part chunk is checked (and handed on only if the whole file is fine), then the verdict.
     *
     * @throws RowsException 400 listing the problems by row, or for a file of no data rows
     */
    void finish() throws IOException {
        flush();
        errors.refuseIfAny(what); // never in row mode: each row's problems are told in its place
        if (count == 0) {
            throw RowsException.malformed(what + " has a header but no data rows");
        }
    }

    /** Counts a data row, refusing one past the row limit; returns its number for messages. */
    private int countRow() {
        count++;
        current = (int) Math.min(Integer.MAX_VALUE, count);
        if (count > maxRows) {
            throw RowsException.tooManyRows(what + " has more than " + maxRows + " data rows; split it");
        }
        return (int) Math.min(Integer.MAX_VALUE, count);
    }

    /** A row of too many or too few cells, which is reported and left out. */
    private void wrongWidth(int rowNumber, long line, int cells) {
        add(new FieldProblem(
                "row",
                (rowMode ? "line " + line : "row " + count + " (line " + line + ")") + " has " + cells
                        + " fields; the header has " + width,
                rowNumber));
    }

    /**
     * A bad value of the row being read: its message starts with the row's number when the problem refuses the file
     * (a list of many rows' problems), and not in row mode, where it is told in the row's place.
     */
    private FieldProblem problem(String field, String text, int rowNumber) {
        return new FieldProblem(field, rowMode ? text : "row " + count + ": " + text, rowNumber);
    }

    /**
     * One row as cell texts, one per column (commons-csv's record, a JSON Lines object's values; a CSV row of the
     * wrong length has more or fewer).
     *
     * @param line the line the row starts on, for the message about a row of the wrong length
     */
    void textRow(String[] texts, long line) throws IOException {
        int rowNumber = countRow();
        List<String> echoed = Arrays.asList(texts);
        if (texts.length != width) {
            wrongWidth(rowNumber, line, texts.length);
            if (rowMode) {
                endRow(rowNumber, false, echoed);
            }
            return;
        }
        long chars = 0;
        for (String text : texts) {
            chars += text.length();
        }
        longest = Math.max(longest, chars);
        boolean readable =
                numbersOnly ? readNumbers(i -> texts[i], decimalComma, rowNumber) : readCells(i -> texts[i], rowNumber);
        if (readable && withRecords) {
            records.add(echoed);
        }
        if (rowMode) {
            endRow(rowNumber, readable, echoed);
        } else if (rows() == RowsReader.CHUNK_ROWS) {
            flush();
        }
    }

    /**
     * A line that holds no row at all (JSON Lines' line that is not an object), which is reported and left out.
     *
     * @param problem what is wrong with it, naming its line
     */
    void unreadableRow(String problem) throws IOException {
        int rowNumber = countRow();
        add(new FieldProblem("row", problem, rowNumber));
        if (rowMode) {
            endRow(rowNumber, false, null);
        }
    }

    /** Row mode: the row read takes its place in the chunk, which is handed on once it has a chunk's rows. */
    private void endRow(int rowNumber, boolean joined, List<String> echoed) throws IOException {
        places.endRow(rowNumber, joined ? rows() - 1 : -1, !joined && withRecords ? echoed : null);
        if (places.size() == RowsReader.CHUNK_ROWS) {
            flush();
        }
    }

    /** One plain line, as the tokenizer split it: read as commons-csv's record of it would be. */
    void plainRow(CsvTokenizer line) throws IOException {
        int rowNumber = countRow();
        if (line.cells() != width) {
            // commons-csv's line number: the line ends before this line, plus one
            wrongWidth(rowNumber, line.lineEnds() + 1, line.cells());
            if (rowMode) {
                endRow(rowNumber, false, null);
            }
            return;
        }
        long chars = 0;
        for (int i = 0; i < width; i++) {
            chars += line.length(i);
        }
        longest = Math.max(longest, chars);
        if (numbersOnly && !decimalComma) {
            keep(numberCells.readPlain(line, told), rowNumber);
        } else if (numbersOnly) {
            readNumbers(line::text, true, rowNumber);
        } else {
            readCells(line::text, rowNumber);
        }
        if (rowMode) {
            endRow(rowNumber, numbersOnly ? !places.rowHasProblems() : true, null);
        } else if (rows() == RowsReader.CHUNK_ROWS) {
            flush();
        }
    }

    /**
     * Reads a row on the numbers-only path ({@link NumberCells}) and adds it to the chunk when it is readable, while
     * the input has no errors and the rows are wanted.
     *
     * @return whether the row joined the chunk
     */
    private boolean readNumbers(java.util.function.IntFunction<String> cellText, boolean decimalComma, int rowNumber) {
        return keep(numberCells.read(cellText, decimalComma, told), rowNumber);
    }

    private boolean keep(double[] row, int rowNumber) {
        if (row != null && (rowMode || handler != null && !errors.any())) {
            rowNumbers[numbers.size()] = rowNumber;
            numbers.add(row);
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
    private boolean readCells(java.util.function.IntFunction<String> cellText, int rowNumber) {
        Object[] row = new Object[columns.length];
        java.util.Set<String> unread = null;
        for (int i = 0; i < columns.length; i++) {
            String text = cellText.apply(columns[i]);
            Feature feature = features.get(i);
            Object cell = TextCells.read(feature, text, decimalComma);
            if (cell == TextCells.UNREADABLE) {
                unread = unread == null ? new java.util.HashSet<>() : unread;
                unread.add(feature.name());
                add(problem(feature.name(), TextCells.problem(feature, text, decimalComma), rowNumber));
            } else {
                row[i] = cell;
            }
        }
        // A row with unreadable cells still goes to the batch (those cells as missing), so that what else is wrong
        // with it is told too.
        rowNumbers[cells.size()] = rowNumber;
        cells.add(row);
        unreadable.add(unread);
        return true;
    }
}
