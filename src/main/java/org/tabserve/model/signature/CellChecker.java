package org.tabserve.model.signature;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/**
 * Checks one cell against its feature and stores it in its input's column, or says what is wrong with it, in the one
 * wording each cause has in every format and in Spark: a number where text belongs or the reverse, a missing value
 * where none is allowed, a fraction or an overflow for an integer, a value out of float range, text too long, or an
 * unknown category the model refuses (one the model takes is a warning instead). {@code Batch} calls it for every
 * cell and collects the problems; the readers that refuse a value before the batch sees it (JSON's and the columnar
 * formats' numbers-only paths) word it here too ({@link #missing}, {@link #notKind}, {@link #notFinite}).
 */
public final class CellChecker {

    private CellChecker() {}

    /**
     * A missing value the feature does not take, however it was sent: {@code null}, {@code NaN}, an empty cell or
     * text, an absent field; with why for a kind of value that is never missing and for a number its trees take none of
     * ({@link #missingReason}, with the way on: {@code card --missing}), and the way on where the model knows a word
     * for it.
     */
    public static String missing(Feature feature) {
        return "missing value for '" + feature.name() + "'"
                + (!feature.type().isNumber()
                        ? " (a " + kind(feature) + " cannot be missing)"
                        : feature.treesRouteNone() ? " (" + missingReason(feature) + ")" : "")
                + missingCategory(feature);
    }

    /**
     * Why the feature takes a missing value or refuses one, in a sentence, with the way on where there is one: what
     * {@code GET /api/model} says as {@code missing_reason}, and the why of {@link #missing} for a number whose trees
     * take none.
     */
    public static String missingReason(Feature feature) {
        String name = feature.name();
        if (feature.missing() != null) {
            return switch (feature.missing()) {
                case IMPUTER -> "the graph imputes it: an Imputer replaces a missing value with its fitted value";
                case TREES ->
                    "its trees route it: each split sends a missing value down the branch its training library"
                            + " learned for it (XGBoost's or LightGBM's default direction, HistGradientBoosting's"
                            + " missing_go_to_left)";
                case CARD -> "the model card takes it as NaN (card --missing, stored as tabserve.missing)";
            };
        }
        if (feature.missingAs() != null) {
            return "the model card takes it as \"" + feature.missingAs() + "\" (card --text-missing-as, stored as"
                    + " tabserve.text_missing_as)";
        }
        if (feature.type() != ValueType.FLOAT && feature.type() != ValueType.DOUBLE) {
            return "a " + kind(feature) + " cannot be missing" + missingCategory(feature);
        }
        if (feature.treesRouteNone()) {
            return "its trees take none: no split has a way for a missing value, as scikit-learn's GradientBoosting"
                    + " and RandomForest, which take no NaN, are exported; send a value, or take it as NaN with card"
                    + " --missing " + name + ", which sends it down each split's false branch, a way the trees never"
                    + " learned for it";
        }
        return "the graph computes with it and imputes no missing value first; card --missing " + name + " takes it"
                + " as NaN, for a graph that handles NaN in a way tabserve does not read";
    }

    /**
     * A value of another kind than the feature's.
     *
     * @param got what was sent, by its kind alone: {@code "a string"}, {@code "a boolean"}, {@code "a number"},
     *            {@code "an object"}, {@code "an array"} (never the value itself)
     */
    public static String notKind(Feature feature, String got) {
        return "'" + feature.name() + "' must be a " + kind(feature) + ", got " + got;
    }

    /**
     * A number that is not finite: NaN where it is not a missing value, an infinity, or a literal beyond a double's
     * range.
     *
     * @param shown the value as sent ({@code Infinity}, {@code 1e400})
     */
    public static String notFinite(String name, String shown) {
        return "'" + name + "' is " + shown + "; a finite number is required";
    }

