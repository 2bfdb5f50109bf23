package org.tabserve.rows.read;

import java.io.IOException;
import java.io.Reader;
import java.util.List;
import org.tabserve.rows.field.RowsException;

/**
 * The size limits of one CSV row (cells, characters per cell, characters per row), enforced on the text as it is
 * read, before any parser holds it: commons-csv keeps a whole cell and a whole record before it hands either on, so a
 * 4 MB row of two million cells, or one endless cell, filled the heap. It follows the file as commons-csv splits it
 * with the upload's format (a quote opens a quoted cell only at a cell's start, after spaces; a doubled quote inside
 * one is a quote; a separator or line end inside quotes is text; a line end outside quotes ends the record; empty
 * lines are no rows) and refuses the first row past a limit with a 413 that names the limit and the row. Every CSV
 * reader (the upload, {@code /invocations}, {@code card}, {@code score}) reads through it.
 */
public final class CsvRowLimits extends Reader {

    /** Cells in one row, the header's too: far more than any model's inputs and the columns a file adds. */
    static final int MAX_CELLS = 10_000;
    /**
     * Characters in one cell, quotes and surrounding spaces included: a text value the model reads holds at most
     * 10,000 ({@code ModelSignature}); this leaves room for notes in columns the model does not read.
     */
    static final int MAX_CELL_CHARS = 65_536;
    /** Characters in one row, separators included (not its line end); the same as the longest header row. */
    public static final int MAX_ROW_CHARS = 1 << 20;

    private static final int CELL_START = 0; // before a cell's first character, or in its leading spaces
    private static final int PLAIN = 1; // in a cell that does not start with a quote
    private static final int QUOTED = 2; // inside a quoted cell
    private static final int QUOTE = 3; // just after a quote inside a quoted cell: its end, or the first of two
    private static final int AFTER_QUOTE = 4; // after a quoted cell's closing quote (spaces, or a syntax error)

    private final Reader in;
    private final char delimiter;
    private final RowMemory memory;
    /** The row length past which {@link #count} looks again: what is reserved, or the row limit. */
    private int checkAt;

    private int state = CELL_START;
    private boolean afterCarriageReturn;
    private int cells; // separators read in the current row
    private int cellChars;
    private int rowChars;
    private boolean quotedCell;
    private long rows; // rows ended before the current one, the header first
    private long lineEnds; // line ends read, counted as commons-csv counts lines (CRLF once)
    private long rowLine = 1; // the line the current row starts on
    private long cellLine = 1; // the line the current cell starts on

    /** The header's column names, once the parser has read them: a cell past its limit is named by its column. */
    private List<String> header = List.of();

    CsvRowLimits(Reader in, char delimiter) {
        this(in, delimiter, RowMemory.NONE);
    }

    /** @param memory reserves the heap the parse holds for the longest row so far, as rows grow */
    CsvRowLimits(Reader in, char delimiter, RowMemory memory) {
        this.in = in;
        this.delimiter = delimiter;
        this.memory = memory;
        this.checkAt = memory.checkAt();
    }

    /** Names the columns, from the header the parser read, for the refusal of a cell past its limit. */
    void name(List<String> columns) {
        header = List.copyOf(columns);
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        int end = offset + n;
        int i = offset;
        while (i < end) {
            // Inside a cell only a few characters change anything: skip the rest at once, then count them (a
            // character at a time cost as much as decoding the file).
            if (state == CELL_START) {
                char c = buffer[i];
                if (c > ' ' && c < 0x7f && c != '"' && c != delimiter) { // no space, quote, separator or line end
                    state = PLAIN;
                }
            }
            if (state == PLAIN || state == AFTER_QUOTE || state == QUOTED) {
                int from = i;
                i = state == QUOTED ? skipQuoted(buffer, i, end) : skipPlain(buffer, i, end);
                if (i > from) {
                    afterCarriageReturn = false;
                    count(i - from);
                }
                if (i == end) {
                    break;
                }
            }
            follow(buffer[i++]);
        }
        return n;
    }

    /** @return the index of the first separator or line end from {@code i}, or {@code end} */
    private int skipPlain(char[] buffer, int i, int end) {
        char separator = delimiter;
        for (; i < end; i++) {
            char c = buffer[i];
            if (c == separator || c == '\n' || c == '\r') {
                break;
            }
        }
        return i;
    }

    /** @return the index of the first quote or line end from {@code i}, or {@code end} */
    private static int skipQuoted(char[] buffer, int i, int end) {
        for (; i < end; i++) {
            char c = buffer[i];
            if (c == '"' || c == '\n' || c == '\r') {
                break;
            }
        }
        return i;
    }

