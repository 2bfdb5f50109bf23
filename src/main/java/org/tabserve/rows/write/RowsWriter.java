package org.tabserve.rows.write;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Answers out, whatever their format: the table an answer to a file of rows is (the input's columns, then the
 * answer's), written a row at a time. A format that answers in kind is one implementation and one line in
 * {@link org.tabserve.rows.RowFormat}; {@link CsvAnswer} fills it for {@code /predict_file}'s file answers, the upload
 * page's download
 * and the {@code score} command.
 */
public interface RowsWriter extends Closeable {

    /** Writes the table's column names, once, before any row. */
    void columns(List<String> names) throws IOException;

    /**
     * Writes one row.
     *
     * @param input  its cells as the input wrote them (untyped text; empty for a missing value)
     * @param answer the answer's cells: a label or a problem as text, a probability or a value as a number, and
     *               empty text for a cell a bad row has no answer in
     */
    void row(List<String> input, List<?> answer) throws IOException;
}
