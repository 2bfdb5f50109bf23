package org.tabserve.rows.answerjson;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnsweredRow;
import org.tabserve.rows.field.FieldProblem;

/**
 * Writes a bad row's place in a batch answered row by row ({@code ?on_error=row}):
 * {@code {"errors": [{"field", "message", "row"}]}}.
 */
public final class RowErrorsJson {

    private RowErrorsJson() {}

    /** Writes the object that stands in a batch answer's place of a row that could not be scored. */
    public static void write(JsonGenerator json, List<FieldProblem> problems) throws IOException {
        List<AnsweredRow.Problem> answered = new ArrayList<>(problems.size());
        for (FieldProblem problem : problems) {
            answered.add(new AnsweredRow.Problem(problem.field(), problem.message(), problem.row()));
        }
        json.writeStartObject();
        FieldJson.writeField(
                json, AnswerField.ERRORS.key(), AnswerField.ERRORS.value(new AnsweredRow.Refused(answered)));
        json.writeEndObject();
    }
}
