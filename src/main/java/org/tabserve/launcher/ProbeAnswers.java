package org.tabserve.launcher;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers {@code GET /health/live} and, while the server is ready, {@code GET /health/ready} ahead of the web app:
 * no servlet dispatch, no filter, no concurrency slot, so that a probe is not answered behind the model work of a
 * saturated server (Kubernetes gives a probe 1 s, and a liveness probe that times out restarts the pod). The answers
 * are {@link ProbeBodies}'; when it has none (loading, draining, no model) the request goes on to the app, which
 * answers 503 saying why; and while the server drains its answers ask HTTP/1.1 clients to close their connections
 * ({@link CloseWhileDraining}). On {@code --probe-port} every other path is 404: that port is for probes alone.
 */
final class ProbeAnswers extends Handler.Wrapper {

    private final ProbeBodies bodies;

    ProbeAnswers(ProbeBodies bodies, Handler handler) {
        super(handler);
        this.bodies = bodies;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        byte[] body = HttpMethod.GET.is(request.getMethod()) ? bodies.bodyFor(path) : null;
        if (body == null
                && !ProbeBodies.isProbe(path)
                && ServerPorts.PROBES.equals(
                        request.getConnectionMetaData().getConnector().getName())) {
            Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404); // ProblemErrorHandler says why
            return true;
        }
        if (body == null) {
            return super.handle(request, response, callback);
        }
        bodies.securityHeaders().forEach((name, value) -> response.getHeaders().put((String) name, (String) value));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
