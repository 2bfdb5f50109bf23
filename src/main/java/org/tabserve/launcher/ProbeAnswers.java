package org.tabserve.launcher;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Answers {@code GET /health/live} and, while the server is ready, {@code GET /health/ready} ahead of the web app:
 * no servlet dispatch, no filter, no concurrency slot, so that a probe is not answered behind the model work of a
 * saturated server (Kubernetes gives a probe 1 s, and a liveness probe that times out restarts the pod). Readiness's
 * answer is the app's own, from the supplier it publishes; when the app says it is not ready (loading, draining, no
 * model) the request goes on to the app, which answers 503 saying why; and while the server drains, every probe goes
 * on to the app, whose answers then ask HTTP/1.1 clients to close their connections ({@link CloseWhileDraining}).
 */
final class ProbeAnswers extends Handler.Wrapper {

    static final String LIVE = "/health/live";
    static final String READY = "/health/ready";
    /** The web app's context attribute holding the supplier of readiness's answer ({@code HealthHandler.READY_BODY}). */
    static final String READY_BODY = "tabserve.health.ready-body";
    private static final byte[] LIVE_BODY = "{\"status\":\"live\"}".getBytes(StandardCharsets.UTF_8);

    private final AtomicBoolean draining;
    private volatile Supplier<?> readyBody;
    private volatile Map<?, ?> securityHeaders;

    /** @param draining whether the server drains before a stop ({@link Drain#flag()}) */
    ProbeAnswers(AtomicBoolean draining, Handler handler) {
        super(handler);
        this.draining = draining;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (HttpMethod.GET.is(request.getMethod()) && !draining.get()) {
            String path = request.getHttpURI().getPath();
            if (LIVE.equals(path)) {
                answer(request, response, LIVE_BODY, callback);
                return true;
            }
            if (READY.equals(path)) {
                byte[] body = readyBody(request);
                if (body != null) {
                    answer(request, response, body, callback);
                    return true;
                }
            }
        }
        return super.handle(request, response, callback);
    }

    private void answer(Request request, Response response, byte[] body, Callback callback) {
        securityHeaders(request).forEach((name, value) -> response.getHeaders().put((String) name, (String) value));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** Readiness's answer while ready; null when not ready or before the app has started. */
    private byte[] readyBody(Request request) {
        Supplier<?> supplier = readyBody;
        if (supplier == null) {
            Object published = attribute(request, READY_BODY);
            if (!(published instanceof Supplier<?> found)) {
                return null;
            }
            supplier = found;
            readyBody = supplier;
        }
        try {
            return supplier.get() instanceof byte[] bytes ? bytes : null;
        } catch (RuntimeException e) {
            return null; // the app's own route answers, and says what went wrong
        }
    }

    /** The web app's security headers, as on its own answers; none before it has said them. */
    private Map<?, ?> securityHeaders(Request request) {
        Map<?, ?> headers = securityHeaders;
        if (headers == null) {
            if (!(attribute(request, ProblemErrorHandler.SECURITY_HEADERS) instanceof Map<?, ?> map)) {
                return Map.of();
            }
            headers = map;
            securityHeaders = headers;
        }
        return headers;
    }

    private static Object attribute(Request request, String name) {
        WebAppContext webapp = request.getConnectionMetaData().getConnector().getServer()
                .getDescendant(WebAppContext.class);
        return webapp == null ? null : webapp.getServletContext().getAttribute(name);
    }
}
