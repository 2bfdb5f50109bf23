package org.tabserve.launcher;

import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.tabserve.launcher.guard.ProblemAnswer;

/**
 * Answers the errors Jetty meets before the web app sees a request (a malformed or ambiguous URI, headers too large,
 * {@code --probe-port}'s 404 to any path but the probes') in the app's own RFC 9457 format, with no stack, cause or
 * server version, and with the security headers the app puts on its own answers. Its body holds only the status and Jetty's fixed reason phrase, never anything the client
 * sent.
 */
final class ProblemErrorHandler extends ErrorHandler {

    /**
     * The web app's context attribute holding its security headers, a {@code Map<String, String>} (its
     * SecurityHeadersFilter's list: the launcher, outside the app's class loader, reads it rather than copy it).
     */
    static final String SECURITY_HEADERS = "tabserve.security-headers";

    private final AppAttribute<Map> securityHeaders;

    /** @param securityHeaders the web app's security headers, once it has published them ({@link #SECURITY_HEADERS}) */
    ProblemErrorHandler(AppAttribute<Map> securityHeaders) {
        this.securityHeaders = securityHeaders;
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        String title = HttpStatus.getMessage(code);
        String detail = code == HttpStatus.NOT_FOUND_404
                        && ServerPorts.PROBES.equals(
                                request.getConnectionMetaData().getConnector().getName())
                ? "this port (--probe-port) answers only GET " + ProbeBodies.LIVE + " and " + ProbeBodies.READY
                : "the server refused the request before routing it: " + title.toLowerCase(Locale.ROOT)
                        + raisedBy(code);
        Map<?, ?> headers = securityHeaders.get();
        ProblemAnswer.write(response, code, title, detail, headers == null ? Map.of() : headers, callback);
    }

    /** For a request line or headers over the limit, the flag that raises it; nothing for other refusals. */
    static String raisedBy(int code) {
        return code == HttpStatus.URI_TOO_LONG_414 || code == HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431
                ? "; the launcher's --max-header-bytes (" + LauncherOptions.MAX_HEADER_BYTES_VARIABLE
                        + ") raises the limit"
                : "";
    }
}
