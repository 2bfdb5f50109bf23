package org.tabserve.web.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.web.http.ApiServlet;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.ServedModels;

import java.io.IOException;

/** {@code POST /api/predict}: JSON features in, JSON prediction out; a batch is one model call. */
public final class PredictApiServlet extends ApiServlet {

    private final transient JsonPredictRequest json;

    public PredictApiServlet(ServedModels model, ErrorRenderer errors, JsonPredictRequest json) {
        super(model, errors);
        this.json = json;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        requireContentType(request, "application/json");
        json.answer(request, response);
    }
}
