package org.tabserve.rows.csv;

import static org.tabserve.rows.csv.CsvLimits.MAX_CELLS;
import static org.tabserve.rows.csv.CsvLimits.MAX_CELL_CHARS;
import static org.tabserve.rows.csv.CsvLimits.MAX_HEADER_CHARS;
import static org.tabserve.rows.csv.CsvLimits.MAX_ROW_CHARS;

import java.io.IOException;
import java.io.Reader;
import java.util.List;
import org.tabserve.rows.field.NumberText;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.RowMemory;
import org.tabserve.rows.read.SplitRow;

/**
 * The one reader of a CSV's text: it finds the header row's separator, then splits every record in place in its
 * buffer, with no string per cell, as commons-csv's {@code CSVFormat.DEFAULT} with the upload's delimiter, surrounding
 * spaces ignored and empty lines skipped splits it ({@code CsvLexerTest} holds it to commons-csv on thousands of
 * files): a quote opens a quoted cell only at a cell's start, after spaces; a doubled quote inside one is a quote; a
 * separator or line end inside quotes is text; LF, CR and CRLF end a record. On the way it refuses the first row past
 * a size limit (cells, characters per cell, characters per row) with a 413 naming the limit, the row and the column,
 * before the row is held whole, and reserves the heap the longest row so far holds ({@link RowMemory}).
 */
final class CsvLexer implements SplitRow {

    private static final int MAX_BUFFER = MAX_ROW_CHARS + 2; // a record up to the row limit, and the one past it

    private static final int PLAIN = 0; // in a cell that is not quoted (or in its leading spaces)
    private static final int QUOTED = 1; // inside a quoted cell
    private static final int QUOTE = 2; // just after a quote inside a quoted cell: its end, or the first of two
    private static final int AFTER_QUOTE = 3; // after a quoted cell's closing quote (spaces, or a syntax error)

    private final Reader in;
    private final RowMemory memory;
    private char delimiter = ',';
    private char[] buffer = new char[1 << 16];
    private int limit; // characters in the buffer
    private boolean eof;
    private long charsBefore; // characters read before the buffer's first
    private int start; // the current record's first character
    private int next; // where the next record is looked for
    private boolean afterCarriageReturn; // the last line end was a CR: a LF right after it is part of it
    private long lineEnds; // line ends before the current record (CRLF once)
    private long record; // records before the current one, the header first
    private long line; // the line the current record ends on
    private int checkAt; // the row length past which the memory must be told, or the row limit
    private List<String> header = List.of(); // the header's names, once read: a cell past its limit is named by them
    private int cells;
    private int[] cellStart = new int[16];
    private int[] cellEnd = new int[16];
    private int[] doubled = new int[4]; // cells with doubled quotes, taken out once the record is read
    private int doubledCount;

    /** @param memory reserves the heap the parse holds for the longest row so far, as rows grow */
    CsvLexer(Reader in, RowMemory memory) {
        this.in = in;
        this.memory = memory;
        this.checkAt = memory.checkAt();
    }

    /** Names the columns, from the header row, for the refusal of a cell past its limit. */
    void name(List<String> columns) {
        header = List.copyOf(columns);
    }

