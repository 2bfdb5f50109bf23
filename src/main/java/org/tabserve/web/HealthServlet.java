package org.tabserve.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.OnnxModel;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health/live} (the process answers) and {@code GET /health/ready} (a model is loaded and warmed up,
 * otherwise 503 saying why).
 */
final class HealthServlet extends ApiServlet {

    HealthServlet(ServedModel model, ErrorRenderer errors) {
        super(model, errors);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        switch (path) {
            case "/live" -> body.put("status", "live");
            case "/ready" -> {
                OnnxModel classifier = model.classifier(); // 503 with the reason when there is none
                body.put("status", "ready");
                body.put("model", classifier.card().name());
                body.put("sha256", classifier.sha256());
            }
            default -> throw HttpProblem.of(404, "Not found", "no route for GET " + request.getRequestURI()
                    + "; try /health/live or /health/ready");
        }
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        Json.MAPPER.writeValue(response.getOutputStream(), body);
    }
}
