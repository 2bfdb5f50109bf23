package org.tabserve.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.OnnxClassifier;

import java.io.IOException;
import java.io.InputStream;

/** {@code POST /api/predict}: JSON features in, JSON prediction out; a batch is one model call. */
final class PredictApiServlet extends ApiServlet {

    private final transient WebConfig config;

    PredictApiServlet(ServedModel model, ErrorRenderer errors, WebConfig config) {
        super(model, errors);
        this.config = config;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        requireContentType(request, "application/json");
        OnnxClassifier classifier = model.classifier();
        JsonRowsParser.ParsedRows parsed;
        try (InputStream body = LimitedInputStream.body(request, config.maxBodyBytes())) {
            parsed = new JsonRowsParser(classifier.signature(), config.maxBatchRows()).parse(body);
        }
        PredictionJson.respond(response, model.counted(classifier.predict(parsed.rows())), parsed.rows(), parsed.batch(),
                classifier.signature(), classifier.card());
    }
}
