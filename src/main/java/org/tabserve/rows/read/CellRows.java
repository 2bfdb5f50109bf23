package org.tabserve.rows.read;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tabserve.model.answer.SentOrder;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.FieldError;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueType;
import org.tabserve.rows.field.NumberText;

/**
 * Checks rows of typed cells for an engine that embeds the model core (spark/), as {@code ?on_error=row} checks a
 * request's rows: each cell is taken as the JSON routes take the value of its type ({@link
 * org.tabserve.rows.json.JsonCells#read}), the rows the model refuses are left out with their errors, and the others
 * are handed over in one batch for the caller to score ({@link org.tabserve.model.answer.BatchScoring#scoreKept}) and
 * to pair with its answers by {@link Checked#order()} (the Spark connector's {@code ScoredCells}).
 *
 * <p>A cell is {@code null} (missing), a {@link Number}, a {@link String} or a {@link Boolean}: a float or double NaN is
 * a missing value, as {@code NaN} in JSON is; a number for a text input is its exact text
 * ({@link NumberText#exactText}); text for a number or boolean input is a text column's, read as the server reads
 * the same Parquet file's text column ({@link TextCells}: {@code "0.1257"} is a number, empty text is missing,
 * unreadable text refused in its words); any other kind of value is an error naming its type.
 */
public final class CellRows {

    /**
     * The rows as checked, ready to be scored.
     *
     * @param batch  the kept rows, in order, or null when none was kept
     * @param order  where each row given went: its index in {@code batch}, or left out
     * @param errors for each row given, its errors (empty for a kept row)
     */
    public record Checked(Batch batch, SentOrder order, List<List<FieldError>> errors) {}

    private CellRows() {}

    /**
     * @param rows one array per row, in {@link ModelSignature#features()} order; cells are replaced by the model's
     *             reading of them
     */
    public static Checked check(ModelSignature signature, List<Object[]> rows) {
        return check(
                signature,
                rows.size(),
                new Cells() {
                    @Override
                    public int width(int row) {
                        return Math.min(
                                rows.get(row).length, signature.features().size());
                    }

                    @Override
                    public Object get(int row, int feature) {
                        return rows.get(row)[feature];
                    }

                    @Override
                    public void set(int row, int feature, Object cell) {
                        rows.get(row)[feature] = cell;
                    }
                },
                some -> Batch.of(signature, GoodRows.pick(rows, some)));
    }

    /**
     * Checks rows given column by column, as {@link #check(ModelSignature, List)} checks the same cells given row by
     * row (the same rows kept, the same errors, the same batch), with no array per row.
     *
     * @param columns one array per feature, in {@link ModelSignature#features()} order, each holding that feature's
     *                cells for every row, all of the same length; cells are replaced by the model's reading of them
     */
    public static Checked checkColumns(ModelSignature signature, Object[][] columns) {
        int size = columns.length == 0 ? 0 : columns[0].length;
        return check(
                signature,
                size,
                new Cells() {
                    @Override
                    public int width(int row) {
                        return columns.length;
                    }

                    @Override
                    public Object get(int row, int feature) {
                        return columns[feature][row];
                    }

                    @Override
                    public void set(int row, int feature, Object cell) {
                        columns[feature][row] = cell;
                    }
                },
                some -> Batch.ofColumns(signature, some.length == size ? columns : pick(columns, some)));
    }

    /** The cells of a batch, by row and feature. */
    private interface Cells {
        /** @return how many of the row's cells are checked: the features', or fewer when the row has fewer */
        int width(int row);

        Object get(int row, int feature);

        void set(int row, int feature, Object cell);
    }

    /** The model's check of the rows at some indexes, in order: their batch, or its refusal. */
    private interface Check {
        Batch of(int[] rows);
    }

    private static Checked check(ModelSignature signature, int size, Cells cells, Check check) {
        List<Feature> features = signature.features();
        List<List<FieldError>> errors = new ArrayList<>(size);
        boolean[] faulty = new boolean[size];
        List<Set<String>> told = new ArrayList<>(size);
        for (int r = 0; r < size; r++) {
            List<FieldError> rowErrors = null;
            Set<String> named = null;
            for (int f = 0; f < cells.width(r); f++) {
                Object cell = cells.get(r, f);
                Feature feature = features.get(f);
                String problem = problem(feature, cell);
                if (problem != null) {
                    rowErrors = rowErrors == null ? new ArrayList<>() : rowErrors;
                    rowErrors.add(new FieldError(r, feature.name(), problem));
                    faulty[r] = true;
                    named = named == null ? new HashSet<>() : named;
                    named.add(feature.name());
                    cells.set(r, f, null); // checked as missing, so that the row's other cells are checked too
                } else {
                    cells.set(r, f, cell(feature, cell));
                }
            }
            errors.add(rowErrors);
            told.add(named);
        }
        List<Integer> candidates = new ArrayList<>(size);
        for (int r = 0; r < size; r++) {
            candidates.add(r);
        }
        // Every row is checked, a faulty one too: each of its bad cells is named (issue 61: a row whose three cells
        // were of no JSON type left out its fourth, a boolean for a number), each once.
        GoodRows.Checked checked = GoodRows.check(
                candidates,
                faulty,
                true,
                some -> check.of(some.stream().mapToInt(Integer::intValue).toArray()),
                GoodRows.untold(told, (candidate, error) -> {
                    if (errors.get(candidate) == null) {
                        errors.set(candidate, new ArrayList<>());
                    }
                    errors.get(candidate).add(new FieldError(candidate, error.field(), error.message()));
                }));
        for (int r = 0; r < size; r++) {
            if (errors.get(r) == null) {
                errors.set(r, List.of());
            }
        }
        return new Checked(checked.batch(), SentOrder.ofScored(size, checked.kept()), errors);
    }

