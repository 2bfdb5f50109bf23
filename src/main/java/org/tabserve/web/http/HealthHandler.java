package org.tabserve.web.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tabserve.serving.Readiness;
import org.tabserve.serving.ResolvedModel;

/**
 * {@code GET /health/live} (the process answers) and {@code GET /health/ready} (every model found at start has
 * loaded or failed and at least one serves, and the server is not draining before a stop; otherwise 503 saying why),
 * with the default model's name and sha256 and the model versions that loaded and that failed.
 */
public final class HealthHandler {

    /** Where the health routes are. */
    public static final String PATH = "/health";
    /** What the 404 of a path under {@link #PATH} that no route serves says. */
    public static final String ROUTES_HINT = "try /health/live or /health/ready";
    /**
     * Context attribute: a {@code Supplier<byte[]>} of {@code /health/ready}'s answer while the server is ready, null
     * otherwise, so that the launcher answers the probe ahead of the servlet and its queue (plain JDK types: the
     * launcher is outside the app's class loader).
     */
    public static final String READY_BODY = "tabserve.health.ready-body";

    private final Readiness readiness;

    /** @param readiness whether the server should be sent requests, and which models loaded or failed */
    public HealthHandler(Readiness readiness) {
        this.readiness = readiness;
    }

    /** {@code GET /health/live}. */
    public void live(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        write(response, Map.of("status", "live"));
    }

    /** {@code GET /health/ready}. */
    public void ready(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (readiness.draining()) {
            throw HttpProblem.unavailable("the server is stopping: it answers the requests that still reach it until"
                    + " its drain window (--drain-seconds) ends, so that load balancers take it out first");
        }
        if (!readiness.ready()) {
            model.model(); // 503 with the reason when no model could be loaded
            throw HttpProblem.unavailable(
                    "the models found at start are still loading; see POST " + "/v2/repository/index");
        }
        byte[] body = readyBody(readiness, model);
        if (body == null) { // it stopped being ready a moment ago
            throw HttpProblem.unavailable("the server stopped being ready; ask again");
        }
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(body);
    }

    /** @return {@link #READY_BODY}'s supplier: {@code /health/ready}'s answer for the default model, or null */
    public static java.util.function.Supplier<byte[]> readyBodies(org.tabserve.serving.ServedModels served) {
        return () -> {
            try (ResolvedModel model = ResolvedModel.of(served, null, null, null)) {
                return readyBody(served.readiness(), model);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    /** @return {@code /health/ready}'s JSON answer while the server is ready, else null (the route says why) */
    public static byte[] readyBody(Readiness readiness, ResolvedModel model) throws IOException {
        if (!readiness.ready()) {
            return null;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ready");
        model.loaded().ifPresent(classifier -> {
            // One name, the one its routes and /api/models give it (/models/{name}/...), under both keys tools read:
            // a card's own name (which may be another) is the card's to show (/api/model, /card).
            body.put("model", model.name());
            body.put("sha256", classifier.sha256());
            body.put("name", model.name());
            model.version().ifPresent(version -> body.put("version", version));
        });
        body.put("loaded", readiness.loaded());
        body.put("failed", readiness.failed());
        readiness.store().ifPresent(store -> body.put("store", storeJson(store)));
        return Json.MAPPER.writeValueAsBytes(body);
    }

    /** The store the models come from, as readiness and the models index show it: where, whether it answers, why not. */
    public static Map<String, Object> storeJson(org.tabserve.repository.ModelStore.State store) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("location", store.location());
        json.put("reachable", store.reachable());
        store.detail().ifPresent(detail -> json.put("detail", "store unreachable: " + detail));
        json.put("cached_models", store.cachedFiles());
        json.put("reads_abandoned", store.readsAbandoned());
        json.put("abandoned", store.abandoned());
        return json;
    }

    private static void write(HttpServletResponse response, Map<String, Object> body) throws IOException {
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        Json.MAPPER.writeValue(response.getOutputStream(), body);
    }
}
