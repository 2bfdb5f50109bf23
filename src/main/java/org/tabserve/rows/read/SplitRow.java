package org.tabserve.rows.read;

/**
 * One row of a text input split in place (the CSV lexer's current record), read by {@link RowPass} without a string
 * per cell: its cells' bounds stay in the reader's buffer until a cell's text is asked for.
 */
public interface SplitRow {

    /** @return the row's cell count */
    int cells();

    /** @return the length of cell {@code i}'s text */
    int length(int i);

    /** @return the text of cell {@code i} */
    String text(int i);

    /**
     * Reads cell {@code i} when it is a plain decimal read exactly without a string (see {@link NumberCells}).
     *
     * @return the value, or NaN when it is for {@link org.tabserve.rows.field.NumberText}
     */
    double plainNumber(int i);

    /** @return the line the row ends on, for the message about a row of the wrong length */
    long line();
}
