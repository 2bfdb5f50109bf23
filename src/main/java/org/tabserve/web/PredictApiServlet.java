package org.tabserve.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** {@code POST /api/predict}: JSON features in, JSON prediction out; a batch is one model call. */
final class PredictApiServlet extends ApiServlet {

    private final transient JsonPredictRequest json;

    PredictApiServlet(ServedModels model, ErrorRenderer errors, JsonPredictRequest json) {
        super(model, errors);
        this.json = json;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        requireContentType(request, "application/json");
        json.answer(request, response);
    }
}
