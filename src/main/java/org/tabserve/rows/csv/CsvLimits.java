package org.tabserve.rows.csv;

import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.RowMemory;

/**
 * The size limits of one CSV row, which {@link CsvLexer} enforces before a row is held whole (commons-csv, which read
 * quoted rows before it, kept a whole cell and a whole record first, so a 4 MB row of two million cells, or one endless
 * cell, filled the heap), and their refusals: a 413 naming the limit, the row and its line, and the column.
 */
final class CsvLimits {

    /** Cells in one row, the header's too: far more than any model's inputs and the columns a file adds. */
    static final int MAX_CELLS = 10_000;
    /**
     * Characters in one cell, quotes and surrounding spaces included (and the separator that ends it): a text value
     * the model reads holds at most 10,000 ({@code ModelSignature}); this leaves room for notes in columns the model
     * does not read.
     */
    static final int MAX_CELL_CHARS = 65_536;
    /** Characters in one row, separators included (not its line end). */
    static final int MAX_ROW_CHARS = RowMemory.MAX_ROW_CHARS;
    /**
     * The longest first line, in characters: its separator is found before it is split, and a file whose first line
     * is longer (a binary file, or a gzip bomb of one endless line) is no CSV to us.
     */
    static final int MAX_HEADER_CHARS = MAX_ROW_CHARS;

    private CsvLimits() {}

    /**
     * A row as every message names it: data rows from 0 after the header.
     *
     * @param record the records before it, the header first
     * @param line   the line it starts on
     */
    static String row(long record, long line) {
        return record == 0
                ? "the CSV's header row (line " + line + ")"
                : "row " + (record - 1) + " (line " + line + ") of the CSV";
    }

    static RowsException tooManyCells(String row) {
        return RowsException.tooLarge(row + " has more than " + MAX_CELLS
                + " cells, the most a CSV row may have (fixed: no setting raises it)");
    }

    static RowsException rowTooLong(String row) {
        return RowsException.tooLarge(row + " is longer than " + MAX_ROW_CHARS
                + " characters, the most a CSV row may hold (fixed: no setting raises it)");
    }

    /** @param quotedFrom the line its opening quote is on, or 0 when it is not quoted */
    static RowsException cellTooLong(String cell, String row, long quotedFrom) {
        return RowsException.tooLarge(cell + " of " + row + " is longer than " + MAX_CELL_CHARS
                + " characters, the most a CSV cell may hold (fixed: no setting raises it)"
                + (quotedFrom > 0
                        ? "; it is quoted from line " + quotedFrom
                                + ": a missing closing quote makes the rest of the file one cell"
                        : ""));
    }

    static RowsException headerTooLong() {
        return RowsException.malformed("the CSV's first line is longer than " + MAX_HEADER_CHARS
                + " characters; it must be a header row naming the columns");
    }
}
