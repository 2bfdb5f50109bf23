package org.tabserve.web.mlflow;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import org.tabserve.model.answer.AnswerField;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.conformal.Uncertainty;
import org.tabserve.model.signature.Prediction;

/**
 * One answered row of {@code /invocations} that asked for coverage, written as MLflow writes a row of a model that
 * returns a data frame: a record of the described fields' table columns ({@link AnswerField#columns}) that the
 * record carries, looped over in order: {@code prediction} (the label or value) then a regressor's {@code lower},
 * {@code upper} or a classifier's {@code prediction_set}, then {@code coverage}, and, where the card can tell,
 * {@code novelty_p_value} and {@code novel}.
 */
final class MlflowColumns {

    /** The column MLflow's records name the label or value by. */
    private static final String PREDICTION = "prediction";

    private MlflowColumns() {}

    static void write(JsonGenerator json, AnswerShape shape, Prediction prediction, Uncertainty uncertainty)
            throws IOException {
        json.writeStartObject();
        for (AnswerField field : AnswerField.values()) {
            if (!field.present(shape, false)) {
                continue;
            }
            switch (field) {
                case LABEL ->
                    json.writeStringField(
                            PREDICTION, prediction.classification().label());
                case VALUE -> json.writeNumberField(PREDICTION, ((Prediction.Regression) prediction).value());
                // MLflow's record is the prediction and how sure it is; explanations go beside the predictions,
                // a bad row is a null among them, its problems under "errors"
                case DISPLAY_NAME, PROBABILITIES, WARNINGS, EXPLANATION, ERRORS -> {}
                case INTERVAL -> {
                    json.writeNumberField(
                            field.columns(shape).get(0).name(),
                            uncertainty.interval().lower());
                    json.writeNumberField(
                            field.columns(shape).get(1).name(),
                            uncertainty.interval().upper());
                }
                case PREDICTION_SET -> {
                    json.writeArrayFieldStart(field.key());
                    for (String label : uncertainty.predictionSet()) {
                        json.writeString(label);
                    }
                    json.writeEndArray();
                }
                case COVERAGE -> json.writeNumberField(field.key(), uncertainty.coverage());
                case NOVELTY -> {
                    json.writeNumberField(
                            field.columns(shape).get(0).name(),
                            uncertainty.novelty().pValue());
                    json.writeBooleanField(
                            field.columns(shape).get(1).name(),
                            uncertainty.novelty().novel());
                }
            }
        }
        json.writeEndObject();
    }
}
