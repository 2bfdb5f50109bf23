package org.tabserve.model.answer;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One column of an answer written as a table (CSV, JSON Lines, Arrow, Parquet, MLflow's records, Spark's result
 * struct): its name and how it holds its cells, taken from the field it spells out; this type also says which columns
 * each field is in a table ({@link #columns}, {@link #tableColumns}).
 *
 * @param field the per-row field it belongs to
 * @param name  the column's name
 * @param type  its cells' type
 * @param part  which of the field's parts it holds: the class index of a probability column, 0 and 1 for an
 *              interval's ends or a novelty's p-value and flag, else 0
 */
public record AnswerColumn(AnswerField field, String name, CellType type, int part) {

    /**
     * The columns of the fields a table spells its own way, made once (writers ask per row): none for the fields a
     * table does not carry (the display name and warnings, which are for people and a JSON answer; an explanation,
     * which no table-answered route takes); any other field but the probabilities (one column a class) is spelled by
     * its type ({@link #byType}).
     */
    private static final Map<AnswerField, List<AnswerColumn>> OWN_COLUMNS = new EnumMap<>(AnswerField.class);

    static {
        own(AnswerField.LABEL, "label", CellType.TEXT);
        own(AnswerField.DISPLAY_NAME);
        own(AnswerField.VALUE, "value", CellType.NUMBER);
        own(AnswerField.WARNINGS);
        own(AnswerField.EXPLANATION);
        own(AnswerField.INTERVAL, "lower", CellType.NUMBER, "upper", CellType.NUMBER);
        own(AnswerField.PREDICTION_SET, AnswerField.PREDICTION_SET.key(), CellType.TEXT);
        own(AnswerField.COVERAGE, AnswerField.COVERAGE.key(), CellType.NUMBER);
        own(AnswerField.NOVELTY, "novelty_p_value", CellType.NUMBER, "novel", CellType.TEXT);
        own(AnswerField.ERRORS, AnswerField.ERROR_COLUMN, CellType.TEXT);
    }

    /** Puts {@code field}'s columns: each a name and a cell type, in the order of the field's parts. */
    private static void own(AnswerField field, Object... namesAndTypes) {
        List<AnswerColumn> columns = new ArrayList<>();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            columns.add(new AnswerColumn(field, (String) namesAndTypes[i], (CellType) namesAndTypes[i + 1], i / 2));
        }
        OWN_COLUMNS.put(field, List.copyOf(columns));
    }

    /**
     * The columns {@code field} is in a table, in order: none for the fields a table does not carry (the display name
     * and warnings, which are for people and a JSON answer; an explanation, which no table-answered route takes).
     *
     * @param shape the model's task and what the request asked for; the field must be {@link AnswerField#present} in
     *              it
     */
    public static List<AnswerColumn> columns(AnswerField field, AnswerShape shape) {
        List<AnswerColumn> own = OWN_COLUMNS.get(field);
        if (own != null) {
            return own;
        }
        if (field != AnswerField.PROBABILITIES) {
            return byType(field, field.type(shape));
        }
        List<AnswerColumn> columns = new ArrayList<>(shape.classes().size());
        for (int c = 0; c < shape.classes().size(); c++) {
            columns.add(new AnswerColumn(
                    field, AnswerField.PROBABILITY_PREFIX + shape.classes().get(c), CellType.NUMBER, c));
        }
        return columns;
    }

    /**
     * The columns of a field with none of its own, by its type: a number one number column under its key, a text, a
     * flag or texts one text column, named numbers one number column a name ({@code key_name}), a struct its members'
     * columns ({@code key_member}); records none (a table's cell holds no list of records).
     */
    private static List<AnswerColumn> byType(AnswerField field, FieldType type) {
        return switch (type.kind()) {
            case NUMBER -> List.of(new AnswerColumn(field, field.key(), CellType.NUMBER, 0));
            case TEXT, FLAG, TEXTS -> List.of(new AnswerColumn(field, field.key(), CellType.TEXT, 0));
            case NAMED_NUMBERS -> {
                List<String> names = ((FieldType.NamedNumbers) type).names();
                List<AnswerColumn> columns = new ArrayList<>(names.size());
                for (int n = 0; n < names.size(); n++) {
                    columns.add(new AnswerColumn(field, field.key() + "_" + names.get(n), CellType.NUMBER, n));
                }
                yield List.copyOf(columns);
            }
            case STRUCT -> {
                List<FieldType.Member> members = ((FieldType.Struct) type).members();
                List<AnswerColumn> columns = new ArrayList<>(members.size());
                for (int m = 0; m < members.size(); m++) {
                    CellType cells = switch (members.get(m).type().kind()) {
                        case NUMBER -> CellType.NUMBER;
                        case TEXT, FLAG -> CellType.TEXT;
                        case TEXTS, NAMED_NUMBERS, STRUCT, RECORDS -> null; // more than a cell holds
                    };
                    if (cells != null) {
                        columns.add(new AnswerColumn(
                                field, field.key() + "_" + members.get(m).name(), cells, m));
                    }
                }
                yield List.copyOf(columns);
            }
            case RECORDS -> List.of();
        };
    }

    /**
     * @param shape  the model's task and what the request asked for
     * @param errors whether bad rows are answered in their place
     * @return the columns of a table answer's present fields, in order (the input's columns go before them)
     */
    public static List<AnswerColumn> tableColumns(AnswerShape shape, boolean errors) {
        List<AnswerColumn> columns = new ArrayList<>();
        for (AnswerField field : AnswerField.values()) {
            if (field.present(shape, errors)) {
                columns.addAll(columns(field, shape));
            }
        }
        return columns;
    }

    /** @return the names of {@code columns}, in order */
    public static List<String> names(List<AnswerColumn> columns) {
        List<String> names = new ArrayList<>(columns.size());
        for (AnswerColumn column : columns) {
            names.add(column.name());
        }
        return names;
    }

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
