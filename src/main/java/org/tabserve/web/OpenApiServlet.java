package org.tabserve.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.OnnxModel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code GET /openapi.json} and {@code /openapi.yaml}: the OpenAPI document, written once, in the background at start-up. */
final class OpenApiServlet extends ApiServlet {

    static final String JSON_PATH = "/openapi.json";
    static final String YAML_PATH = "/openapi.yaml";

    /** The document and the model it describes (by sha256), rebuilt when an operator swaps the model. */
    private record Written(String sha256, OpenApiDocument.Texts texts) {
    }

    private final String serverVersion;
    private transient volatile Written written;

    OpenApiServlet(ServedModel model, ErrorRenderer errors, String serverVersion) {
        super(model, errors);
        this.serverVersion = serverVersion;
        // Written off the start-up path (swagger-core's first use costs a few hundred ms of class loading); a request
        // that comes first writes it itself.
        model.loaded().ifPresent(classifier -> {
            Thread writer = new Thread(() -> document(classifier), "tabserve-openapi");
            writer.setDaemon(true);
            writer.start();
        });
    }

    private OpenApiDocument.Texts document(OnnxModel classifier) {
        Written now = written;
        if (now == null || !now.sha256().equals(classifier.sha256())) {
            now = new Written(classifier.sha256(), OpenApiDocument.write(classifier.signature(), classifier.card(),
                    classifier.valueOutput().orElse(null), serverVersion));
            written = now;
        }
        return now.texts();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OnnxModel classifier = model.classifier(); // 503 without a model: the document describes the model
        boolean yaml = YAML_PATH.equals(request.getServletPath());
        response.setContentType(yaml ? "application/yaml" : "application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("X-Model-Sha256", classifier.sha256());
        OpenApiDocument.Texts document = document(classifier);
        response.getOutputStream().write((yaml ? document.yaml() : document.json()).getBytes(StandardCharsets.UTF_8));
    }
}
