package org.tabserve.launcher.guard;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Bounds the HTTP/2 streams one client address has open at once across all its connections, as
 * {@code --max-concurrent-streams} bounds them on one connection: a client that opens two connections of 32 streams
 * and reads none of its answers would otherwise hold every one of the web app's 64 slots, and by reconnecting as the
 * minimum response rate cuts its answers, go on holding them. A stream past the bound is answered at once, before the
 * app, with 503 and {@code Retry-After} (a gRPC call with UNAVAILABLE, as the app answers one that finds no slot).
 * HTTP/1.1 requests are not counted: a connection carries one at a time.
 */
public final class ClientStreamLimit extends Handler.Wrapper {

    /** Seconds a refused client is asked to wait, as the web app's concurrency limit asks. */
    static final String RETRY_AFTER = "1";

    private final int limit;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    /** @param limit most HTTP/2 streams one address may have open at once */
    public ClientStreamLimit(int limit, Handler handler) {
        super(handler);
        this.limit = limit;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        InetAddress client = request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_2
                ? address(request.getConnectionMetaData().getRemoteSocketAddress())
                : null;
        if (client == null) {
            return super.handle(request, response, callback);
        }
        if (!take(client)) {
            refuse(request, response, callback);
            return true;
        }
        AtomicBoolean given = new AtomicBoolean();
        Runnable giveBack = () -> {
            if (given.compareAndSet(false, true)) {
                release(client);
            }
        };
        Callback released = Callback.from(callback, giveBack);
        boolean handled;
        try {
            handled = super.handle(request, response, released);
        } catch (Throwable failure) {
            giveBack.run();
            throw failure;
        }
        if (!handled) {
            giveBack.run();
        }
        return handled;
    }

    private boolean take(InetAddress client) {
        boolean[] taken = new boolean[1];
        open.compute(client, (address, count) -> {
            int now = count == null ? 0 : count;
            taken[0] = now < limit;
            return taken[0] ? now + 1 : (count == null ? null : count);
        });
        return taken[0];
    }

    private void release(InetAddress client) {
        open.computeIfPresent(client, (address, count) -> count <= 1 ? null : count - 1);
    }

    private static InetAddress address(SocketAddress remote) {
        return remote instanceof InetSocketAddress socket ? socket.getAddress() : null;
    }

    private void refuse(Request request, Response response, Callback callback) {
        String words = "this client already has " + limit + " HTTP/2 streams open across its connections, the most"
                + " one client may (--max-concurrent-streams, of the server's tabserve.max-concurrent-requests);"
                + " retry in " + RETRY_AFTER + " s";
        if (GrpcTrailersOnly.isGrpc(request)) {
            GrpcTrailersOnly.refuse(response, GrpcTrailersOnly.UNAVAILABLE, words, callback);
            return;
        }
        ProblemAnswer.write(
                response,
                HttpStatus.SERVICE_UNAVAILABLE_503,
                "Service unavailable",
                words,
                Map.of(HttpHeader.RETRY_AFTER.asString(), RETRY_AFTER),
                callback);
    }
}
