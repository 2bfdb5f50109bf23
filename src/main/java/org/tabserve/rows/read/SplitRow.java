package org.tabserve.rows.read;

import java.util.Arrays;
import java.util.List;

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

    /** @return the row's cells as text, each as {@link #text} gives it */
    default List<String> texts() {
        String[] texts = new String[cells()];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = text(i);
        }
        return Arrays.asList(texts);
    }
}
