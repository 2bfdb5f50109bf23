package org.tabserve.rows.write;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.answer.AnswerColumn;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.answer.AnsweredRow;
import org.tabserve.rows.field.OnError;

/**
 * The answer to a body of rows as a table of {@link CsvAnswer}'s answer columns alone (no input columns), one row per
 * row sent, in order: for {@code /invocations} answered in a table format (Arrow), where MLflow's JSON answer has
 * no input columns either. With {@link OnError#ROW}, a last column {@value CsvAnswer#ERROR_COLUMN}.
 */
public final class AnswerTable {

    private AnswerTable() {}

    /**
     * Writes the table to {@code out} and closes it.
     *
     * @param shape   what each row carries ({@link org.tabserve.model.answer.BatchScoring#shape()})
     * @param source  the answer's request-level values, which model gave it
     * @param answers each row sent as scored, in order, null for a row refused in its place
     * @param errors  each row's problems as text (empty for a scored row), or null when a bad row refuses the body
     *                ({@link OnError#REJECT})
     */
    public static void write(
            RowsWriter out,
            AnswerShape shape,
            AnswerSource source,
            List<AnsweredRow.Scored> answers,
            List<String> errors)
            throws IOException {
        try (out) {
            List<AnswerColumn> columns = AnswerColumn.tableColumns(shape, errors != null);
            int answerColumns = errors != null ? columns.size() - 1 : columns.size();
            out.columns(List.of(), columns, source);
            List<Object> row = new ArrayList<>();
            for (int i = 0; i < answers.size(); i++) {
                row.clear();
                if (answers.get(i) == null) {
                    for (int c = 0; c < answerColumns; c++) {
                        row.add("");
                    }
                } else {
                    CsvAnswer.cells(row, shape, answers.get(i), false);
                }
                if (errors != null) {
                    row.add(errors.get(i));
                }
                out.row(List.of(), row);
            }
        }
    }
}
