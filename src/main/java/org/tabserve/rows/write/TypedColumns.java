package org.tabserve.rows.write;

import java.util.List;
import java.util.Map;
import org.tabserve.model.answer.AnswerColumn;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.answer.CellType;

/**
 * A typed format's answer table as its schema needs it (Arrow's, Parquet's): every column's name, the answer's
 * columns' types from the description, and the request-level fields its metadata carries.
 *
 * @param names       the input's column names, then the answer's
 * @param answerTypes the answer's columns' types, in order
 * @param metadata    the request-level fields a body carries, under {@code tabserve.KEY} ({@link RowsWriter#metadata})
 */
record TypedColumns(List<String> names, List<CellType> answerTypes, Map<String, String> metadata) {

    static TypedColumns of(List<String> input, List<AnswerColumn> answer, AnswerSource source) {
        return new TypedColumns(
                RowsWriter.names(input, answer),
                answer.stream().map(AnswerColumn::type).toList(),
                RowsWriter.metadata(source));
    }

    /** @return whether column {@code column}, one of the answer's after {@code inputs} input columns, holds text */
    boolean answerText(int column, int inputs) {
        return answerTypes.get(column - inputs) == CellType.TEXT;
    }
}
