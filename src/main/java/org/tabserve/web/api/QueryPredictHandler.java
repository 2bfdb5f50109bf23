package org.tabserve.web.api;

import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.OnnxModel;
import org.tabserve.model.Prediction;
import org.tabserve.web.http.ApiServlet;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.ServedModels;
import org.tabserve.web.http.WebConfig;

import java.io.IOException;

/**
 * {@code /predict}, the original Flask apps' route, answered in JSON: {@code GET /predict?variance=..&skewness=..}
 * (the bank-note app; values read by each feature's type, an empty one missing), and {@code POST /predict} with the features as a JSON object (the admission-prediction client)
 * or as a url-encoded form.
 */
public final class QueryPredictServlet extends ApiServlet {

    private final transient WebConfig config;
    private final transient JsonPredictRequest json;

    public QueryPredictServlet(ServedModels model, ErrorRenderer errors, WebConfig config, JsonPredictRequest json) {
        super(model, errors);
        this.config = config;
        this.json = json;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String header = request.getHeader("Content-Type"); // getContentType() throws on an unknown charset
        String type = header == null ? "" : header.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        switch (type) {
            case "application/json" -> {
                requireContentType(request, "application/json"); // refuses a charset other than UTF-8
                json.answer(request, response);
            }
            case "application/x-www-form-urlencoded" -> doGet(request, response);
            default -> throw HttpProblem.unsupportedMediaType("send Content-Type: application/json (or a url-encoded"
                    + " form)" + (header == null ? " (none was sent)" : " (got " + header + ")"));
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OnnxModel classifier = model.classifier();
        ParameterRowParser.ParsedRow parsed = new ParameterRowParser(classifier.signature())
                .parse(ParameterRowParser.parameters(request, config.maxBodyBytes()));
        Prediction prediction = model.counted(classifier.predict(parsed.orThrow())).get(0);
        try (JsonGenerator json = PredictionJson.start(response)) {
            PredictionJson.write(json, prediction, classifier.card(), parsed.warnings(classifier.card()));
        }
    }
}
