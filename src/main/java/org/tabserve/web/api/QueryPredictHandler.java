package org.tabserve.web.api;

import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.Model;
import org.tabserve.model.Prediction;
import org.tabserve.rows.ParameterRowParser;
import org.tabserve.rows.PredictionJson;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.MediaType;
import org.tabserve.web.http.RequestParameters;
import org.tabserve.web.http.ResolvedModel;
import org.tabserve.web.http.WebConfig;

import java.io.IOException;

/**
 * {@code /predict}, the original Flask apps' route, answered in JSON: {@code GET /predict?variance=..&skewness=..}
 * (the bank-note app; values read by each feature's type, an empty one missing), and {@code POST /predict} with the features as a JSON object (the admission-prediction client)
 * or as a url-encoded form.
 */
public final class QueryPredictHandler {

    private final WebConfig config;
    private final JsonPredictRequest json;

    public QueryPredictHandler(WebConfig config, JsonPredictRequest json) {
        this.config = config;
        this.json = json;
    }

    /** {@code POST /predict}: the features as a JSON object or as a url-encoded form. */
    public void post(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        MediaType type = MediaType.of(request);
        switch (type.type()) {
            case MediaType.JSON -> {
                type.require(MediaType.JSON); // refuses a charset other than UTF-8
                json.answer(model, request, response);
            }
            case MediaType.FORM -> get(model, request, response);
            default -> throw HttpProblem.unsupportedMediaType("send Content-Type: application/json (or a url-encoded"
                    + " form) " + type.sent());
        }
    }

    /** {@code GET /predict?variance=..&skewness=..}. */
    public void get(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Model classifier = model.model();
        ParameterRowParser.ParsedRow parsed = new ParameterRowParser(classifier.signature())
                .parse(RequestParameters.of(request, config.maxBodyBytes()));
        Prediction prediction = model.counted(classifier.predict(parsed.orThrow())).get(0);
        try (JsonGenerator json = Json.start(response)) {
            PredictionJson.write(json, prediction, classifier.card(), parsed.warnings(classifier.card()));
        }
    }
}
