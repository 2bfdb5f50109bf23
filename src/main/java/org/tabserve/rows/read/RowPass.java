package org.tabserve.rows.read;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.tabserve.model.signature.CellChecker;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowPlace;
import org.tabserve.rows.field.RowsException;

/**
 * One pass over an input's data rows, for a {@link RowsReader} of any format: each row's cells read by their
 * feature's type (plain numbers on the numbers-only path), every problem counted (the first hundred kept, with the
 * input's row numbers), and each chunk of rows made a checked batch and handed on while the input has no problem, or,
 * with {@link OnError#ROW}, with every row's place ({@link ChunkPlaces}; the chunk is {@link RowChunks}'s). A reader
 * hands it rows as cell texts ({@link #textRow}) or, for a CSV's records, as split in place ({@link #splitRow});
 * the row mode's own parts are in {@link ChunkPlaces} and {@link GoodRows}.
 */
public final class RowPass {

    private final List<Feature> features;
    private final boolean numbersOnly;
    private final long maxRows;
    private final int[] columns;
    private final int width;
    /** The input's name in messages ("the CSV"). */
    private final String what;

    private final boolean decimalComma;
    private final boolean withRecords;
    /** Whether a bad row is answered in its place ({@link OnError#ROW}) instead of refusing the file. */
    private final boolean rowMode;

    private final RowProblems errors = new RowProblems();
    /** Data rows read so far, and the most characters one held. */
    long count; // data rows so far, read by RowsReader once the pass ends

