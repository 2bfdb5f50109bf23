package org.tabserve.web.http;

import jakarta.servlet.http.HttpServletResponse;

/**
 * Frames an answer written while it is computed (an upload's table, a batch's rows) in chunks on HTTP/1.1 even when
 * its connection is to close, so that an answer cut short (the stop timeout reached during a graceful stop, a failure
 * after the first rows) reaches the client as an error. Without it Jetty ends a closing connection's answer by closing
 * it, and a CSV cut after a row looks like a shorter, complete one. HTTP/1.0 has no chunks and HTTP/2 frames every
 * answer: Jetty leaves the header out of both.
 */
public final class StreamedAnswer {

    private StreamedAnswer() {}

    /** Asks for chunked framing; call before the first byte of the answer is written. */
    public static void begin(HttpServletResponse response) {
        response.setHeader("Transfer-Encoding", "chunked");
    }
}
