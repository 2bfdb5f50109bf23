package org.tabserve.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows as the model takes them: for each input, its values row-major in the input's own element type. Building a
 * batch is the one place where what a caller sent meets what the model takes: a number where text belongs or the
 * reverse, a missing value where none is allowed, a fraction or an overflow for an integer, a value out of float
 * range, text too long, or an unknown category the model refuses: each is a field error naming the field and its row,
 * all of them listed at once. An unknown category the model takes is a warning on its row instead.
 *
 * <p>Parsers hand over each row as cells in {@link ModelSignature#features()} order, each cell typed as its format
 * says: {@code null} for a missing value, a {@link Number}, a {@link String} or a {@link Boolean}. Text formats (CSV,
 * forms, queries) read numbers and booleans for number and boolean features themselves, since there only they know
 * a cell's text is meant as one.
 */
public final class Batch {

    /** The longest text value taken, in characters; longer is a field error, not a model call with it. */
    public static final int MAX_TEXT_LENGTH = 10_000;

    private final ModelSignature signature;
    private final int size;
    private final Object[] data; // per input: float[], double[], long[], int[], String[] or boolean[], row-major
    private final List<List<RangeWarning>> warnings;

    private Batch(ModelSignature signature, int size, Object[] data, List<List<RangeWarning>> warnings) {
        this.signature = signature;
        this.size = size;
        this.data = data;
        this.warnings = warnings;
    }

    /**
     * Checks and converts rows of cells.
     *
     * @param rows one array per row, in {@link ModelSignature#features()} order
     * @throws ModelException of kind {@link ModelException.Kind#INVALID_INPUT} listing every bad value with its row
     */
    public static Batch of(ModelSignature signature, List<Object[]> rows) {
        int size = rows.size();
        Object[] data = allocate(signature, size);
        List<List<RangeWarning>> warnings = new ArrayList<>(size);
        ModelSignature.FieldErrors errors = new ModelSignature.FieldErrors();
        List<Feature> features = signature.features();
        for (int r = 0; r < size; r++) {
            Object[] cells = rows.get(r);
            List<RangeWarning> rowWarnings = new ArrayList<>(0);
            if (cells.length != features.size()) {
                errors.add(r, "row", "row has " + cells.length + " values; the model takes " + features.size() + ": "
                        + signature.featureNames());
                warnings.add(rowWarnings);
                continue;
            }
            int f = 0;
            for (int i = 0; i < signature.inputs().size(); i++) {
                ModelInput input = signature.inputs().get(i);
                for (int c = 0; c < input.width(); c++, f++) {
                    String problem = store(input.features().get(c), cells[f], data[i], r * input.width() + c,
                            rowWarnings);
                    if (problem != null) {
                        errors.add(r, features.get(f).name(), problem);
                    }
                }
            }
            warnings.add(rowWarnings.isEmpty() ? List.of() : List.copyOf(rowWarnings));
        }
        errors.throwIfAny();
        return new Batch(signature, size, data, warnings);
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
            throw new IllegalArgumentException("the model takes " + signature.features()
                    + "; rows of plain numbers cannot carry them");
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
        for (int r = 0; r < rows.length; r++) {
            double[] row = rows[r];
            if (row.length != width) {
                String wrongCount = "row has " + row.length + " values; the model takes " + width + ": " + features;
                for (int i = row.length; i < width; i++) {
                    errors.add(r, features.get(i), "missing value for feature '" + features.get(i) + "': " + wrongCount);
                }
                for (int i = width; i < row.length; i++) {
                    errors.add(r, "[" + i + "]", "unexpected value at position " + (i + 1) + ": " + wrongCount);
                }
            }
            for (int i = 0; i < Math.min(width, row.length); i++) {
                String problem = ModelSignature.valueProblem(features.get(i), row[i]);
                if (problem != null) {
                    errors.add(r, features.get(i), problem);
                } else {
                    flat[r * width + i] = (float) row[i];
                }
            }
        }
        errors.throwIfAny();
        List<List<RangeWarning>> none = java.util.Collections.nCopies(rows.length, List.of());
        return new Batch(signature, rows.length, new Object[]{flat}, none);
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

    /** Stores one cell, or says what is wrong with it. */
    private static String store(Feature feature, Object cell, Object column, int at, List<RangeWarning> warnings) {
        String name = feature.name();
        if (cell == null) {
            if (!feature.missingAllowed()) {
                return "missing value for '" + name + "'" + (feature.type().isNumber() ? "" : " (a " + kind(feature)
                        + " cannot be missing)");
            }
            if (column instanceof float[] floats) {
                floats[at] = Float.NaN;
            } else {
                ((double[]) column)[at] = Double.NaN;
            }
            return null;
        }
        switch (feature.type()) {
            case FLOAT, DOUBLE -> {
                if (!(cell instanceof Number number)) {
                    return mismatch(feature, cell);
                }
                double value = number.doubleValue();
                String problem = feature.type() == ValueType.FLOAT ? ModelSignature.valueProblem(name, value)
                        : Double.isFinite(value) ? null : "feature '" + name + "' is " + value + "; a finite number is required";
                if (problem != null) {
                    return problem;
                }
                if (column instanceof float[] floats) {
                    floats[at] = (float) value;
                } else {
                    ((double[]) column)[at] = value;
                }
            }
            case INT64, INT32 -> {
                if (!(cell instanceof Number number)) {
                    return mismatch(feature, cell);
                }
                Long whole = whole(number);
                long min = feature.type() == ValueType.INT32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
                long max = feature.type() == ValueType.INT32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
                if (whole == null && isIntegral(number)) {
                    return "'" + name + "' is " + number + ", beyond the " + kind(feature) + " range [" + min + ", "
                            + max + "]";
                }
                if (whole == null) {
                    return "'" + name + "' must be a whole number, got " + number;
                }
                if (whole < min || whole > max) {
                    return "'" + name + "' is " + whole + ", beyond the " + kind(feature) + " range [" + min + ", "
                            + max + "]";
                }
                String problem = category(feature, Long.toString(whole), warnings);
                if (problem != null) {
                    return problem;
                }
                if (column instanceof long[] longs) {
                    longs[at] = whole;
                } else {
                    ((int[]) column)[at] = (int) (long) whole;
                }
            }
            case STRING -> {
                if (!(cell instanceof String text)) {
                    return mismatch(feature, cell);
                }
                if (text.length() > MAX_TEXT_LENGTH) {
                    return "'" + name + "' has " + text.length() + " characters; at most " + MAX_TEXT_LENGTH
                            + " are taken";
                }
                if (text.indexOf('\0') >= 0) {
                    return "'" + name + "' contains a NUL character, which no text value may hold";
                }
                String problem = category(feature, text, warnings);
                if (problem != null) {
                    return problem;
                }
                ((String[]) column)[at] = text;
            }
            case BOOL -> {
                if (!(cell instanceof Boolean flag)) {
                    return mismatch(feature, cell);
                }
                ((boolean[]) column)[at] = flag;
            }
        }
        return null;
    }

    private static String kind(Feature feature) {
        return switch (feature.type()) {
            case FLOAT, DOUBLE -> "number";
            case INT64 -> "64-bit whole number";
            case INT32 -> "32-bit whole number";
            case STRING -> "text value";
            case BOOL -> "boolean (true or false)";
        };
    }

    private static String mismatch(Feature feature, Object cell) {
        String got = cell instanceof String text ? "text \"" + (text.length() > 40 ? text.substring(0, 40) + "…" : text)
                + "\"" : cell instanceof Boolean ? "the boolean " + cell : "the number " + cell;
        return "'" + feature.name() + "' must be a " + kind(feature) + ", got " + got;
    }

    /** The value as a long when it is a whole number within long range; null otherwise. */
    private static Long whole(Number number) {
        if (number instanceof Long || number instanceof Integer || number instanceof Short || number instanceof Byte) {
            return number.longValue();
        }
        if (number instanceof BigInteger big) {
            return big.bitLength() < 64 ? big.longValue() : null;
        }
        BigDecimal exact;
        if (number instanceof BigDecimal decimal) {
            exact = decimal;
        } else {
            double value = number.doubleValue();
            if (!Double.isFinite(value)) {
                return null;
            }
            exact = new BigDecimal(value);
        }
        try {
            return exact.longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    private static boolean isIntegral(Number number) {
        if (number instanceof BigInteger) {
            return true;
        }
        double value = number.doubleValue();
        return Double.isInfinite(value) || (Double.isFinite(value) && value == Math.rint(value));
    }

    /** An unknown category: refused when the model refuses it, otherwise a warning naming the known values. */
    private static String category(Feature feature, String value, List<RangeWarning> warnings) {
        if (feature.categories().isEmpty() || feature.categories().contains(value)) {
            return null;
        }
        String known = "the model knows " + feature.categories();
        if (feature.refusesUnknown()) {
            return "'" + feature.name() + "' is \"" + value + "\", which the model cannot take; " + known;
        }
        warnings.add(new RangeWarning(feature.name(), "the model has not seen '" + feature.name() + "' = \"" + value
                + "\" (" + known + "); treat the answer with care"));
        return null;
    }

    /** @return the signature the rows were checked against */
    public ModelSignature signature() {
        return signature;
    }

    /** @return the number of rows */
    public int size() {
        return size;
    }

    /**
     * @param input an index into {@link ModelSignature#inputs()}
     * @return that input's values, row-major: float[], double[], long[], int[], String[] or boolean[] as its type
     */
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
    public double number(int row, int feature) {
        int input = 0;
        int column = feature;
        while (column >= signature.inputs().get(input).width()) {
            column -= signature.inputs().get(input).width();
            input++;
        }
        int at = row * signature.inputs().get(input).width() + column;
        Object values = data[input];
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

    /** @return a row's numbers in feature order (NaN for text, boolean and missing values), for range checks */
    public double[] numbers(int row) {
        double[] out = new double[signature.featureCount()];
        for (int f = 0; f < out.length; f++) {
            out[f] = number(row, f);
        }
        return out;
    }
}
