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
 * {@code Retry-After}, rather than letting them wait in a queue that grows without bound. A slot is for work, not
 * for waiting on a client: uploads (a body that is multipart, chunked or over {@link #SMALL_BODY_BYTES}) may hold
 * only their own share of the slots ({@link ConcurrencySlots}), and a small body other than a form is read in full
 * before its request takes one ({@link ArrivedBody}), so that however many clients trickle their bodies in, small
 * requests still find a free slot. A plain servlet filter, so the limit holds in every container. Liveness probes
 * pass always: a busy server is alive.
 */
public final class ConcurrencyLimitFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(ConcurrencyLimitFilter.class.getName());
    /**
     * The largest declared body that is not an upload, and is read before its request takes a slot. A JSON request of
     * a hundred rows fits; what is larger draws from the uploads' share. Small enough that the bodies read ahead
     * hold little: 16 KiB times Jetty's 200 threads is 3 MiB.
     */
    public static final long SMALL_BODY_BYTES = 16 << 10;

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
        HttpServletRequest served = request;
        if (!upload && readsAhead(request)) {
            try {
                served = ArrivedBody.read(request);
            } catch (IOException e) {
                errors.render(request, response, LimitedInputStream.unreadable(e));
                return;
            }
        }
        HttpProblem refused = slots.take(upload);
        if (refused != null) {
            LOG.fine(() -> "Refused " + request.getMethod() + " " + request.getRequestURI() + ": " + refused.getMessage());
            errors.render(request, response, refused);
            return;
        }
        try {
            chain.doFilter(served, response);
        } finally {
            slots.release(upload);
        }
    }

    /**
     * Whether a small body is read before its request takes a slot: any but a form's, which the container parses
     * from its own input when the servlet asks for its parameters (so it cannot be read ahead for it).
     */
    static boolean readsAhead(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        String type = request.getHeader("Content-Type");
        return declared > 0 && declared <= SMALL_BODY_BYTES && !(type != null
                && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded"));
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
