package org.tabserve.web.api;

import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.Batch;
import org.tabserve.model.ModelCard;
import org.tabserve.model.ModelSignature;
import org.tabserve.model.Prediction;
import org.tabserve.model.RangeWarning;
import org.tabserve.web.http.Json;

import java.io.IOException;
import java.util.List;

/**
 * Writes predictions as JSON, streaming: a classifier's {@code {"label", "display_name", "probabilities": {label: p},
 * "warnings": [{"feature", "message"}]}} or a regressor's {@code {"value", "warnings"}} for one row,
 * {@code {"predictions": [...]}} for a batch. {@code warnings} lists the values outside the training range and the
 * categories the model has not seen (empty when there are none).
 */
final class PredictionJson {

    private PredictionJson() {
    }

    static void write(JsonGenerator json, Prediction prediction, ModelCard card, List<RangeWarning> warnings)
            throws IOException {
        json.writeStartObject();
        if (prediction instanceof Prediction.Regression regression) {
            json.writeNumberField("value", regression.value());
        } else {
            Prediction.Classification classification = (Prediction.Classification) prediction;
            json.writeStringField("label", classification.label());
            json.writeStringField("display_name", card.displayName(classification.label()));
            json.writeObjectFieldStart("probabilities");
            List<String> classes = classification.classes();
            for (int i = 0; i < classes.size(); i++) {
                json.writeNumberField(classes.get(i), classification.probabilities().get(i));
            }
            json.writeEndObject();
        }
        json.writeArrayFieldStart("warnings");
        for (RangeWarning warning : warnings) {
            json.writeStartObject();
            json.writeStringField("feature", warning.feature());
            json.writeStringField("message", warning.message());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /**
     * The warnings for one row of a typed batch: numbers outside the training range, in the model's column order,
     * then categories the model has not seen.
     */
    static List<RangeWarning> warnings(ModelCard card, Batch batch, int row) {
        return warnings(card, batch, row, batch.numbers(row));
    }

    /**
     * The warnings for one row of a typed batch, its numbers checked against the training range as the caller sent
     * them: a float input holds 6.8248 as 6.82480001, above a training maximum of 6.8248, so the batch's own numbers
     * would warn about values at the very ends of the range.
     *
     * @param sent the row's values as sent, in {@link ModelSignature#features()} order (a {@code Number} where a number
     *             was sent; anything else is not range-checked)
     */
    static List<RangeWarning> warnings(ModelCard card, Batch batch, int row, Object[] sent) {
        double[] numbers = new double[sent.length];
        for (int i = 0; i < sent.length; i++) {
            numbers[i] = sent[i] instanceof Number number ? number.doubleValue() : Double.NaN;
        }
        return warnings(card, batch, row, numbers);
    }

    /**
     * The warnings for one row of a typed batch, these numbers (in feature order, NaN where there is none) checked
     * against the training range, then the categories the model has not seen.
     */
    static List<RangeWarning> warnings(ModelCard card, Batch batch, int row, double[] numbers) {
        List<RangeWarning> range = RangeWarning.check(batch.signature().featureNames(), numbers, card.featureStats());
        if (batch.warnings(row).isEmpty()) {
            return range;
        }
        List<RangeWarning> all = new java.util.ArrayList<>(range);
        all.addAll(batch.warnings(row));
        return all;
    }

    /** Starts a JSON response and returns its generator; the caller closes it. */
    static JsonGenerator start(HttpServletResponse response) throws IOException {
        response.setStatus(200);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        return Json.FACTORY.createGenerator(response.getOutputStream());
    }

    /**
     * Answers one prediction, or a batch when the caller sent one.
     *
     * @param rows the rows predicted
     * @param sent the same rows' values as sent (see {@link #warnings(ModelCard, Batch, int, Object[])})
     */
    static void respond(HttpServletResponse response, List<Prediction> predictions, Batch rows, List<Object[]> sent,
                        boolean batch, ModelCard card) throws IOException {
        try (JsonGenerator json = start(response)) {
            if (!batch) {
                write(json, predictions.get(0), card, warnings(card, rows, 0, sent.get(0)));
                return;
            }
            json.writeStartObject();
            json.writeArrayFieldStart("predictions");
            for (int i = 0; i < predictions.size(); i++) {
                write(json, predictions.get(i), card, warnings(card, rows, i, sent.get(i)));
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }
}
