package org.tabserve.web.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;

/**
 * Frames an answer written while it is computed (an upload's table, a batch's rows) in chunks on HTTP/1.1 even when
 * its connection is to close, so that an answer cut short (the stop timeout reached during a graceful stop, a failure
 * after the first rows) reaches the client as an error. Without it Jetty ends a closing connection's answer by closing
 * it, and a CSV cut after a row looks like a shorter, complete one.
 *
 * <p>Asked through the Servlet API alone, never by setting {@code Transfer-Encoding} by hand (issue 76: Tomcat then
 * sent that header beside its own {@code Content-Length} and an unchunked body, framing a proxy and a client could
 * read two ways): an answer with trailer fields (none: the supplier gives an empty map) is chunked by every container
 * on HTTP/1.1, which then writes no {@code Content-Length}. HTTP/1.0 has no chunks and HTTP/2 frames every answer:
 * neither is asked.
 */
public final class StreamedAnswer {

    private StreamedAnswer() {}

    /** Asks for chunked framing on HTTP/1.1; call before the first byte of the answer is written. */
    public static void begin(HttpServletRequest request, HttpServletResponse response) {
        if ("HTTP/1.1".equals(request.getProtocol()) && !response.isCommitted()) {
            response.setTrailerFields(Map::of);
        }
    }
}
