package org.tabserve.launcher;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Server;

/**
 * What the launcher may answer to a health probe without the web app: {@code /health/live}'s body always, and
 * {@code /health/ready}'s while the app says it is ready (the app's own answer, from the supplier it publishes as a
 * context attribute); nothing while the server drains, so that the app answers then.
 */
final class ProbeBodies {

    static final String LIVE = "/health/live";
    static final String READY = "/health/ready";
    /** The web app's context attribute holding the supplier of readiness's answer ({@code HealthHandler.READY_BODY}). */
    static final String READY_BODY = "tabserve.health.ready-body";

    private static final byte[] LIVE_BODY = "{\"status\":\"live\"}".getBytes(StandardCharsets.UTF_8);

    private final AtomicBoolean draining;
    private final AppAttribute<Supplier> readyBody;
    private final AppAttribute<Map> securityHeaders;

    /**
     * @param draining        whether the server drains before a stop ({@link Drain#flag()})
     * @param securityHeaders the web app's security headers ({@link ProblemErrorHandler#SECURITY_HEADERS})
     */
    ProbeBodies(Server server, AtomicBoolean draining, AppAttribute<Map> securityHeaders) {
        this.draining = draining;
        this.readyBody = new AppAttribute<>(server, READY_BODY, Supplier.class);
        this.securityHeaders = securityHeaders;
    }

    /**
     * @param path a GET request's path
     * @return the launcher's answer to it, or null when the web app answers (not a probe, not ready, draining)
     */
    byte[] bodyFor(String path) {
        if (draining.get()) {
            return null;
        }
        if (LIVE.equals(path)) {
            return LIVE_BODY;
        }
        return READY.equals(path) ? readyBody() : null;
    }

    /** Whether {@code path} is one of the two probes' paths. */
    static boolean isProbe(String path) {
        return LIVE.equals(path) || READY.equals(path);
    }

    /** The web app's security headers, as on its own answers; none before it has said them. */
    Map<?, ?> securityHeaders() {
        Map<?, ?> headers = securityHeaders.get();
        return headers == null ? Map.of() : headers;
    }

    /** Readiness's answer while ready; null when not ready or before the app has started. */
    private byte[] readyBody() {
        Supplier<?> supplier = readyBody.get();
        if (supplier == null) {
            return null;
        }
        try {
            return supplier.get() instanceof byte[] bytes ? bytes : null;
        } catch (RuntimeException e) {
            return null; // the app's own route answers, and says what went wrong
        }
    }
}
