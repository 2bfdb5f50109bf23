package org.tabserve.web;

import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.ModelCard;
import org.tabserve.model.Prediction;

import java.io.IOException;
import java.util.List;

/**
 * Writes predictions as JSON, streaming: {@code {"label", "display_name", "probabilities": {label: p}}} for one row,
 * {@code {"predictions": [...]}} for a batch.
 */
final class PredictionJson {

    private PredictionJson() {
    }

    static void write(JsonGenerator json, Prediction prediction, ModelCard card) throws IOException {
        json.writeStartObject();
        json.writeStringField("label", prediction.label());
        json.writeStringField("display_name", card.displayName(prediction.label()));
        json.writeObjectFieldStart("probabilities");
        List<String> classes = prediction.classes();
        for (int i = 0; i < classes.size(); i++) {
            json.writeNumberField(classes.get(i), prediction.probabilities().get(i));
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    /** Starts a JSON response and returns its generator; the caller closes it. */
    static JsonGenerator start(HttpServletResponse response) throws IOException {
        response.setStatus(200);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        return Json.FACTORY.createGenerator(response.getOutputStream());
    }

    /** Answers one prediction, or a batch when the caller sent one. */
    static void respond(HttpServletResponse response, List<Prediction> predictions, boolean batch, ModelCard card)
            throws IOException {
        try (JsonGenerator json = start(response)) {
            if (!batch) {
                write(json, predictions.get(0), card);
                return;
            }
            json.writeStartObject();
            json.writeArrayFieldStart("predictions");
            for (Prediction prediction : predictions) {
                write(json, prediction, card);
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }
}