    /** @return the cells of the rows at {@code rows}, in order, by column */
    private static Object[][] pick(Object[][] columns, int[] rows) {
        Object[][] picked = new Object[columns.length][rows.length];
        for (int f = 0; f < columns.length; f++) {
            for (int i = 0; i < rows.length; i++) {
                picked[f][i] = columns[f][rows[i]];
            }
        }
        return picked;
    }

    /** What is wrong with a cell before the model's check, or null: a value of no JSON type, or unreadable text. */
    private static String problem(Feature feature, Object cell) {
        if (cell instanceof String text && feature.type() != ValueType.STRING) {
            return TextCells.read(feature, text, false) == TextCells.UNREADABLE
                    ? TextCells.problem(feature, text, false)
                    : null;
        }
        if (cell == null || cell instanceof String || cell instanceof Boolean) {
            return null;
        }
        if (cell instanceof Number number) {
            if (feature.type() == ValueType.STRING && !isNaN(number) && text(number) == null) {
                return NumberText.noTextForm(feature.name(), number.toString());
            }
            return null;
        }
        return "'" + feature.name() + "' must be a number, a string, a boolean or missing, got " + kind(cell);
    }

    /** The kinds of value a column of another type gives, by the simple names of the types they are. */
    private static final Set<String> LISTS = Set.of("Iterable", "Collection", "List", "Seq", "Set", "IterableOnce");

    /**
     * What a value of no JSON type is, in the words of the column it comes from (an array column, a map, a struct,
     * binary data, a date), never a class's name alone: Spark hands an array column's cell over as Scala's
     * {@code ArraySeq$ofRef}, whose simple name read "got a ofRef" (issue 61). Scala's and Spark's types are known
     * by the names of the interfaces they implement, as this package does not depend on them.
     */
    static String kind(Object cell) {
        if (cell instanceof byte[]) {
            return "binary data (bytes)";
        }
        if (cell instanceof java.time.LocalDate) {
            return "a date";
        }
        if (cell instanceof java.util.Date || cell instanceof java.time.temporal.TemporalAccessor) {
            return "a date or time";
        }
        Set<String> types = new HashSet<>();
        for (Class<?> type = cell.getClass(); type != null; type = type.getSuperclass()) {
            interfaces(type, types);
        }
        // A map first: Scala's maps are iterables of pairs too.
        if (types.contains("Map")) {
            return "a map";
        }
        if (types.contains("Row")) {
            return "a struct (a row of named fields)";
        }
        if (cell.getClass().isArray() || types.stream().anyMatch(LISTS::contains)) {
            return "an array (a list of values)";
        }
        return "a value of another kind (" + cell.getClass().getName() + ")";
    }

    /** Adds the simple names of the interfaces {@code type} implements, and theirs, to {@code names}. */
    private static void interfaces(Class<?> type, Set<String> names) {
        for (Class<?> implemented : type.getInterfaces()) {
            if (names.add(implemented.getSimpleName())) {
                interfaces(implemented, names);
            }
        }
    }

    /** The cell as the model's check takes it (a cell {@link #problem} found nothing wrong with). */
    private static Object cell(Feature feature, Object cell) {
        if (cell instanceof String text && feature.type() != ValueType.STRING) {
            return TextCells.read(feature, text, false);
        }
        if (cell instanceof Number number) {
            if (isNaN(number)) {
                return null;
            }
            if (feature.type() == ValueType.STRING) {
                return text(number);
            }
            return number instanceof Float f ? (Object) floatAsDouble(f) : number;
        }
        return cell;
    }

    /**
     * @return a float as the double of its shortest text ({@code 0.1f} as {@code 0.1}, not {@code 0.100000001...}):
     *         the value a typed cell of a float column becomes, which every engine embedding the core must give alike
     */
    public static double floatAsDouble(float value) {
        return Double.parseDouble(Float.toString(value));
    }

    private static boolean isNaN(Number number) {
        return (number instanceof Double || number instanceof Float) && Double.isNaN(number.doubleValue());
    }

    /** A number's exact text for a text input, or null when it has none ({@link NumberText#exactText}). */
    private static String text(Number number) {
        String literal = number instanceof Float f
                ? Float.toString(f)
                : number instanceof Double d ? Double.toString(d) : number.toString();
        return NumberText.exactText(literal).orElse(null);
    }
}