    private long longest;
    /** Row mode: the chunk's rows in file order, and the row being read's problems (null while it has none). */
    private final ChunkPlaces places;
    /** The rows read into the chunk, made a batch and handed on once it is full. */
    private final RowChunks chunk;
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
        this.features = signature.features();
        this.numbersOnly = signature.numbersOnly();
        this.maxRows = maxRows;
        this.columns = columns;
        this.width = columnNames.size();
        this.what = what;
        this.decimalComma = decimalComma;
        this.withRecords = withRecords;
        this.rowMode = onError == OnError.ROW;
        this.places = rowMode ? new ChunkPlaces() : null;
        this.numberCells = new NumberCells(features, columns);
        this.chunk =
                new RowChunks(signature, List.copyOf(columnNames), handler, withRecords, errors, places, maxErrorRows);
    }

    /** @return the most characters one data row read so far held (its cells' text, separators aside) */
    long longest() {
        return longest;
    }

    private int rows() {
        return chunk.size();
    }

    private void add(FieldProblem problem) {
        if (rowMode) {
            places.problem(problem);
            return;
        }
        errors.add(problem);
    }

    /** @return row mode: the rows refused in their place so far */
    long refused() {
        return chunk.refused();
    }

    /** @return row mode: the most heap a refused row's place holds ({@link RowPlace#heldBytes}) */
    long longestRefused() {
        return chunk.longestRefused();
    }

    /**
     * Ends the pass: the last part chunk is checked (and handed on only if the whole file is fine), then the verdict.
     *
     * @throws RowsException 400 listing the problems by row, or for a file of no data rows
     */
    void finish() throws IOException {
        chunk.flush();
        errors.refuseIfAny(what); // never in row mode: each row's problems are told in its place
        if (count == 0) {
            throw RowsException.malformed(what + " has a header but no data rows");
        }
    }

    /**
     * Counts a data row, refusing one past the row limit; returns its number for messages: data rows counted from 0,
     * as every format counts them (a JSON body's instances, an answer's entries).
     */
    private int countRow() {
        count++;
        current = (int) Math.min(Integer.MAX_VALUE, count - 1);
        if (count > maxRows) {
            throw RowsException.tooManyRows(what + " has more than " + maxRows + " data rows; split it");
        }
        return current;
    }

    /** A row of too many or too few cells, which is reported and left out; its line says where it is in the text. */
    private void wrongWidth(int rowNumber, long line, int cells) {
        add(new FieldProblem("row", "line " + line + " has " + cells + " fields; the header has " + width, rowNumber));
    }

    /**
     * A bad value of the row being read, in the words every format uses; its row is in {@link FieldProblem#row}, which
     * a refusal's summary names ({@link RowsException#oneLine}).
     */
    private static FieldProblem problem(String field, String text, int rowNumber) {
        return new FieldProblem(field, text, rowNumber);
    }

    /**
     * One row as cell texts, one per column (a JSON Lines object's values).
     *
     * @param line the line the row starts on, for the message about a row of the wrong length
     */
    public void textRow(String[] texts, long line) throws IOException {
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
        rowRead(rowNumber, readable, echoed);
    }

    /**
     * One row of a columnar input (Arrow), its cells read without text: one per feature, in the model's order, each
     * a value as {@link TextCells#read} gives (null for missing) or an {@link Unreadable} saying why not.
     *
     * @param echoed the row's cells as text, one per column, when records are wanted (else null)
     */
    public void valueRow(Object[] cells, long chars, List<String> echoed) throws IOException {
        int rowNumber = countRow();
        longest = Math.max(longest, chars);
        boolean readable;
        if (numbersOnly) {
            double[] row = new double[cells.length];
            boolean good = true;
            for (int i = 0; i < cells.length; i++) {
                if (cells[i] instanceof Double value) {
                    row[i] = value;
                } else {
                    good = false;
                    String field = features.get(i).name();
                    add(problem(
                            field,
                            cells[i] instanceof Unreadable why ? why.problem() : CellChecker.missing(features.get(i)),
                            rowNumber));
                }
            }
            readable = keep(good ? row : null, rowNumber);
        } else {
            java.util.Set<String> unread = null;
            for (int i = 0; i < cells.length; i++) {
                if (cells[i] instanceof Unreadable why) {
                    unread = unread == null ? new java.util.HashSet<>() : unread;
                    unread.add(features.get(i).name());
                    add(problem(features.get(i).name(), why.problem(), rowNumber));
                    cells[i] = null;
                }
            }
            chunk.addCells(cells, unread, rowNumber);
            readable = true;
        }
        rowRead(rowNumber, readable, echoed);
    }

    /**
     * A row of a columnar input whose every cell is a finite number, for a model that takes numbers only: what
     * {@link #valueRow} does with such a row, with no object per cell.
     */
    public void numberRow(double[] row, long chars, List<String> echoed) throws IOException {
        int rowNumber = countRow();
        longest = Math.max(longest, chars);
        boolean readable = keep(row, rowNumber);
        rowRead(rowNumber, readable, echoed);
    }

    /**
     * @return whether a row handed to {@link #numberRow} now is kept (so that its numbers must be an array of its
     *         own): always in row mode, otherwise while the pass hands its chunks on; a checking pass keeps none
     */
    public boolean keepsNumbers() {
        return rowMode || chunk.wanted();
    }

    /** A cell of a columnar input that holds no value of its feature's type, and why. */
    public record Unreadable(String problem) {}

    /**
     * A line that holds no row at all (JSON Lines' line that is not an object), which is reported and left out.
     *
     * @param problem what is wrong with it, naming its line
     */
    public void unreadableRow(String problem) throws IOException {
        int rowNumber = countRow();
        add(new FieldProblem("row", problem, rowNumber));
        if (rowMode) {
            endRow(rowNumber, false, null);
        }
    }

    /** A row read to its end: its record kept when wanted, and in row mode its place ended; else a full chunk sent. */
    private void rowRead(int rowNumber, boolean readable, List<String> echoed) throws IOException {
        if (readable && withRecords) {
            chunk.addRecord(echoed);
        }
        if (rowMode) {
            endRow(rowNumber, readable, echoed);
        } else if (rows() == RowsReader.CHUNK_ROWS) {
            chunk.flush();
        }
    }

    /** Row mode: the row read takes its place in the chunk, which is handed on once it has a chunk's rows. */
    private void endRow(int rowNumber, boolean joined, List<String> echoed) throws IOException {
        places.endRow(rowNumber, joined ? rows() - 1 : -1, !joined && withRecords ? echoed : null);
        if (places.size() == RowsReader.CHUNK_ROWS) {
            chunk.flush();
        }
    }

    /**
     * One row split in place (a CSV record): read as {@link #textRow} reads its cells' texts, a plain number without
     * a string.
     */
    public void splitRow(SplitRow row) throws IOException {
        int rowNumber = countRow();
        List<String> echoed = withRecords ? row.texts() : null;
        if (row.cells() != width) {
            wrongWidth(rowNumber, row.line(), row.cells());
            if (rowMode) {
                endRow(rowNumber, false, echoed);
            }
            return;
        }
        long chars = 0;
        for (int i = 0; i < width; i++) {
            chars += row.length(i);
        }
        longest = Math.max(longest, chars);
        boolean readable;
        if (numbersOnly && !decimalComma) {
            readable = keep(numberCells.readPlain(row, told), rowNumber);
        } else if (numbersOnly) {
            readable = readNumbers(row::text, true, rowNumber);
        } else {
            readable = readCells(row::text, rowNumber);
        }
        rowRead(rowNumber, readable, echoed);
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
        if (row != null && (rowMode || chunk.wanted())) {
            chunk.addNumbers(row, rowNumber);
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
        chunk.addCells(row, unread, rowNumber);
        return true;
    }
}
