package org.tabserve.rows.answerjson;

import com.fasterxml.jackson.core.JsonToken;
import java.util.List;
import java.util.Locale;
import org.tabserve.model.conformal.Conformal;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.field.NumberText;
import org.tabserve.rows.field.RowsException;

/**
 * The {@code coverage} by which a request asks how sure each answer is ({@code "coverage": 0.9} in a JSON body,
 * {@code ?coverage=0.9} in a query or form (the web's {@code AskedFields}), a parameter of v2 and gRPC): the one
 * rule every route reads it by, a
 * number from {@link Conformal#MIN_COVERAGE} to {@link Conformal#MAX_COVERAGE}, so that anything else is the same 400
 * naming where it was sent.
 */
public final class CoverageField {

    /** The field's name; never a feature's unless the model has one of that name (then only the query asks). */
    public static final String NAME = "coverage";

    private CoverageField() {}

    /**
     * @param text the value as sent in a query, a form or a text parameter
     * @param path where it was, as the 400's field names it: {@code coverage}, {@code parameters.coverage}
     * @return the coverage
     * @throws RowsException 400 naming {@code path} for anything but a decimal number in range
     */
    public static double parse(String text, String path) {
        String stripped = text.strip();
        if (!NumberText.isDecimal(stripped)) {
            throw refused(path, "got '" + (stripped.length() > 40 ? stripped.substring(0, 40) + "…" : stripped) + "'");
        }
        return checked(Double.parseDouble(stripped), path);
    }

    /**
     * @param sent   the value a query or form sent, or null when it sent none
     * @param inBody the coverage the body asked for, or null; a query's value wins over it
     * @return the coverage asked for, or null when none was
     * @throws RowsException 400 naming {@code coverage} for a sent value that is not a decimal number in range
     */
    public static Double asked(String sent, Double inBody) {
        if (sent == null) {
            return inBody; // no ternary: it would unbox a null
        }
        return parse(sent, NAME);
    }

    /**
     * @param value the field's value token
     * @param number its number, when the token is one
     * @throws RowsException 400 naming {@code path} for anything but a number in range
     */
    public static double read(JsonToken value, double number, String path) {
        if (value != JsonToken.VALUE_NUMBER_FLOAT && value != JsonToken.VALUE_NUMBER_INT) {
            throw refused(path, "got " + JsonText.describe(value));
        }
        return checked(number, path);
    }

    /** @throws RowsException 400 naming {@code path} for a number out of range */
    public static double checked(double coverage, String path) {
        if (!(coverage >= Conformal.MIN_COVERAGE && coverage <= Conformal.MAX_COVERAGE)) {
            throw refused(path, "got " + String.format(Locale.ROOT, "%s", coverage));
        }
        return coverage;
    }

    private static RowsException refused(String path, String got) {
        return RowsException.invalidFields(List.of(new FieldProblem(
                path,
                "'" + path + "' must be a number from "
                        + Conformal.MIN_COVERAGE + " to " + Conformal.MAX_COVERAGE
                        + " (the share of answers the interval or"
                        + " set must cover), " + got,
                null)));
    }
}
