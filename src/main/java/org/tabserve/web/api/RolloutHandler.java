package org.tabserve.web.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.logging.Logger;
import org.tabserve.predictionlog.PredictionLogOptions;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.rollout.Rollout;
import org.tabserve.serving.rollout.Rollouts;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.WebConfig;
import org.tabserve.web.http.auth.Access;
import org.tabserve.web.http.limits.LimitedInputStream;
import org.tabserve.web.http.request.MediaType;

/**
 * A model's rollout over HTTP ({@link Rollouts} does the work): {@code GET
 * /models/{name}/api/rollout} shows it with its live comparisons, and the admin routes, behind the admin token, set it
 * ({@code PUT /admin/models/{name}/rollout}, the JSON {@code rollout.json} holds), promote its candidate
 * ({@code POST .../rollout/promote}) or roll it back ({@code POST .../rollout/rollback}). Each answers with the
 * rollout as {@code GET} shows it. The rows the versions differ most on are shown to the admin token's bearer alone,
 * never with a masked column ({@link RolloutRows}).
 */
public final class RolloutHandler {

    /** The path of a model's rollout, under {@code /models/{name}}. */
    public static final String PATH = "/api/rollout";
    /** The admin routes' suffix, under {@code /admin/models/{name}}. */
    public static final String ADMIN_PATH = "/rollout";

    private static final Logger LOG = Logger.getLogger(RolloutHandler.class.getName());

    private final WebConfig config;
    private final Access access;
    private final Rollouts rollouts;
    private final RolloutRows rows;

    /** @param rollouts the served models' rollouts, which the routes show and change */
    public RolloutHandler(WebConfig config, Access access, Rollouts rollouts) {
        this.config = config;
        this.access = access;
        this.rollouts = rollouts;
        this.rows = new RolloutRows(
                config.predictionLog().map(PredictionLogOptions::mask).orElse(java.util.Set.of()));
    }

    /**
     * {@code GET /models/{name}/api/rollout}: open to all, the disagreements' rows only to a caller with the admin
     * token (a wrong one is refused, 401 or 403, rather than shown less).
     */
    public void show(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        model.model(); // 404 for a model not served, as every route of a model
        boolean admin = access.showsAdmin(request, model.name());
        respond(response, rows.shown(rollouts.status(model.name()), admin));
    }

    /** {@code PUT /admin/models/{name}/rollout}: the body is the rollout's JSON, as in {@code rollout.json}. */
    public void put(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        MediaType.require(request, "application/json");
        byte[] body;
        try (InputStream in = LimitedInputStream.body(request, config.maxBodyBytes(), WebConfig.MAX_BODY_BYTES)) {
            body = in.readNBytes(Rollout.MAX_BYTES + 1); // past the rollout's bound nothing more is read
        }
        respond(request, response, "set", rollouts.put(model.name(), Rollout.parse(body)));
    }

    /** {@code POST /admin/models/{name}/rollout/promote}. */
    public void promote(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        respond(request, response, "promoted", rollouts.promote(model.name()));
    }

    /** {@code POST /admin/models/{name}/rollout/rollback}. */
    public void rollback(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        respond(request, response, "rolled back", rollouts.rollback(model.name()));
    }

    /** Logs an admin change with who asked for it and what the rollout is now, then answers with it. */
    private void respond(
            HttpServletRequest request, HttpServletResponse response, String done, Map<String, Object> status)
            throws IOException {
        LOG.info("Rollout of model " + status.get("model") + " " + done + " at the request of "
                + request.getRemoteAddr() + ": now " + status.get("rollout"));
        respond(response, rows.shown(status, true));
    }

    private static void respond(HttpServletResponse response, Map<String, Object> status) throws IOException {
        response.setStatus(200);
        response.setContentType(Json.MEDIA_TYPE);
        response.setHeader("Cache-Control", "no-store"); // live figures
        Json.MAPPER.writeValue(response.getOutputStream(), status);
    }
}