    /**
     * Finds the separator the header row uses most often outside quotes (a quote toggles: the separator is not known
     * yet), before any record is read, and splits by it; the row is read into the buffer, which holds it until it is
     * split ({@link CsvLimits#MAX_HEADER_CHARS} at most), its heap reserved as it grows.
     */
    CsvSeparator separator() throws IOException {
        int[] counts = new int[CsvSeparator.values().length];
        boolean quoted = false;
        int reserved = Math.min(memory.checkAt(), MAX_HEADER_CHARS);
        for (int i = 0; ; ) {
            if (i == limit) {
                if (eof) {
                    break;
                }
                fill(); // the row so far stays at the buffer's start
                continue;
            }
            char c = buffer[i];
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '\n' || c == '\r')) {
                break;
            } else if (!quoted) {
                for (CsvSeparator separator : CsvSeparator.values()) {
                    counts[separator.ordinal()] += c == separator.character ? 1 : 0;
                }
            }
            if (++i > reserved) {
                if (i > MAX_HEADER_CHARS) {
                    throw CsvLimits.headerTooLong();
                }
                memory.reach(i);
                reserved = Math.min(memory.checkAt(), MAX_HEADER_CHARS);
            }
        }
        CsvSeparator separator = CsvSeparator.of(counts);
        delimiter = separator.character;
        return separator;
    }

    /**
     * Moves to the next record, skipping empty lines.
     *
     * @return false at the end of the input
     * @throws RowsException 413 for a row past a size limit, 400 for a quote the file never closes or text after a
     *                       closing quote
     */
    boolean next() throws IOException {
        while (true) {
            if (next == limit) {
                start = next;
                if (eof) {
                    return false;
                }
                fill();
                continue;
            }
            char c = buffer[next];
            if (c == '\n') {
                lineEnds += afterCarriageReturn ? 0 : 1;
            } else if (c == '\r') {
                lineEnds++;
            } else {
                break;
            }
            afterCarriageReturn = c == '\r';
            next++;
        }
        afterCarriageReturn = false;
        start = next;
        while (!scan()) {
            fill();
        }
        return true;
    }

    /** Moves the current record to the buffer's start (growing it if the record fills it) and reads until it is full. */
    private void fill() throws IOException {
        int kept = limit - start;
        if (kept == buffer.length) {
            if (buffer.length == MAX_BUFFER) {
                throw new IllegalStateException("a CSV record past the row limit was held");
            }
            char[] larger = new char[(int) Math.min(2L * buffer.length, MAX_BUFFER)];
            System.arraycopy(buffer, start, larger, 0, kept);
            buffer = larger;
        } else if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, kept);
        }
        charsBefore += start;
        next -= start;
        start = 0;
        limit = kept;
        while (limit < buffer.length && !eof) {
            int read = in.read(buffer, limit, buffer.length - limit);
            if (read < 0) {
                eof = true;
            } else {
                limit += read;
            }
        }
    }

    /**
     * Splits the record from {@link #start}, checking the limits as it goes.
     *
     * @return false when the buffer ends before the record does (fill it and scan again)
     */
    private boolean scan() {
        final char[] b = buffer;
        final char d = delimiter;
        int i = start;
        int cell = start; // the current cell's first character
        int state = PLAIN;
        int quote = -1; // the current cell's opening quote
        int closing = -1; // and its closing one
        int lines = 0; // line ends inside quotes so far
        int cellLines = 0; // ... before the current cell
        int rowBound = start + checkAt; // past it, the row must reserve more or be refused
        cells = 0;
        doubledCount = 0;
        while (true) {
            int bound = Math.min(limit, rowBound);
            if (state == PLAIN) { // only a separator, line end or quote (or a space before it) ends the skip
                while (i < bound && b[i] > '"' && b[i] != d) {
                    i++;
                }
            } else if (state == QUOTED) {
                while (i < bound && b[i] != '"' && b[i] != '\n' && b[i] != '\r') {
                    i++;
                }
            }
            if (i >= bound) {
                if (i == limit) {
                    if (i - cell > MAX_CELL_CHARS) {
                        throw cellTooLong(quote, cell, cellLines);
                    }
                    if (!eof) {
                        return false;
                    }
                    if (state == QUOTED) {
                        throw syntax("a quoted field that starts on line " + (lineEnds + cellLines + 1)
                                + " is never closed");
                    }
                    endCell(state, cell, i, false, quote, state == QUOTE ? i - 1 : closing, cellLines);
                    endRecord(i, lines, false);
                    return true;
                }
                if (state == QUOTED || b[i] != '\n' && b[i] != '\r') { // a line end outside quotes is no character
                    if (i - cell > MAX_CELL_CHARS) {
                        throw cellTooLong(quote, cell, cellLines);
                    }
                    reach(i - start + 1);
                    rowBound = start + checkAt;
                }
            }
            char c = b[i];
            switch (state) {
                case PLAIN, AFTER_QUOTE -> {
                    if (c == d) {
                        endCell(state, cell, i, true, quote, closing, cellLines);
                        if (cells >= MAX_CELLS) {
                            throw CsvLimits.tooManyCells(row());
                        }
                        state = PLAIN;
                        cell = i + 1;
                        cellLines = lines;
                        quote = -1;
                    } else if (c == '\n' || c == '\r') {
                        endCell(state, cell, i, false, quote, closing, cellLines);
                        endRecord(i, lines, true);
                        return true;
                    } else if (state == PLAIN) {
                        if (c == '"' && blank(cell, i)) {
                            state = QUOTED;
                            quote = i;
                        }
                    } else if (!Character.isWhitespace(c)) {
                        if (i - cell > MAX_CELL_CHARS) {
                            throw cellTooLong(quote, cell, cellLines);
                        }
                        throw syntax("text follows a closing quote on line " + (lineEnds + lines + 1) + " (character "
                                + (charsBefore + i + 1) + "); quote the whole field, and double any quote inside it");
                    }
                    i++;
                }
                case QUOTED -> {
                    if (c == '"') {
                        state = QUOTE;
                    } else if (c == '\r' || c == '\n' && b[i - 1] != '\r') {
                        lines++;
                    }
                    i++;
                }
                default -> { // QUOTE
                    if (c == '"') {
                        if (doubledCount == 0 || doubled[doubledCount - 1] != cells) {
                            doubled = grown(doubled, doubledCount);
                            doubled[doubledCount++] = cells;
                        }
                        state = QUOTED;
                        i++;
                    } else {
                        closing = i - 1; // c is read again after the quote
                        state = AFTER_QUOTE;
                    }
                }
            }
        }
    }

    /** Whether the characters from {@code from} to {@code to} are all white space: a quote there opens a cell. */
    private boolean blank(int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isWhitespace(buffer[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Keeps the bounds of a cell's text: a plain cell trimmed as commons-csv trims it, a quoted one between its quotes.
     *
     * @param end       the character after the cell (its separator, line end, or the input's end)
     * @param separated whether a separator ends it, which the cell limit counts
     */
    private void endCell(int state, int cell, int end, boolean separated, int quote, int closing, int cellLines) {
        if (end - cell + (separated ? 1 : 0) > MAX_CELL_CHARS) {
            throw cellTooLong(quote, cell, cellLines);
        }
        if (cells == cellStart.length) {
            cellStart = grown(cellStart, cells);
            cellEnd = grown(cellEnd, cells);
        }
        int s = quote + 1;
        int e = closing;
        if (state == PLAIN) {
            s = cell;
            e = end;
            while (s < e && isWhitespace(buffer[s])) {
                s++;
            }
            while (e > s && isWhitespace(buffer[e - 1])) {
                e--;
            }
        }
        cellStart[cells] = s;
        cellEnd[cells] = e;
        cells++;
    }

    /** Ends the record at {@code at}, its line end or the input's end, and takes the doubled quotes out of its cells. */
    private void endRecord(int at, int lines, boolean lineEnd) {
        line = lineEnds + lines + 1;
        lineEnds += lines + (lineEnd ? 1 : 0);
        afterCarriageReturn = lineEnd && buffer[at] == '\r';
        next = lineEnd ? at + 1 : at;
        record++;
        for (int k = 0; k < doubledCount; k++) {
            int cell = doubled[k];
            int w = cellStart[cell];
            for (int r = w; r < cellEnd[cell]; r++) {
                buffer[w++] = buffer[r];
                r += buffer[r] == '"' ? 1 : 0;
            }
            cellEnd[cell] = w;
        }
    }

    private static int[] grown(int[] array, int used) {
        return used < array.length ? array : java.util.Arrays.copyOf(array, array.length * 2);
    }

    /** A row of {@code rowChars} so far: refused past the row limit, else its heap reserved. */
    private void reach(int rowChars) {
        if (rowChars > MAX_ROW_CHARS) {
            throw CsvLimits.rowTooLong(row());
        }
        memory.reach(rowChars);
        checkAt = memory.checkAt();
    }

    private RowsException cellTooLong(int quote, int cell, int cellLines) {
        String column =
                record > 0 && cells < header.size() ? "the cell of column '" + header.get(cells) + "'" : "a cell";
        boolean quoted = quote >= 0 && quote - cell < MAX_CELL_CHARS;
        return CsvLimits.cellTooLong(column, row(), quoted ? lineEnds + cellLines + 1 : 0);
    }

    private String row() {
        return CsvLimits.row(record, lineEnds + 1);
    }

    private RowsException syntax(String problem) {
        return RowsException.malformed((record == 0 ? "malformed CSV header: " : "malformed CSV: ") + problem);
    }

    /**
     * {@link Character#isWhitespace(char)}, answered without its table lookup for the printable ASCII characters
     * (none of them is white space), which are nearly every character of an upload.
     */
    static boolean isWhitespace(char c) {
        return (c <= ' ' || c >= 0x7f) && Character.isWhitespace(c);
    }

    @Override
    public int cells() {
        return cells;
    }

    @Override
    public long line() {
        return line;
    }

    @Override
    public String text(int i) {
        return new String(buffer, cellStart[i], cellEnd[i] - cellStart[i]);
    }

    @Override
    public int length(int i) {
        return cellEnd[i] - cellStart[i];
    }

    /** Reads cell {@code i} when it is a plain decimal read exactly without a string ({@link NumberText#plainDecimal}). */
    @Override
    public double plainNumber(int i) {
        return NumberText.plainDecimal(buffer, cellStart[i], cellEnd[i]);
    }
}
