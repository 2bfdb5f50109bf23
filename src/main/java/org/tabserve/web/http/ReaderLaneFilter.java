package org.tabserve.web.http;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;

/**
 * The share of the concurrency limit's slots that the answers about every model (the models page,
 * {@code /api/models}) may hold at once, so that a crowd of dashboard readers (a page left open in many browsers
 * refreshes itself every 10 s) leaves the other slots to predictions. Before the concurrency limit
 * ({@link ConcurrencyLimitFilter}), so that a reader past the share is answered 503 with {@code Retry-After} at once
 * without taking a slot even for that (the page's script skips that turn and tries again at the next).
 */
public final class ReaderLaneFilter extends HttpFilter {

    /** The lane's share of {@link WebConfig#MAX_CONCURRENT_REQUESTS}: a quarter. */
    static final int SHARE_DIVISOR = 4;

    private final transient Semaphore readers;
    private final int size;
    private final transient Predicate<String> reads;
    private final transient ErrorRenderer errors;

    /**
     * @param reads whether a GET of this path (within the context) is one of the answers the lane is for
     */
    public ReaderLaneFilter(WebConfig config, Predicate<String> reads, ErrorRenderer errors) {
        this.size = Math.max(1, config.maxConcurrentRequests() / SHARE_DIVISOR);
        this.readers = new Semaphore(size);
        this.reads = reads;
        this.errors = errors;
    }

    /**
     * Adds the filter to {@code context} for every request, after the filters added so far: add it before the
     * concurrency limit.
     */
    public static void add(ServletContext context, WebConfig config, Predicate<String> reads, ErrorRenderer errors) {
        FilterRegistration.Dynamic lane = context.addFilter("reader-lane", new ReaderLaneFilter(config, reads, errors));
        lane.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        lane.setAsyncSupported(true); // as every filter: the gRPC servlet behind it goes asynchronous
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!request.getMethod().equals("GET")
                || !reads.test(request.getRequestURI()
                        .substring(request.getContextPath().length()))) {
            chain.doFilter(request, response);
            return;
        }
        if (!readers.tryAcquire()) {
            errors.render(
                    request,
                    response,
                    new HttpProblem(
                            503,
                            "Service unavailable",
                            "the server is answering "
                                    + size
                                    + " requests for the models page and /api/models at once, a quarter of the requests it"
                                    + " serves at once (setting " + WebConfig.MAX_CONCURRENT_REQUESTS
                                    + "), so that the rest stay"
                                    + " free for predictions; retry in " + ConcurrencySlots.RETRY_AFTER + " s",
                            List.of(),
                            Map.of("Retry-After", ConcurrencySlots.RETRY_AFTER)));
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            readers.release();
        }
    }
}
