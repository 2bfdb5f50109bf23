package org.tabserve.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.OnnxClassifier;

import java.io.IOException;
import java.util.List;

/** {@code GET /predict?variance=..&skewness=..}: the original Flask app's query route, answered in JSON. */
final class QueryPredictServlet extends ApiServlet {

    private final transient WebConfig config;

    QueryPredictServlet(ServedModel model, ErrorRenderer errors, WebConfig config) {
        super(model, errors);
        this.config = config;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OnnxClassifier classifier = model.classifier();
        double[] row = new ParameterRowParser(classifier.signature())
                .parse(ParameterRowParser.parameters(request, config.maxBodyBytes())).orThrow();
        PredictionJson.respond(response, List.of(model.counted(classifier.predict(row))), new double[][]{row}, false,
                classifier.signature(), classifier.card());
    }
}
