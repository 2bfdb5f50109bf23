package org.tabserve.launcher.guard;

import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Marks a request whose client went away before it was answered (an HTTP/2 stream it reset, a connection it closed),
 * so that the access log shows it as {@value #CLIENT_CLOSED_REQUEST}, nginx's status for a client that closed its
 * request, and not as the 500 (a gRPC call the client cancelled) or the 400 (a body it stopped sending) that the
 * failed request ends with: a client's cancel is not a server error, and no error of the request's either.
 * <p>
 * Jetty fails the request's body and tells its failure listeners when the transport fails underneath it: a reset or
 * a closed connection, the client's doing; an idle timeout (the server's own decision, logged as its status) is left
 * as it is, and so is a body the client got wrong (Jetty's 400 for bad chunking). The body's failure is seen as the app reads it, before the app answers (the listeners may run after the
 * request has been answered and logged: Jetty wakes the reader first).
 */
public final class ClientAbort extends Handler.Wrapper {

    /** The status logged for a request whose client went away (nginx's 499, "client closed request"). */
    static final int CLIENT_CLOSED_REQUEST = 499;
    /** The request attribute set when the client went away. */
    static final String ATTRIBUTE = "org.tabserve.launcher.clientAbort";

    private final AtomicLong aborts;

    /** @param aborts counts the requests whose client went away */
    public ClientAbort(AtomicLong aborts, Handler handler) {
        super(handler);
        this.aborts = aborts;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Watched watched = new Watched(request);
        request.addFailureListener(watched::failed);
        return super.handle(watched, response, callback);
    }

    /** The request as the app sees it: a body that fails because the client went away marks it. */
    private final class Watched extends Request.Wrapper {
        Watched(Request request) {
            super(request);
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk chunk = super.read();
            if (chunk != null && chunk.getFailure() != null) {
                failed(chunk.getFailure());
            }
            return chunk;
        }

        void failed(Throwable failure) {
            // Not a timeout (the server's decision) nor a malformed body (the client's error, answered as such).
            if (!(failure instanceof TimeoutException)
                    && !(failure instanceof HttpException)
                    && setAttribute(ATTRIBUTE, Boolean.TRUE) == null) {
                aborts.incrementAndGet(); // once: the body's failure and the listener may both tell it
            }
        }
    }

    /** {@code log}, with the status of a request whose client went away logged as {@value #CLIENT_CLOSED_REQUEST}. */
    public static RequestLog logging(RequestLog log) {
        return (request, response) -> log.log(
                request,
                request.getAttribute(ATTRIBUTE) == null
                        ? response
                        : new Response.Wrapper(request, response) {
                            @Override
                            public int getStatus() {
                                return CLIENT_CLOSED_REQUEST;
                            }
                        });
    }
}
