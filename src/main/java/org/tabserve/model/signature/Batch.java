package org.tabserve.model.signature;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows as the model takes them: for each input, its values row-major in the input's own element type. Building a
 * batch is the one place where what a caller sent meets what the model takes: a number where text belongs or the
 * reverse, a missing value where none is allowed, a fraction or an overflow for an integer, a value out of float
 * range, text too long, or an unknown category the model refuses: each is a field error naming the field and its row,
 * all of them listed at once ({@code CellChecker} checks each cell), with the rows the model's own check of whole rows
 * refuses ({@link ModelSignature.RowCheck}). An unknown category the model takes is a warning on its row instead.
 *
 * <p>Parsers hand over each row as cells in {@link ModelSignature#features()} order, each cell typed as its format
 * says: {@code null} for a missing value, a {@link Number}, a {@link String} or a {@link Boolean}. Text formats (CSV,
 * forms, queries) read numbers and booleans for number and boolean features themselves, since there only they know
 * a cell's text is meant as one.
 */
public final class Batch implements ModelSignature.Rows {

    private final ModelSignature signature;
    private final int size;
    private final Object[] data; // per input: float[], double[], long[], int[], String[] or boolean[], row-major
    private final List<List<RangeWarning>> warnings;
    /** Whether every row passed its signature's {@link ModelSignature#rowCheck} (a mixed batch's did not run it). */
    private final boolean rowsChecked;

    private Batch(ModelSignature signature, int size, Object[] data, List<List<RangeWarning>> warnings) {
        this(signature, size, data, warnings, false);
    }

    private Batch(
            ModelSignature signature, int size, Object[] data, List<List<RangeWarning>> warnings, boolean rowsChecked) {
        this.signature = signature;
        this.size = size;
        this.data = data;
        this.warnings = warnings;
        this.rowsChecked = rowsChecked;
    }

    /**
     * Checks and converts rows of cells.
     *
     * @param rows one array per row, in {@link ModelSignature#features()} order
     * @throws ModelException of kind {@link ModelException.Kind#INVALID_INPUT} listing every bad value with its row
     */
    public static Batch of(ModelSignature signature, List<Object[]> rows) {
        int width = signature.features().size();
        return of(
                signature,
                rows.size(),
                r -> rows.get(r).length == width ? null : rows.get(r).length,
                (r, f) -> rows.get(r)[f]);
    }

    /**
     * Checks and converts rows given column by column, as {@link #of} checks the same cells given row by row: for an
     * engine that reads its rows by column (spark/), with no array per row.
     *
     * @param columns one array per feature, in {@link ModelSignature#features()} order, each holding that feature's
     *                cells for every row, all of the same length
     * @throws ModelException of kind {@link ModelException.Kind#INVALID_INPUT} listing every bad value with its row
     */
    public static Batch ofColumns(ModelSignature signature, Object[][] columns) {
        if (columns.length != signature.features().size()) {
            throw new IllegalArgumentException(
                    columns.length + " columns for the " + signature.features().size() + " features");
        }
        int size = columns.length == 0 ? 0 : columns[0].length;
        for (Object[] column : columns) {
            if (column.length != size) {
                throw new IllegalArgumentException("columns of " + size + " and " + column.length + " rows");
            }
        }
        return of(signature, size, r -> null, (r, f) -> columns[f][r]);
    }

    /** A row's cell by its feature's index. */
    private interface Cells {
        Object cell(int row, int feature);
    }

    /** How many cells a row has when the model takes another count, else null. */
    private interface Widths {
        Integer wrong(int row);
    }

    private static Batch of(ModelSignature signature, int size, Widths widths, Cells cells) {
        Object[] data = allocate(signature, size);
        List<List<RangeWarning>> warnings = new ArrayList<>(size);
        ModelSignature.FieldErrors errors = new ModelSignature.FieldErrors();
        boolean[] refused = null; // the rows with a refused cell, which the model's row check leaves alone
        List<Feature> features = signature.features();
        List<RangeWarning> rowWarnings = new ArrayList<>(); // one row's at a time, copied when it has any
        for (int r = 0; r < size; r++) {
            Integer wrong = widths.wrong(r);
            if (wrong != null) {
                errors.add(
                        r,
                        "row",
                        "row has " + wrong + " values; the model takes " + features.size() + ": "
                                + signature.featureNames());
                refused = refused(refused, size, r);
                warnings.add(List.of());
                continue;
            }
            int f = 0;
            for (int i = 0; i < signature.inputs().size(); i++) {
                ModelInput input = signature.inputs().get(i);
                for (int c = 0; c < input.width(); c++, f++) {
                    String problem = CellChecker.store(
                            input.features().get(c), cells.cell(r, f), data[i], r * input.width() + c, rowWarnings);
                    if (problem != null) {
                        errors.add(r, features.get(f).name(), problem);
                        refused = refused(refused, size, r);
                    }
                }
            }
            warnings.add(rowWarnings.isEmpty() ? List.of() : List.copyOf(rowWarnings));
            rowWarnings.clear();
        }
        return checked(new Batch(signature, size, data, warnings), refused, errors);
    }

    /** @return {@code refused} (made for {@code size} rows when null) with row {@code r} marked */
    private static boolean[] refused(boolean[] refused, int size, int r) {
        boolean[] marked = refused == null ? new boolean[size] : refused;
        marked[r] = true;
        return marked;
    }

    /**
     * @return the batch, once the model's own check of whole rows ({@link ModelSignature#rowCheck}) has seen every row
     *         whose cells were taken
     * @throws ModelException listing every problem found, the cells' and the rows'
     */
    private static Batch checked(Batch batch, boolean[] refused, ModelSignature.FieldErrors errors) {
        batch.signature.rowCheck().check(batch, refused, errors);
        errors.throwIfAny();
        return new Batch(batch.signature, batch.size, batch.data, batch.warnings, true);
    }

    /**
     * @return whether every row passed the check of whole rows of {@link #signature()} ({@link ModelSignature#rowCheck}),
     *         as a batch made from a caller's rows did; a batch mixed from checked rows (an explanation's) did not
     */
    public boolean rowsChecked() {
        return rowsChecked;
    }

    /**
     * Checks and converts rows of plain numbers, the fast path of models whose features are all numbers that may not
     * be missing ({@link ModelSignature#numbersOnly()}).
     *
     * @param rows one array per row, in {@link ModelSignature#features()} order
     * @throws ModelException of kind {@link ModelException.Kind#INVALID_INPUT} listing every bad value with its row
     * @throws IllegalArgumentException for a model that takes more than numbers
     */
    public static Batch ofNumbers(ModelSignature signature, double[][] rows) {
        if (!signature.numbersOnly()) {
            throw new IllegalArgumentException(
                    "the model takes " + signature.features() + "; rows of plain numbers cannot carry them");
        }
        if (signature.inputs().size() == 1 && signature.inputs().get(0).type() == ValueType.FLOAT) {
            return floats(signature, rows);
        }
        List<Object[]> cells = new ArrayList<>(rows.length);
        for (double[] row : rows) {
            Object[] boxed = new Object[row.length];
            for (int i = 0; i < row.length; i++) {
                boxed[i] = row[i];
            }
            cells.add(boxed);
        }
        return of(signature, cells);
    }

    /** One float input: packed straight into its tensor's order, as every prediction of such a model does. */
    private static Batch floats(ModelSignature signature, double[][] rows) {
        List<String> features = signature.featureNames();
        int width = features.size();
        float[] flat = new float[Math.multiplyExact(rows.length, width)];
        ModelSignature.FieldErrors errors = new ModelSignature.FieldErrors();
        boolean[] refused = null;
        for (int r = 0; r < rows.length; r++) {
            double[] row = rows[r];
            if (row.length != width) {
                String wrongCount = "row has " + row.length + " values; the model takes " + width + ": " + features;
                for (int i = row.length; i < width; i++) {
                    errors.add(
                            r, features.get(i), "missing value for feature '" + features.get(i) + "': " + wrongCount);
                }
                for (int i = width; i < row.length; i++) {
                    errors.add(r, "[" + i + "]", "unexpected value at position " + (i + 1) + ": " + wrongCount);
                }
                refused = refused(refused, rows.length, r);
            }
            for (int i = 0; i < Math.min(width, row.length); i++) {
                String problem = ModelSignature.valueProblem(features.get(i), row[i]);
                if (problem != null) {
                    errors.add(r, features.get(i), problem);
                    refused = refused(refused, rows.length, r);
                } else {
                    flat[r * width + i] = (float) row[i];
                }
            }
        }
        List<List<RangeWarning>> none = java.util.Collections.nCopies(rows.length, List.of());
        return checked(new Batch(signature, rows.length, new Object[] {flat}, none), refused, errors);
    }

    /** Which cells of a mixed batch come from the explained row rather than from another row ({@link #mixed}). */
    public interface CellSource {
        /** @return whether row {@code out}'s feature {@code feature} is the explained row's value */
        boolean fromRow(int out, int feature);
    }

    /**
     * Rows that mix an explained row with other rows of the same model, each cell copied as it was checked (no
     * check again, no boxing), for the coalitions of an explanation: row {@code out} holds, for each feature, the
     * value of {@code rows}' row {@code row} where {@code source} says so, otherwise that of {@code others}' row
     * {@code otherRows[out]}.
     */
    public static Batch mixed(Batch rows, int row, Batch others, int[] otherRows, CellSource source) {
        if (!rows.signature.equals(others.signature)) {
            throw new IllegalArgumentException("rows of two models cannot be mixed");
        }
        ModelSignature signature = rows.signature;
        int size = otherRows.length;
        Object[] data = allocate(signature, size);
        int offset = 0;
        for (int i = 0; i < data.length; i++) {
            int width = signature.inputs().get(i).width();
            Object from = rows.data[i];
            Object other = others.data[i];
            Object to = data[i];
            for (int out = 0; out < size; out++) {
                System.arraycopy(other, otherRows[out] * width, to, out * width, width);
            }
            if (to instanceof float[] floats) {
                float[] value = (float[]) from;
                for (int out = 0; out < size; out++) {
                    for (int c = 0; c < width; c++) {
                        if (source.fromRow(out, offset + c)) {
                            floats[out * width + c] = value[row * width + c];
                        }
                    }
                }
            } else {
                for (int out = 0; out < size; out++) {
                    for (int c = 0; c < width; c++) {
                        if (source.fromRow(out, offset + c)) {
                            System.arraycopy(from, row * width + c, to, out * width + c, 1);
                        }
                    }
                }
            }
            offset += width;
        }
        return new Batch(signature, size, data, java.util.Collections.nCopies(size, List.of()));
    }

    /**
     * @param rows indexes of this batch's rows, in the order wanted
     * @return those rows, each cell copied as it was checked (no check again), with their warnings
     */
    public Batch rows(int[] rows) {
        Object[] picked = allocate(signature, rows.length);
        List<List<RangeWarning>> kept = new ArrayList<>(rows.length);
        for (int i = 0; i < data.length; i++) {
            int width = signature.inputs().get(i).width();
            for (int out = 0; out < rows.length; out++) {
                System.arraycopy(data[i], rows[out] * width, picked[i], out * width, width);
            }
        }
        for (int row : rows) {
            kept.add(warnings.get(row));
        }
        return new Batch(signature, rows.length, picked, kept, rowsChecked);
    }

    private static Object[] allocate(ModelSignature signature, int size) {
        Object[] data = new Object[signature.inputs().size()];
        for (int i = 0; i < data.length; i++) {
            ModelInput input = signature.inputs().get(i);
            int n = Math.multiplyExact(size, input.width());
            data[i] = switch (input.type()) {
                case FLOAT -> new float[n];
                case DOUBLE -> new double[n];
                case INT64 -> new long[n];
                case INT32 -> new int[n];
                case STRING -> new String[n];
                case BOOL -> new boolean[n];
            };
        }
        return data;
    }

    /** @return the signature the rows were checked against */
    @Override
    public ModelSignature signature() {
        return signature;
    }

    /** @return the number of rows */
    @Override
    public int size() {
        return size;
    }

    @Override
    public Object data(int input) {
        return data[input];
    }

    /** @return the warnings about a row's unknown categories (range warnings are the card's, see RangeWarning) */
    public List<RangeWarning> warnings(int row) {
        return warnings.get(row);
    }

    /**
     * @return the value of a number feature in a row, as a double (NaN when missing), for range checks and display;
     *         NaN for a text or boolean feature
     */
    @Override
    public double number(int row, int feature) {
        Object values = data[inputOf(feature)];
        int at = place(row, feature);
        if (values instanceof float[] floats) {
            return floats[at];
        }
        if (values instanceof double[] doubles) {
            return doubles[at];
        }
        if (values instanceof long[] longs) {
            return longs[at];
        }
        if (values instanceof int[] ints) {
            return ints[at];
        }
        return Double.NaN;
    }

    /**
     * @return the value of a feature in a row as the model took it: a Float, Double, Long, Integer, String or Boolean
     *         as the feature's type, or null for a missing number (NaN); for records of what was scored
     */
    public Object cell(int row, int feature) {
        Object values = data[inputOf(feature)];
        int at = place(row, feature);
        if (values instanceof float[] floats) {
            return Float.isNaN(floats[at]) ? null : floats[at];
        }
        if (values instanceof double[] doubles) {
            return Double.isNaN(doubles[at]) ? null : doubles[at];
        }
        if (values instanceof long[] longs) {
            return longs[at];
        }
        if (values instanceof int[] ints) {
            return ints[at];
        }
        if (values instanceof boolean[] booleans) {
            return booleans[at];
        }
        return ((String[]) values)[at];
    }

    /** @return the index of the input that holds feature {@code feature} */
    private int inputOf(int feature) {
        int input = 0;
        for (int first = 0; feature >= first + signature.inputs().get(input).width(); input++) {
            first += signature.inputs().get(input).width();
        }
        return input;
    }

    /** @return where feature {@code feature} of row {@code row} is in its input's values */
    private int place(int row, int feature) {
        int input = 0;
        int column = feature;
        while (column >= signature.inputs().get(input).width()) {
            column -= signature.inputs().get(input).width();
            input++;
        }
        return row * signature.inputs().get(input).width() + column;
    }

    /** @return a row's numbers in feature order (NaN for text, boolean and missing values), for range checks */
    public double[] numbers(int row) {
        double[] out = new double[signature.featureCount()];
        for (int f = 0; f < out.length; f++) {
            out[f] = number(row, f);
        }
        return out;
    }
}
