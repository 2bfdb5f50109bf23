package org.tabserve.web.mlflow;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.tabserve.serving.ResolvedModel;

/**
 * MLflow's service routes beside {@code /invocations}, for the health checks and scripts written against
 * {@code mlflow models serve}: {@code GET /ping} and its alias {@code GET /health} (200 once the model is loaded,
 * otherwise 503 saying why) and {@code GET /version} (the server's version; MLflow's says its own, tabserve says
 * tabserve's). tabserve's own health routes are under {@code /health/}, beside MLflow's {@code /health}.
 */
public final class MlflowPingHandler {

    public static final String PING = "/ping";
    public static final String VERSION = "/version";
    /** MLflow's alias of {@link #PING}. */
    public static final String HEALTH = "/health";

    private final String serverVersion;

    public MlflowPingHandler(String serverVersion) {
        this.serverVersion = serverVersion;
    }

    /** {@code GET /ping} and {@code GET /health}. */
    public void ping(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        model.model(); // 503 with the reason when no model is served
        write(response, "\n"); // MLflow's answer, byte for byte
    }

    /** {@code GET /version}. */
    public void version(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        write(response, serverVersion);
    }

    private static void write(HttpServletResponse response, String body) throws IOException {
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
