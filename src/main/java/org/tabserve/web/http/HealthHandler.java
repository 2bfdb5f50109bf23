package org.tabserve.web.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.OnnxModel;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health/live} (the process answers) and {@code GET /health/ready} (every model found at start has
 * loaded or failed and at least one serves; otherwise 503 saying why), with the default model's name and sha256.
 */
public final class HealthServlet extends ApiServlet {

    public HealthServlet(ServedModels model, ErrorRenderer errors) {
        super(model, errors);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        switch (path) {
            case "/live" -> body.put("status", "live");
            case "/ready" -> {
                if (!model.repository().ready()) {
                    model.classifier(); // 503 with the reason when no model could be loaded
                    throw HttpProblem.unavailable("the models found at start are still loading; see POST "
                            + "/v2/repository/index");
                }
                body.put("status", "ready");
                model.loaded().ifPresent(classifier -> {
                    body.put("model", classifier.card().name());
                    body.put("sha256", classifier.sha256());
                });
            }
            default -> throw HttpProblem.of(404, "Not found", "no route for GET " + request.getRequestURI()
                    + "; try /health/live or /health/ready");
        }
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        Json.MAPPER.writeValue(response.getOutputStream(), body);
    }
}
