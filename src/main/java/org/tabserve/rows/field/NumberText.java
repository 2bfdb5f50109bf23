package org.tabserve.rows.field;

import com.fasterxml.jackson.core.io.NumberInput;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Pattern;
import org.tabserve.model.signature.CellChecker;
import org.tabserve.model.signature.Feature;

/**
 * Reads a number that a person or a CSV file wrote as text: plain decimal notation only, so {@code NaN},
 * {@code Infinity} and hexadecimal forms that {@link Double#parseDouble} would take are refused. Files separated by
 * semicolons may write a decimal comma instead ({@link #parseDecimalComma}), but nothing that could be misread.
 */
public final class NumberText {

    public static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final int MAX_LENGTH = 400;

    private NumberText() {}

    /**
     * The text a JSON number stands for when it is sent for a text input (pandas writes a column of numbers as numbers
     * even where the model takes text, as titanic's {@code pclass}): an integer as written, or a plain decimal that is
     * the shortest form of its double (what Python and Java print for it, {@code 2.5}, {@code 0.1}); empty for a form
     * whose text is not the number's one spelling, an exponent ({@code 1e5}) or digits beyond a double's
     * ({@code 0.10000000000000000555}), which would name a category by accident.
     *
     * @param literal the number as the JSON text wrote it
     */
    public static Optional<String> exactText(String literal) {
        if (literal.length() > MAX_LENGTH
                || literal.indexOf('e') >= 0
                || literal.indexOf('E') >= 0
                || !isDecimal(literal)) {
            return Optional.empty();
        }
        if (literal.indexOf('.') < 0) {
            return Optional.of(literal);
        }
        double value = Double.parseDouble(literal);
        return Double.isFinite(value) && new BigDecimal(literal).compareTo(new BigDecimal(Double.toString(value))) == 0
                ? Optional.of(literal)
                : Optional.empty();
    }

    /**
     * Reads {@code chars[from..to)} when it is a plain decimal this can read exactly: an optional sign, at most 15
     * digits with an optional point, no exponent; such a value is the integer of its digits divided by a power of ten
     * up to 10^15, both exact in a double, so the one division rounds as {@link Double#parseDouble} does. Anything
     * else (and a decimal comma) is for {@link #parse}: a CSV's cells are read in place this way.
     *
     * @return the value, or NaN when this cannot read the text
     */
    public static double plainDecimal(char[] chars, int from, int to) {
        int p = from;
        if (p == to) {
            return Double.NaN;
        }
        boolean negative = false;
        char c = chars[p];
        if (c == '-' || c == '+') {
            negative = c == '-';
            p++;
        }
        long digits = 0;
        int count = 0;
        int fraction = -1;
        for (; p < to; p++) {
            c = chars[p];
            if (c >= '0' && c <= '9') {
                if (++count > 15) {
                    return Double.NaN;
                }
                digits = digits * 10 + (c - '0');
                if (fraction >= 0) {
                    fraction++;
                }
            } else if (c == '.' && fraction < 0) {
                fraction = 0;
            } else {
                return Double.NaN;
            }
        }
        if (count == 0) {
            return Double.NaN;
        }
        double value = fraction > 0 ? digits / POWERS[fraction] : digits;
        return negative ? -value : value;
    }

