package org.tabserve.rows.json;

import java.util.List;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.field.RowsException;

/**
 * The shapes a JSON body of rows may take on the JSON routes, in the model's names, said to a caller whose body is
 * none of them or mixes two ({@link JsonRowsParser}): one row, {@code instances}, pandas' records and split.
 */
final class JsonBodyShapes {

    private final ModelSignature signature;
    private final JsonCells reader;

    JsonBodyShapes(ModelSignature signature, JsonCells reader) {
        this.signature = signature;
        this.reader = reader;
    }

    /** The shapes taken, with an example row of this model's. */
    String said() {
        return "send one row as an object of features, e.g. " + reader.example()
                + "; or {\"instances\": [...]}, a list of such objects or of arrays of " + signature.featureCount()
                + " values in the order " + JsonText.quotedNames(signature.featureNames())
                + "; or that list itself, [{...}, ...] (pandas' to_json(orient=\"records\")); or pandas' split"
                + " orientation, {\"columns\": [...], \"data\": [[...], ...]} with an optional \"index\""
                + " (to_json(orient=\"split\")); \"explain\" and \"coverage\" may stand beside any of the objects";
    }

    /** Refuses a body that mixes two shapes, naming {@code field}, the key that shows the second. */
    void mixed(boolean mixed, String field) {
        if (mixed) {
            throw RowsException.invalidFields(List.of(new FieldProblem(
                    field,
                    "the body mixes two shapes: '" + field + "' cannot stand beside what came before it; " + said(),
                    null)));
        }
    }
}
