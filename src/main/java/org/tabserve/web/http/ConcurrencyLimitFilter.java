package org.tabserve.web.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Serves at most a set number of requests at once and answers the next ones at once with 503 and
 * {@code Retry-After}, rather than letting them wait in a queue that grows without bound. Uploads (a body that is
 * multipart, chunked or over {@link #SMALL_BODY_BYTES}) may hold only their own share of the slots
 * ({@link ConcurrencySlots}), so that however many of them arrive, or however slowly their bodies trickle in, small
 * requests still find a free one. A plain servlet filter, so the limit holds in every container. Liveness probes
 * pass always: a busy server is alive.
 */
public final class ConcurrencyLimitFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(ConcurrencyLimitFilter.class.getName());
    /**
     * The largest declared body that is not an upload. A JSON request of a few hundred rows fits; what is larger may
     * take as long to arrive as the client's link makes it, so it draws from the uploads' share.
     */
    public static final long SMALL_BODY_BYTES = 64 << 10;

    private final transient ConcurrencySlots slots;
    private final transient ErrorRenderer errors;

    /**
     * @param limit       most requests served at once
     * @param uploadLimit most of them that may be uploads (at most {@code limit}); the rest are kept for small requests
     */
    public ConcurrencyLimitFilter(int limit, int uploadLimit, ErrorRenderer errors) {
        this.slots = new ConcurrencySlots(limit, uploadLimit);
        this.errors = errors;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.equals("/health/live") || path.equals("/v2/health/live")) {
            chain.doFilter(request, response);
            return;
        }
        boolean upload = isUpload(request);
        HttpProblem refused = slots.take(upload);
        if (refused != null) {
            LOG.fine(() -> "Refused " + request.getMethod() + " " + request.getRequestURI() + ": " + refused.getMessage());
            errors.render(request, response, refused);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            slots.release(upload);
        }
    }

    /**
     * Whether a request's body may take long to arrive: multipart, declared over {@link #SMALL_BODY_BYTES}, or of a
     * length not declared (chunked), which a client may make as long as it likes.
     */
    static boolean isUpload(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        if (declared > SMALL_BODY_BYTES) {
            return true;
        }
        if (declared < 0 && request.getHeader("Transfer-Encoding") != null) {
            return true;
        }
        // The header as sent: Jetty's getContentType() throws on a charset the JVM does not know, which the
        // servlets answer with a 415 of their own.
        String type = request.getHeader("Content-Type");
        return declared != 0 && type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
    }
}
