package org.tabserve.launcher;

import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * While the server drains ({@link Drain}), asks each HTTP/1.1 client to close its connection after its answer
 * ({@code Connection: close}). A Service's kube-proxy balances connections, not requests: a client kept alive to this
 * replica would go on sending here after the replica left the endpoints, and lose a request in the race with the
 * final stop's close; told to close, it opens its next connection to another replica. (HTTP/2 clients get GOAWAY from
 * the graceful stop.)
 */
final class CloseWhileDraining extends Handler.Wrapper {

    private final AtomicBoolean draining;

    /** @param draining the drain's flag */
    CloseWhileDraining(AtomicBoolean draining, Handler handler) {
        super(handler);
        this.draining = draining;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (draining.get() && request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_1_1) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        return super.handle(request, response, callback);
    }
}
