package org.tabserve.web.http;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.Feature;
import org.tabserve.model.Model;
import org.tabserve.repository.Lease;
import org.tabserve.repository.ModelState;
import org.tabserve.repository.ModelStatus;
import org.tabserve.repository.RepositoryException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every model's routes under {@code /models/{name}[/versions/{version}]/}: the form, {@code card},
 * {@code api/predict}, {@code predict}, {@code predict_file}, {@code invocations}, {@code api/model} and its OpenAPI
 * document, each answered by the root route's own servlet for the model the path names (routes are data: a model
 * loaded while the app runs cannot register servlets). {@code /models} is the index page of the served models and
 * {@code GET /api/models} the same in JSON.
 */
public final class ModelRoutesServlet extends ApiServlet {

    public static final String PATH = "/models";
    public static final String API_PATH = "/api/models";

    /** Each per-model route and the root route that answers it. */
    private static final Map<String, String> ROUTES = Map.of(
            "", "/",
            "card", "/model",
            "api/predict", "/api/predict",
            "predict", "/predict",
            "predict_file", "/predict_file",
            "invocations", "/invocations",
            "api/model", "/api/model",
            "openapi.json", Routes.OPENAPI_JSON,
            "openapi.yaml", Routes.OPENAPI_YAML);

    private final transient Views views;

    public ModelRoutesServlet(ServedModels model, ErrorRenderer errors, Views views) {
        super(model, errors);
        this.views = views;
    }

    /** One served model version as the index shows it. */
    record Entry(String name, String version, String state, String reason, String task, List<String> inputs,
                 String form, String card) {
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        if (API_PATH.equals(request.getServletPath())) {
            response.setContentType(Json.MEDIA_TYPE);
            response.setHeader("Cache-Control", "no-store");
            Json.MAPPER.writeValue(response.getOutputStream(), Map.of("models", entries()));
            return;
        }
        String path = request.getPathInfo();
        if (path == null || path.equals("/")) {
            views.render(request, response, 200, "models", Map.of("models", entries()));
            return;
        }
        route(request, response);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        route(request, response);
    }

    /** Hands the request to the root route's servlet, for the model its path names. */
    private void route(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        String[] parts = path.substring(1).split("/", -1);
        String name = parts[0];
        String version = null;
        int rest = 1;
        if (parts.length >= 3 && parts[1].equals("versions")) {
            version = parts[2];
            rest = 3;
        }
        if (parts.length == rest) { // no trailing slash: the form's relative links need one
            response.setStatus(308);
            response.setHeader("Location", request.getContextPath() + PATH + path + "/");
            return;
        }
        String route = String.join("/", java.util.Arrays.asList(parts).subList(rest, parts.length));
        String target = ROUTES.get(route);
        if (name.isEmpty() || target == null) {
            throw HttpProblem.of(404, "Not found", "no route for " + request.getMethod() + " "
                    + request.getRequestURI() + "; each model has " + PATH + "/{name}/ (the form), card, "
                    + "api/predict, predict, predict_file, invocations, api/model and openapi.json");
        }
        request.setAttribute(ServedModels.ROUTE, ModelRoute.of(name, version));
        model.classifier(); // 404 or 503 here, for the model the path names, before its route sees the request
        request.getServletContext().getRequestDispatcher(target).forward(request, response);
    }

    /** Every model version the repository knows, with its state, task, inputs and links. */
    private List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        for (ModelStatus status : model.repository().index()) {
            String task = "";
            List<String> inputs = List.of();
            if (status.state() == ModelState.READY) {
                try (Lease lease = model.repository().lease(status.name(), status.version())) {
                    Model served = lease.model();
                    task = served.signature().task().jsonName();
                    inputs = served.signature().features().stream().map(ModelRoutesServlet::describe).toList();
                } catch (RepositoryException e) {
                    // unloaded meanwhile: listed as the index found it
                }
            }
            String base = new ModelRoute(status.name(), java.util.Optional.of(status.version())).base() + "/";
            entries.add(new Entry(status.name(), Long.toString(status.version()), status.state().name(),
                    status.reason().orElse(""), task, inputs, base, base + "card"));
        }
        return entries;
    }

    private static String describe(Feature feature) {
        return feature.name() + " (" + feature.type().name().toLowerCase(java.util.Locale.ROOT)
                + (feature.missingAllowed() ? ", may be missing" : "") + ")";
    }
}
