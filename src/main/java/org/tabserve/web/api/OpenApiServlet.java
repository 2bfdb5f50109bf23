package org.tabserve.web.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.OnnxModel;
import org.tabserve.web.http.ApiServlet;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.ModelRoute;
import org.tabserve.web.http.Routes;
import org.tabserve.web.http.ServedModels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code GET /openapi.json} and {@code /openapi.yaml}: the OpenAPI document, written at its first request, then kept. */
public final class OpenApiServlet extends ApiServlet {

    /** The document as JSON; the value lives in {@link Routes}, where the per-model router reads it. */
    public static final String JSON_PATH = Routes.OPENAPI_JSON;
    /** The document as YAML. */
    public static final String YAML_PATH = Routes.OPENAPI_YAML;

    private final String serverVersion;
    /** The documents of the models served lately, by name, base and file: rebuilt only for a model not seen before. */
    private final transient Map<String, OpenApiDocument.Texts> written = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, OpenApiDocument.Texts> eldest) {
                    return size() > 32;
                }
            });

    public OpenApiServlet(ServedModels model, ErrorRenderer errors, String serverVersion) {
        super(model, errors);
        // Not written at start-up, not even on a thread of its own: swagger-core's first use is a few hundred ms of
        // class loading, which on a machine of two cores would compete with the start itself. The first request for
        // the document pays it once.
        this.serverVersion = serverVersion;
    }

    /** The document of model {@code name} on its routes under {@code base}, written once per model file. */
    private OpenApiDocument.Texts document(String name, String base, OnnxModel classifier) {
        String key = name + " " + base + " " + classifier.sha256();
        OpenApiDocument.Texts texts = written.get(key);
        if (texts == null) {
            texts = OpenApiDocument.write(name, base, classifier.signature(), classifier.card(),
                    classifier.valueOutput().orElse(null), serverVersion);
            written.put(key, texts);
        }
        return texts;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OnnxModel classifier = model.classifier(); // 503 without a model: the document describes the model
        boolean yaml = YAML_PATH.equals(request.getServletPath());
        response.setContentType(yaml ? "application/yaml" : "application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("X-Model-Sha256", classifier.sha256());
        String base = request.getAttribute(ServedModels.ROUTE) instanceof ModelRoute route ? route.base() : "";
        OpenApiDocument.Texts document = document(model.name(), base, classifier);
        response.getOutputStream().write((yaml ? document.yaml() : document.json()).getBytes(StandardCharsets.UTF_8));
    }
}
