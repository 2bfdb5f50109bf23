package org.tabserve.web.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.tabserve.model.answer.ClientWatch;

/**
 * Notices a REST client that hung up while its answer is computed: the servlet API shows a hang-up only when a write
 * fails (an HTTP/1.1 container does not read the connection while the request is handled, so no listener hears it), so
 * once the answer has taken {@link #QUIET}, each check writes one space of the answer and flushes it, whitespace that
 * a JSON answer may begin with, and the write that fails says the client has gone. An answer ready sooner writes
 * nothing early, so it may still be any status; one that started early is a 200 whose failure ends it half-way.
 */
public final class AnswerKeepAlive implements ClientWatch {

    /** How long an answer may take before its first space is written. */
    static final Duration QUIET = Duration.ofSeconds(1);

    private final HttpServletResponse response;
    private final String contentType;
    private final long since = System.nanoTime();
    private IOException failure;

    /** @param contentType the answer's media type, sent with the first space */
    public AnswerKeepAlive(HttpServletResponse response, String contentType) {
        this.response = response;
        this.contentType = contentType;
    }

    @Override
    public boolean gone() {
        if (System.nanoTime() - since < QUIET.toNanos()) {
            return false;
        }
        try {
            if (!response.isCommitted()) {
                response.setStatus(200);
                response.setContentType(contentType);
            }
            response.getOutputStream().write(' ');
            response.flushBuffer();
            return false;
        } catch (IOException e) {
            failure = e; // the container's own failure: rethrown, it ends the exchange as any hang-up does
            return true;
        }
    }

    @Override
    public Throwable howGone() {
        return failure;
    }
}
