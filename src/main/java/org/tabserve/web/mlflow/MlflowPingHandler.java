package org.tabserve.web.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.web.http.ApiServlet;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.ServedModels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * MLflow's two service routes beside {@code /invocations}, for the health checks and scripts written against
 * {@code mlflow models serve}: {@code GET /ping} (200 once the model is loaded, otherwise 503 saying why) and
 * {@code GET /version} (the server's version; MLflow's says its own, tabserve says tabserve's).
 */
public final class MlflowPingServlet extends ApiServlet {

    public static final String PING = "/ping";
    public static final String VERSION = "/version";

    private final String serverVersion;

    public MlflowPingServlet(ServedModels model, ErrorRenderer errors, String serverVersion) {
        super(model, errors);
        this.serverVersion = serverVersion;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String body;
        if (PING.equals(request.getServletPath())) {
            model.classifier(); // 503 with the reason when no model is served
            body = "\n"; // MLflow's answer, byte for byte
        } else {
            body = serverVersion;
        }
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
