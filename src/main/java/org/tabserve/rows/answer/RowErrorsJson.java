package org.tabserve.rows.answer;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import org.tabserve.rows.field.FieldProblem;

/**
 * Writes a bad row's place in a batch answered row by row ({@code ?on_error=row}):
 * {@code {"errors": [{"field", "message", "row"}]}}.
 */
public final class RowErrorsJson {

    private RowErrorsJson() {}

    /** Writes the object that stands in a batch answer's place of a row that could not be scored. */
    public static void write(JsonGenerator json, List<FieldProblem> problems) throws IOException {
        json.writeStartObject();
        json.writeArrayFieldStart("errors");
        for (FieldProblem problem : problems) {
            json.writeStartObject();
            json.writeStringField("field", problem.field());
            json.writeStringField("message", problem.message());
            if (problem.row() != null) {
                json.writeNumberField("row", problem.row());
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }
}