    /**
     * Whether a value can be fed to the model as a float feature: finite once converted to the 32-bit float the input
     * tensor holds ({@link ModelSignature#valueProblem}, which parsers call, says so with this rule).
     *
     * @return what is wrong with it, or null when it is fine
     */
    static String valueProblem(String feature, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return notFinite(feature, Double.toString(value));
        }
        if (Float.isInfinite((float) value)) {
            return "'" + feature + "' is " + value + ", beyond the model's float range (±" + Float.MAX_VALUE + ")";
        }
        return null;
    }

    /**
     * Stores one cell, or says what is wrong with it. An empty text for a text feature is a missing value, as an empty
     * CSV cell is, whichever format sent it (a JSON {@code ""}, an empty Arrow or Parquet string, a v2 tensor's empty
     * bytes): one meaning for nothing, so that every format answers the same rows alike.
     */
    static String store(Feature feature, Object sent, Object column, int at, List<RangeWarning> warnings) {
        String name = feature.name();
        Object cell = feature.type() == ValueType.STRING && "".equals(sent) ? null : sent;
        if (cell == null && feature.missingAs() != null) {
            warnings.add(new RangeWarning(
                    name,
                    "'" + name + "' is missing and was taken as \"" + feature.missingAs()
                            + "\", as the model card says (the value the model was trained with for a missing '" + name
                            + "')"));
            ((String[]) column)[at] = feature.missingAs();
            return null;
        }
        if (cell == null) {
            if (!feature.missingAllowed()) {
                return missing(feature);
            }
            if (column instanceof float[] floats) {
                floats[at] = Float.NaN;
            } else if (column instanceof String[] texts) {
                texts[at] = null; // a text category a trained forest routes when missing (Feature.Missing.TREES)
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
                String problem = feature.type() == ValueType.FLOAT
                        ? valueProblem(name, value)
                        : Double.isFinite(value) ? null : notFinite(name, Double.toString(value));
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
                if ((number instanceof Double || number instanceof Float) && !Double.isFinite(number.doubleValue())) {
                    return notFinite(name, Double.toString(number.doubleValue()));
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
                if (text.length() > Feature.MAX_TEXT_LENGTH) {
                    return "'" + name + "' has " + text.length() + " characters; at most " + Feature.MAX_TEXT_LENGTH
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
        return notKind(
                feature, cell instanceof String ? "a string" : cell instanceof Boolean ? "a boolean" : "a number");
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

    /**
     * The words an exporter's imputer writes for a missing text value (scikit-learn's {@code SimpleImputer} with
     * {@code fill_value="missing"}, as skl2onnx's titanic example does, or its default {@code "missing_value"}; pandas'
     * {@code "nan"} and {@code "None"} when a column with gaps is cast to str).
     */
    private static final List<String> MISSING_WORDS =
            List.of("missing", "missing_value", "unknown", "nan", "NaN", "None", "NA", "N/A");

    /**
     * For a text input whose categories hold a word a missing value becomes before the model (an imputer's fill
     * value), the way on: send that word, as the model was trained on it. Never taken in its place unasked. For one
     * whose categories hold the empty text, which no format can send as a value, the card's declaration is the way.
     */
    private static String missingCategory(Feature feature) {
        String word = missingWord(feature);
        if (word == null) {
            return "";
        }
        if (word.isEmpty()) {
            return "; the model knows an empty text among the values of '" + feature.name() + "', which tabserve takes"
                    + " as a missing value in every format: card --text-missing-as \"\" takes a missing '"
                    + feature.name() + "' as that value";
        }
        return "; the model knows \"" + word + "\" among the values of '" + feature.name() + "', which is what"
                + " a missing value becomes where the model was trained (an imputer's fill value): send \"" + word
                + "\" where '" + feature.name() + "' is missing";
    }

    /**
     * The category of a text or integer input that a missing value became where the model was trained: the empty text
     * when its categories hold it, else the first of {@link #MISSING_WORDS} they hold; null when they hold none.
     */
    public static String missingWord(Feature feature) {
        if (feature.categories().contains("")) {
            return "";
        }
        for (String word : MISSING_WORDS) {
            if (feature.categories().contains(word)) {
                return word;
            }
        }
        return null;
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
        warnings.add(new RangeWarning(
                feature.name(),
                "the model has not seen '" + feature.name() + "' = \"" + value + "\" (" + known
                        + "); treat the answer with care"));
        return null;
    }
}
