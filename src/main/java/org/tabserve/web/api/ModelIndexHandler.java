package org.tabserve.web.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.Feature;
import org.tabserve.model.Model;
import org.tabserve.repository.Lease;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.ModelState;
import org.tabserve.repository.ModelStatus;
import org.tabserve.repository.RepositoryException;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.ModelRoute;
import org.tabserve.web.http.ResolvedModel;
import org.tabserve.web.http.RouteTable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The index of the served models: {@code GET /api/models} in JSON, and for {@code /models}, the page that lists them,
 * its entries ({@link #entries}): every version the repository knows, with its state, task, inputs and links.
 */
public final class ModelIndexHandler {

    public static final String API_PATH = "/api/models";
    /** What the 404 of a path under {@code /models} that no route serves names. */
    public static final String ROUTES_HINT = "each model has " + RouteTable.MODELS + "/{name}/ (the form), card, "
            + "api/predict, predict, predict_file, invocations, api/model and openapi.json";

    /**
     * One served model version as the index shows it.
     *
     * @param form where its form is, {@code /models/{name}/versions/{version}/}
     * @param card where its card page is
     */
    public record Entry(String name, String version, String state, String reason, String task, List<String> inputs,
                        String form, String card) {
    }

    /** {@code GET /api/models}. */
    public void list(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        response.setContentType(Json.MEDIA_TYPE);
        response.setHeader("Cache-Control", "no-store");
        Json.MAPPER.writeValue(response.getOutputStream(), Map.of("models", entries(model.repository())));
    }

    /**
     * {@code /models/{name}[/versions/{version}]} without the trailing slash: redirected to it, as the form's relative
     * links need one.
     */
    public void addSlash(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) {
        response.setStatus(308);
        response.setHeader("Location", request.getContextPath() + request.getServletPath()
                + (request.getPathInfo() == null ? "" : request.getPathInfo()) + "/");
    }

    /** Every model version the repository knows, with its state, task, inputs and links. */
    public static List<Entry> entries(ModelRepository repository) {
        List<Entry> entries = new ArrayList<>();
        for (ModelStatus status : repository.index()) {
            String task = "";
            List<String> inputs = List.of();
            if (status.state() == ModelState.READY) {
                try (Lease lease = repository.lease(status.name(), status.version())) {
                    Model served = lease.model();
                    task = served.signature().task().jsonName();
                    inputs = served.signature().features().stream().map(ModelIndexHandler::describe).toList();
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
