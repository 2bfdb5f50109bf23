package org.tabserve.web.mlflow;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;
import org.tabserve.model.answer.AnswerColumn;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.AnsweredRow;
import org.tabserve.model.answer.FieldValue;
import org.tabserve.rows.answerjson.FieldJson;

/**
 * One answered row of {@code /invocations} that asked for coverage, written as MLflow writes a row of a model that
 * returns a data frame: a record of the described fields' table columns ({@link AnswerColumn#columns}) that the
 * record carries, looped over in order, each part written by its type ({@link FieldJson}): {@code prediction} (the
 * label or value) then a regressor's {@code lower}, {@code upper} or a classifier's {@code prediction_set}, then
 * {@code coverage}, and, where the card can tell, {@code novelty_p_value} and {@code novel}.
 */
final class MlflowColumns {

    /** The column MLflow's records name the label or value by. */
    private static final String PREDICTION = "prediction";

    /**
     * The fields MLflow's record leaves out: its pyfunc answers a label, never the probabilities, and the names for
     * people are the form's; explanations and warnings go beside the predictions, a bad row is a null among them, its
     * problems under "errors".
     */
    private static final Set<AnswerField> BESIDE = EnumSet.of(
            AnswerField.DISPLAY_NAME,
            AnswerField.PROBABILITIES,
            AnswerField.WARNINGS,
            AnswerField.EXPLANATION,
            AnswerField.ERRORS);

    private MlflowColumns() {}

    static void write(JsonGenerator json, AnswerShape shape, AnsweredRow.Scored row) throws IOException {
        json.writeStartObject();
        for (AnswerField field : AnswerField.values()) {
            if (!field.present(shape, false) || BESIDE.contains(field)) {
                continue;
            }
            FieldValue value = field.value(row);
            for (AnswerColumn column : AnswerColumn.columns(field, shape)) {
                FieldValue part = value == null ? null : value.part(column.part());
                if (part != null) {
                    boolean prediction = field == AnswerField.LABEL || field == AnswerField.VALUE;
                    FieldJson.writeField(json, prediction ? PREDICTION : column.name(), part);
                }
            }
        }
        json.writeEndObject();
    }
}