    /**
     * @throws RowsException 413 when the character makes its row or cell longer than allowed, or starts one cell too
     *                     many
     */
    private void follow(char c) {
        if (c == '\n' && afterCarriageReturn) {
            afterCarriageReturn = false; // CRLF is one line end
            if (state == QUOTED) {
                count(1);
            }
            return;
        }
        afterCarriageReturn = c == '\r';
        if (c == '\n' || c == '\r') {
            lineEnds++;
            if (state != QUOTED) {
                endRow();
                return;
            }
        }
        count(1);
        switch (state) {
            case CELL_START -> {
                if (c == delimiter) {
                    nextCell();
                } else if (c == '"') {
                    state = QUOTED;
                    quotedCell = true;
                } else if (!Character.isWhitespace(c)) {
                    state = PLAIN;
                }
            }
            case QUOTED -> {
                if (c == '"') {
                    state = QUOTE;
                }
            }
            case QUOTE -> {
                if (c == '"') {
                    state = QUOTED;
                } else if (c == delimiter) {
                    nextCell();
                } else {
                    state = AFTER_QUOTE;
                }
            }
            default -> { // PLAIN, AFTER_QUOTE
                if (c == delimiter) {
                    nextCell();
                }
            }
        }
    }

    /** Counts characters of the current cell and row. */
    private void count(int chars) {
        cellChars += chars;
        rowChars += chars;
        if (rowChars > checkAt) { // one comparison on the hot path: past the reserved length, or past the limit
            if (rowChars > MAX_ROW_CHARS) {
                throw RowsException.tooLarge(row() + " is longer than " + MAX_ROW_CHARS
                        + " characters, the most a CSV row may hold (fixed: no setting raises it)");
            }
            memory.reach(rowChars);
            checkAt = memory.checkAt();
        }
        if (cellChars > MAX_CELL_CHARS) {
            throw RowsException.tooLarge(cell() + " of " + row() + " is longer than " + MAX_CELL_CHARS
                    + " characters, the most a CSV cell may hold (fixed: no setting raises it)"
                    + (quotedCell
                            ? "; it is quoted from line " + cellLine
                                    + ": a missing closing quote makes the rest of the file one cell"
                            : ""));
        }
    }

    private void nextCell() {
        if (++cells >= MAX_CELLS) {
            throw RowsException.tooLarge(row() + " has more than " + MAX_CELLS
                    + " cells, the most a CSV row may have (fixed: no setting raises it)");
        }
        state = CELL_START;
        cellChars = 0;
        quotedCell = false;
        cellLine = lineEnds + 1;
    }

    private void endRow() {
        if (rowChars > 0) { // commons-csv skips an empty line; a line of spaces is a row of one empty cell
            rows++;
        }
        state = CELL_START;
        cells = 0;
        cellChars = 0;
        rowChars = 0;
        quotedCell = false;
        rowLine = lineEnds + 1;
        cellLine = rowLine;
    }

    /** The current cell, by its column's name where the header names it. */
    private String cell() {
        return rows > 0 && cells < header.size() ? "the cell of column '" + header.get(cells) + "'" : "a cell";
    }

    /** The current row as the parser's messages name it: data rows from 0 after the header, as every error counts. */
    private String row() {
        return rows == 0
                ? "the CSV's header row (line " + rowLine + ")"
                : "row " + (rows - 1) + " (line " + rowLine + ") of the CSV";
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /**
     * The heap a parse holds for its longest row so far (the tokenizer's line buffer, commons-csv's token and record
     * strings, the header's copy while its separator is found), reserved from a request's memory budget as rows grow,
     * so that many uploads of long rows at once wait or get 503 instead of filling the heap. Rows up to
     * {@link #FREE_CHARS} cost nothing here; past that the reservation doubles, up to {@link #MAX_ROW_CHARS}.
     */
    public static final class RowMemory {

        /** Row length that needs no reservation: the parse's buffers start this large anyway. */
        static final int FREE_CHARS = 1 << 16;
        /**
         * Heap per character of the longest row, measured (bytes allocated by a parse of one long row, less those
         * of a short one): 4.0 for a long data row, 15.3 for a long header of characters past Latin-1, which is read
         * twice (its separator is found in a copy of it) and kept as strings.
         */
        static final int BYTES_PER_CHAR = 16;
        /** Reserves nothing: for readers outside the server (the command line), whose heap is their own. */
        public static final RowMemory NONE = new RowMemory(null);

        private final java.util.function.LongConsumer grow;
        private int reservedChars; // the row length the reservation covers

        /** @param grow takes that many more bytes from the request's budget, or throws its 503 */
        RowMemory(java.util.function.LongConsumer grow) {
            this.grow = grow;
            this.reservedChars = grow == null ? MAX_ROW_CHARS : FREE_CHARS;
        }

        /** The row length past which {@link #reach} must be told. */
        int checkAt() {
            return reservedChars;
        }

        /** Reserves for a row of {@code chars} (at most {@link #MAX_ROW_CHARS}) when it is longer than reserved. */
        public void reach(int chars) {
            if (chars <= reservedChars) {
                return;
            }
            int covered = reservedChars;
            while (covered < chars && covered < MAX_ROW_CHARS) {
                covered = (int) Math.min((long) covered * 2, MAX_ROW_CHARS);
            }
            long before = reservedChars == FREE_CHARS ? 0 : (long) reservedChars * BYTES_PER_CHAR;
            grow.accept((long) covered * BYTES_PER_CHAR - before);
            reservedChars = covered;
        }
    }
}
