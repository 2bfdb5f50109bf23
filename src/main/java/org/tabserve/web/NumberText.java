package org.tabserve.web;

import com.fasterxml.jackson.core.io.NumberInput;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a number that a person or a CSV file wrote as text: plain decimal notation only, so {@code NaN},
 * {@code Infinity} and hexadecimal forms that {@link Double#parseDouble} would take are refused.
 */
final class NumberText {

    static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final int MAX_LENGTH = 400;

    private NumberText() {
    }

    /** @return the finite value, or empty when {@code text} is not a finite decimal number */
    static Optional<Double> parse(String text) {
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
    static boolean isDecimal(String text) {
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

    /** @return why {@code text} was refused, quoting (a bounded part of) it */
    static String problem(String field, String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        if (text.isBlank()) {
            return "'" + field + "' is empty; a number is required";
        }
        return "'" + field + "' must be a finite decimal number, got '" + shown + "'";
    }
}
