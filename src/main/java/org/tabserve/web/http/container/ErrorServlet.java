package org.tabserve.web.http.container;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.limits.LimitedInputStream;

/**
 * Renders the container's own errors (unknown route, wrong method, oversized request, a crash outside our servlets)
 * in tabserve's problem format; reachable only through an error dispatch, a 404 otherwise.
 */
public final class ErrorServlet extends HttpServlet {

    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(ErrorServlet.class.getName());

    private final ErrorRenderer errors;

    public ErrorServlet(ErrorRenderer errors) {
        this.errors = errors;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getDispatcherType() != DispatcherType.ERROR) {
            errors.render(request, response, HttpProblem.noRoute(request.getMethod(), request.getRequestURI()));
            return;
        }
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 500;
        String method = request.getMethod();
        String uri = (String) request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (status >= 500 && resetByClient(failure)) {
            // The client reset the stream or hung up (a gRPC client whose deadline passed cancels its call): nobody
            // is there to read an answer, and it is not a server failure.
            LOG.fine(() -> "No answer to " + method + " " + uri + ": the client is gone (" + failure + ")");
            return;
        }
        if (status < 500 && failure instanceof IOException broken) {
            // Tomcat comes here when a request body breaks off, even one the app was only skipping (the client hung
            // up or went silent): the client's doing, answered as such and not logged as a server failure.
            errors.render(request, response, LimitedInputStream.unreadable(broken));
            return;
        }
        HttpProblem problem = switch (status) {
            case 404 -> HttpProblem.noRoute(method, uri);
            case 405 -> HttpProblem.of(405, "Method not allowed", method + " is not allowed on " + uri);
            case 413 ->
                HttpProblem.tooLarge("the request is larger than this server's servlet container accepts;"
                        + " the container's own configuration raises its limit (Jetty's maxFormContentSize, Tomcat's"
                        + " maxPostSize)");
            case 414, 431 ->
                HttpProblem.of(
                        status,
                        "Request too large",
                        "the request's URI or headers are too large;"
                                + " the servlet container's own configuration raises its limit (Jetty's requestHeaderSize, Tomcat's"
                                + " maxHttpHeaderSize)");
            default ->
                status >= 500 || failure != null
                        ? errors.toProblem(
                                failure != null ? failure : new IllegalStateException("status " + status), request)
                        : HttpProblem.of(
                                status, "Error " + status, "the request could not be handled (status " + status + ")");
        };
        errors.render(request, response, problem);
    }

    /** Whether the failure is the client's end of the connection or stream (an {@link java.io.EOFException}, as Jetty's). */
    static boolean resetByClient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof java.io.EOFException) {
                return true;
            }
        }
        return false;
    }
}
