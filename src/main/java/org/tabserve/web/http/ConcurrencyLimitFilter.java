package org.tabserve.web.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;

/**
 * Serves at most a set number of requests at once and answers the next ones at once with 503 and
 * {@code Retry-After}, rather than letting them wait in a queue that grows without bound. A plain servlet filter, so
 * the limit holds in every container. Liveness probes pass always: a busy server is alive.
 */
public final class ConcurrencyLimitFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(ConcurrencyLimitFilter.class.getName());
    /** Seconds a refused client is asked to wait. */
    static final String RETRY_AFTER = "1";

    private final transient Semaphore permits;
    private final int limit;
    private final transient ErrorRenderer errors;

    public ConcurrencyLimitFilter(int limit, ErrorRenderer errors) {
        this.permits = new Semaphore(limit);
        this.limit = limit;
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
        if (!permits.tryAcquire()) {
            LOG.fine(() -> "Refused " + request.getMethod() + " " + request.getRequestURI() + ": " + limit
                    + " requests in progress");
            errors.render(request, response, new HttpProblem(503, "Service unavailable", "the server is busy with "
                    + limit + " requests; retry in " + RETRY_AFTER + " s", List.of(), Map.of("Retry-After", RETRY_AFTER)));
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            permits.release();
        }
    }
}
