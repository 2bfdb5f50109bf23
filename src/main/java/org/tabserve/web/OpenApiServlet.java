package org.tabserve.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.OnnxClassifier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code GET /openapi.json} and {@code /openapi.yaml}: the OpenAPI document, written once at start-up. */
final class OpenApiServlet extends ApiServlet {

    static final String JSON_PATH = "/openapi.json";
    static final String YAML_PATH = "/openapi.yaml";

    private final transient OpenApiDocument.Texts document;

    OpenApiServlet(ServedModel model, ErrorRenderer errors, String serverVersion) {
        super(model, errors);
        this.document = model.loaded()
                .map(c -> OpenApiDocument.write(c.signature(), c.card(), serverVersion))
                .orElse(null);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OnnxClassifier classifier = model.classifier(); // 503 without a model: the document describes the model
        boolean yaml = YAML_PATH.equals(request.getServletPath());
        response.setContentType(yaml ? "application/yaml" : "application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("X-Model-Sha256", classifier.sha256());
        response.getOutputStream().write((yaml ? document.yaml() : document.json()).getBytes(StandardCharsets.UTF_8));
    }
}
