package org.tabserve.web;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a number that a person or a CSV file wrote as text: plain decimal notation only, so {@code NaN},
 * {@code Infinity} and hexadecimal forms that {@link Double#parseDouble} would take are refused.
 */
final class NumberText {

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final int MAX_LENGTH = 400;

    private NumberText() {
    }

    /** @return the finite value, or empty when {@code text} is not a finite decimal number */
    static Optional<Double> parse(String text) {
        String trimmed = text.strip();
        if (trimmed.length() > MAX_LENGTH || !DECIMAL.matcher(trimmed).matches()) {
            return Optional.empty();
        }
        double value = Double.parseDouble(trimmed);
        return Double.isFinite(value) ? Optional.of(value) : Optional.empty();
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
