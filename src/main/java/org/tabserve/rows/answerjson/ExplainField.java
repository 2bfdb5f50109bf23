package org.tabserve.rows.answerjson;

import com.fasterxml.jackson.core.JsonToken;
import java.util.List;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.field.RowsException;

/**
 * The {@code explain} field by which a JSON request asks for each answer's contributions, read one way wherever a
 * streamed body carries it (the top level of {@code /api/predict}'s body, MLflow's {@code params}), so that anything
 * but a JSON boolean is the same 400 naming where it was sent.
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
        throw RowsException.invalidFields(List.of(new FieldProblem(
                path,
                "\"" + path.replace(".", "\".\"") + "\" must be true or false, got " + JsonText.describe(value),
                null)));
    }
}
