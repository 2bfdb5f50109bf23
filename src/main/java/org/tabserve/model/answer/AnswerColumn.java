package org.tabserve.model.answer;

/**
 * One column of an answer written as a table (CSV, JSON Lines, Arrow, Parquet, MLflow's records, Spark's result
 * struct): its name and how it holds its cells, taken from the field it spells out.
 *
 * @param field the per-row field it belongs to
 * @param name  the column's name
 * @param type  its cells' type
 * @param part  which of the field's parts it holds: the class index of a probability column, 0 and 1 for an
 *              interval's ends or a novelty's p-value and flag, else 0
 */
public record AnswerColumn(AnswerField field, String name, CellType type, int part) {

    /**
     * @param value the row's value of the column's field ({@link AnswerField#value}), or null where it has none
     * @return the column's cell: its part of the value ({@link FieldValue#part}), a text or a number; a flag as
     *         {@code true}/{@code false}, texts joined by {@value AnswerField#SET_SEPARATOR}; empty text for none
     */
    public Object cell(FieldValue value) {
        FieldValue cell = value == null ? null : value.part(part);
        if (cell == null) {
            return "";
        }
        return switch (cell.kind()) {
            case TEXT -> ((FieldValue.Text) cell).text();
            case NUMBER -> ((FieldValue.Number) cell).number();
            case FLAG -> Boolean.toString(((FieldValue.Flag) cell).flag());
            case TEXTS -> String.join(AnswerField.SET_SEPARATOR, ((FieldValue.Texts) cell).texts());
            case NAMED_NUMBERS, STRUCT, RECORDS ->
                throw new IllegalStateException("a table's cell holds one text or number, not " + name + "'s");
        };
    }
}