    private static final double[] POWERS = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
    };

    /** @return the finite value, or empty when {@code text} is not a finite decimal number */
    public static Optional<Double> parse(String text) {
        String trimmed = text.strip();
        if (trimmed.length() > MAX_LENGTH || !isDecimal(trimmed)) {
            return Optional.empty();
        }
        // Jackson's bundled FastDoubleParser: the same correctly rounded value as Double.parseDouble, in less time.
        double value = NumberInput.parseDouble(trimmed, true);
        return Double.isFinite(value) ? Optional.of(value) : Optional.empty();
    }

    /**
     * Whether {@code text} matches {@link #DECIMAL}, checked by hand: the regular expression was a visible cost when
     * a CSV upload checks every value twice (validate, then predict). NumberTextTest holds the two to the same answers.
     */
    public static boolean isDecimal(String text) {
        int n = text.length();
        int i = 0;
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            i++;
        }
        int integerDigits = 0;
        while (i < n && isDigit(text.charAt(i))) {
            i++;
            integerDigits++;
        }
        int fractionDigits = 0;
        if (i < n && text.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
                fractionDigits++;
            }
        }
        if (integerDigits == 0 && fractionDigits == 0) {
            return false;
        }
        if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            int exponentDigits = 0;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
                exponentDigits++;
            }
            if (exponentDigits == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Reads a number from a file that writes decimal commas, as European spreadsheets do ({@code 3,6} is 3.6). A
     * decimal point is taken too ({@code 3.6}), except where it could be a thousands separator ({@code 1.234}: 1234
     * or 1.234?), and so is anything holding both marks ({@code 1.234,5}) or several commas: such values are
     * refused ({@link #decimalCommaProblem} says why) rather than read as a number the writer may not have meant.
     *
     * @return the finite value, or empty when {@code text} is not one, or not unambiguously one
     */
    public static Optional<Double> parseDecimalComma(String text) {
        String trimmed = text.strip();
        int comma = trimmed.indexOf(',');
        if (comma < 0) {
            return mayGroupThousands(trimmed) ? Optional.empty() : parse(trimmed);
        }
        if (trimmed.indexOf(',', comma + 1) >= 0 || trimmed.indexOf('.') >= 0) {
            return Optional.empty();
        }
        return parse(trimmed.replace(',', '.'));
    }

    /**
     * Whether a '.' in {@code text} may separate groups of thousands: 1 to 3 digits not starting with 0 (0.125 is
     * never 125), then groups of 3 and nothing else.
     */
    public static boolean mayGroupThousands(String text) {
        return THOUSANDS.matcher(text).matches();
    }

    private static final Pattern THOUSANDS = Pattern.compile("[+-]?[1-9]\\d{0,2}(\\.\\d{3})+");

    /** @return why {@link #parseDecimalComma} refused {@code text} */
    public static String decimalCommaProblem(String field, String text) {
        String trimmed = text.strip();
        String shown = trimmed.length() > 40 ? trimmed.substring(0, 40) + "…" : trimmed;
        if (trimmed.indexOf(',') >= 0 && trimmed.indexOf('.') >= 0) {
            return "'" + field + "' is '" + shown + "', with both '.' and ','; this file uses decimal commas, so write "
                    + "numbers without a thousands separator (e.g. 1234,5)";
        }
        if (trimmed.indexOf(',') != trimmed.lastIndexOf(',')) {
            return "'" + field + "' is '" + shown + "', with more than one ','; write one decimal comma and no "
                    + "thousands separator (e.g. 1234,5)";
        }
        if (mayGroupThousands(trimmed)) {
            boolean oneDot = trimmed.indexOf('.') == trimmed.lastIndexOf('.');
            return "'" + field + "' is '" + shown + "' in a semicolon-separated file, where '.' may separate "
                    + "thousands: write " + trimmed.replace(".", "") + " if that is meant"
                    + (oneDot ? ", or " + trimmed.replace('.', ',') + " for a decimal" : "");
        }
        return problem(field, text);
    }

    /**
     * @return why {@code text} was refused for the number feature {@code field}, quoting (a bounded part of) it: an
     *         empty cell is a missing value and a decimal beyond a double's range a number that is not finite, in the
     *         words every format uses ({@link CellChecker})
     */
    public static String problem(String field, String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return CellChecker.missing(Feature.number(field));
        }
        if (trimmed.length() <= MAX_LENGTH && isDecimal(trimmed)) {
            return CellChecker.notFinite(field, bounded(trimmed));
        }
        return "'" + field + "' must be a finite decimal number, got '" + bounded(text) + "'";
    }

    /** @return the first 40 characters of {@code text}, and an ellipsis when there are more */
    private static String bounded(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    /**
     * A number sent for a text input that has no one text form ({@link #exactText} is empty), in every format's words.
     *
     * @param literal the number as sent (a bounded part of it is quoted)
     */
    public static String noTextForm(String field, String literal) {
        return "'" + field + "' is a text input and the number " + bounded(literal) + " has no one text form"
                + " (a number is taken as text when written as an integer or a plain decimal, e.g. 3 or 2.5);"
                + " send it as a string";
    }
}
