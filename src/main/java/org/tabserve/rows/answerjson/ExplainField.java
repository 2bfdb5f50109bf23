package org.tabserve.rows.answerjson;

import com.fasterxml.jackson.core.JsonToken;
import java.util.List;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.field.RowsException;

/**
 * The {@code explain} field by which a request asks for each answer's contributions ({@code "explain": true} in a JSON
 * body, {@code ?explain=true} in a query): the one rule every route reads it by, wherever a streamed body carries it
 * (the top level of {@code /api/predict}'s body, MLflow's {@code params}) or a query does (the web's {@code
 * AskedFields}), so that anything but true or false is the same 400 naming where it was sent.
 */
public final class ExplainField {

    /**
     * The field's name, {@code true} or {@code false}; never a feature's unless the model has one of that name (then
     * only {@code ?explain=true} asks).
     */
    public static final String NAME = "explain";

    private ExplainField() {}

    /**
     * @param value the field's value token
     * @param path  where it was, dotted, as the 400's field names it: {@code explain}, {@code params.explain}
     * @return whether it asks for explanations
     * @throws RowsException 400 naming {@code path} for anything but {@code true} or {@code false}
     */
    public static boolean read(JsonToken value, String path) {
        if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
            return value == JsonToken.VALUE_TRUE;
        }
        throw refused(
                path, "\"" + path.replace(".", "\".\"") + "\" must be true or false, got " + JsonText.describe(value));
    }

    /**
     * @param sent   the value a query sent, or null when it sent none
     * @param inBody whether the body asked ({@code "explain": true}); a query's {@code false} does not unask it
     * @return whether explanations are asked for
     * @throws RowsException 400 naming {@code explain} for a value other than {@code true} or {@code false}
     */
    public static boolean asked(String sent, boolean inBody) {
        if (sent == null) {
            return inBody;
        }
        if (!sent.equals("true") && !sent.equals("false")) {
            throw refused(
                    NAME,
                    "?explain= must be true or false, got '" + (sent.length() > 40 ? sent.substring(0, 40) + "…" : sent)
                            + "'");
        }
        return inBody || sent.equals("true");
    }

    /** @return the 400 naming {@code path} that says {@code message} */
    public static RowsException refused(String path, String message) {
        return RowsException.invalidFields(List.of(new FieldProblem(path, message, null)));
    }
}
