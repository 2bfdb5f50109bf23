package org.tabserve.rows.read;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.tabserve.model.signature.CellChecker;
import org.tabserve.model.signature.Feature;
import org.tabserve.rows.field.NumberText;

/**
 * Turns the text of a CSV cell, a form field or a query parameter into the cell a {@link org.tabserve.model.signature.Batch}
 * takes for a feature, read by the feature's type: numbers as decimals ({@link NumberText}, with a semicolon file's
 * decimal commas), whole numbers exactly (so that 2^62 + 1 is not rounded through a double), booleans as
 * {@code true}/{@code false}, text as it is. Only the text formats know a cell's text is meant as a number, so they
 * share this one reading; whether the value fits the model (range, missing, categories) is the batch's to say.
 */
public final class TextCells {

    /** What {@link #read} returns for text that is no value of the feature's type; {@link #problem} says why. */
    public static final Object UNREADABLE = new Object();

    private TextCells() {}

    /**
     * @param decimalComma whether the text comes from a file that writes decimal commas (a semicolon-separated CSV)
     * @return {@code null} for an empty cell (a missing value), a {@link Double}, {@link Long}, {@link BigInteger},
     *         {@link BigDecimal}, {@link Boolean} or {@link String} as the feature's type says, or {@link #UNREADABLE}
     */
    public static Object read(Feature feature, String text, boolean decimalComma) {
        if (feature.type() == org.tabserve.model.signature.ValueType.STRING) {
            return text.isEmpty() ? null : text;
        }
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return null;
        }
        switch (feature.type()) {
            case BOOL -> {
                if (trimmed.equalsIgnoreCase("true")) {
                    return Boolean.TRUE;
                }
                return trimmed.equalsIgnoreCase("false") ? Boolean.FALSE : UNREADABLE;
            }
            case INT64, INT32 -> {
                return whole(trimmed, decimalComma);
            }
            default -> {
                var value = decimalComma ? NumberText.parseDecimalComma(trimmed) : NumberText.parse(trimmed);
                return value.isPresent() ? value.get() : UNREADABLE;
            }
        }
    }

    /**
     * A whole-number feature's text: an integer literal exactly (a {@link Long}, or a {@link BigInteger} past long
     * range, which the batch refuses as an overflow), any other decimal exactly as a {@link BigDecimal}, so that
     * {@code 3.0} is 3 and {@code 3.5} is refused by the batch as a fraction.
     */
    private static Object whole(String trimmed, boolean decimalComma) {
        if (isIntegerLiteral(trimmed)) {
            String digits = trimmed.charAt(0) == '+' ? trimmed.substring(1) : trimmed;
            return digits.length() <= 18 ? (Object) Long.parseLong(digits) : new BigInteger(digits);
        }
        var value = decimalComma ? NumberText.parseDecimalComma(trimmed) : NumberText.parse(trimmed);
        if (value.isEmpty()) {
            return UNREADABLE;
        }
        return new BigDecimal(decimalComma ? trimmed.replace(',', '.') : trimmed);
    }

    private static boolean isIntegerLiteral(String text) {
        int start = text.charAt(0) == '+' || text.charAt(0) == '-' ? 1 : 0;
        if (start == text.length() || text.length() > 400) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** @return why {@link #read} found {@code text} unreadable for {@code feature}, quoting a bounded part of it */
    public static String problem(Feature feature, String text, boolean decimalComma) {
        String name = feature.name();
        String trimmed = text.strip();
        String shown = trimmed.length() > 40 ? trimmed.substring(0, 40) + "…" : trimmed;
        return switch (feature.type()) {
            case BOOL -> "'" + name + "' must be true or false, got '" + shown + "'";
            case INT64, INT32 ->
                decimalComma && (trimmed.indexOf(',') >= 0 || NumberText.mayGroupThousands(trimmed))
                        ? NumberText.decimalCommaProblem(name, text)
                        : "'" + name + "' must be a whole number, got '" + shown + "'";
            default ->
                trimmed.isEmpty()
                        ? CellChecker.missing(feature)
                        : decimalComma ? NumberText.decimalCommaProblem(name, text) : NumberText.problem(name, text);
        };
    }
}
