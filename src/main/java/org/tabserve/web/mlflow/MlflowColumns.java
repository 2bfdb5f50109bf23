package org.tabserve.web.mlflow;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import org.tabserve.model.Prediction;
import org.tabserve.model.Uncertainty;
import org.tabserve.rows.answer.CoverageField;
import org.tabserve.rows.answer.UncertaintyJson;

/**
 * One answered row of {@code /invocations} that asked for coverage, written as MLflow writes a row of a model that
 * returns a data frame: a record of columns, {@code prediction} (the label or value) then a regressor's
 * {@code lower}, {@code upper} or a classifier's {@code prediction_set}, then {@code coverage}, and, where the card
 * can tell, {@code novelty_p_value} and {@code novel}.
 */
final class MlflowColumns {

    private MlflowColumns() {}

    static void write(JsonGenerator json, Prediction prediction, Uncertainty uncertainty) throws IOException {
        json.writeStartObject();
        if (prediction instanceof Prediction.Regression regression) {
            json.writeNumberField("prediction", regression.value());
            json.writeNumberField("lower", uncertainty.interval().lower());
            json.writeNumberField("upper", uncertainty.interval().upper());
        } else {
            json.writeStringField("prediction", prediction.classification().label());
            json.writeArrayFieldStart(UncertaintyJson.PREDICTION_SET);
            for (String label : uncertainty.predictionSet()) {
                json.writeString(label);
            }
            json.writeEndArray();
        }
        json.writeNumberField(CoverageField.NAME, uncertainty.coverage());
        if (uncertainty.novelty() != null) {
            json.writeNumberField("novelty_p_value", uncertainty.novelty().pValue());
            json.writeBooleanField("novel", uncertainty.novelty().novel());
        }
        json.writeEndObject();
    }
}
