package org.tabserve.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.OnnxClassifier;

import java.io.IOException;
import java.io.InputStream;

/** {@code POST /api/predict}: JSON features in, JSON prediction out; a batch is one model call. */
final class PredictApiServlet extends ApiServlet {

    private final transient WebConfig config;
    private final transient MemoryBudget budget;

    PredictApiServlet(ServedModel model, ErrorRenderer errors, WebConfig config, MemoryBudget budget) {
        super(model, errors);
        this.config = config;
        this.budget = budget;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        requireContentType(request, "application/json");
        OnnxClassifier classifier = model.classifier();
        try (MemoryBudget.Reservation held = budget.open()) {
            JsonRowsParser.ParsedRows parsed;
            try (InputStream body = held.metered(LimitedInputStream.body(request, config.maxBodyBytes()),
                    Json.UNMETERED_BYTES, Json.HEAP_BYTES_PER_BODY_BYTE)) {
                parsed = new JsonRowsParser(classifier.signature(), config.maxBatchRows()).parse(body);
            }
            PredictionJson.respond(response, model.counted(classifier.predict(parsed.rows())), parsed.rows(),
                    parsed.batch(), classifier.signature(), classifier.card());
        }
    }
}
