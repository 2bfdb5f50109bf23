package org.tabserve.web.http.limits;

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
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.WebConfig;

/**
 * The share of the concurrency limit's slots that one kind of answer about every model may hold at once (the models
 * page and {@code /api/models} in one lane, {@code /metrics} in another), so that a crowd of readers (a page left open
 * in many browsers refreshes itself every 10 s; many scrapers) leaves the other slots to predictions, and a crowd of
 * one kind never shuts out the other. Before the concurrency limit ({@link ConcurrencyLimitFilter}), so that a reader
 * past the share is answered 503 with {@code Retry-After} at once without taking a slot even for that (the page's
 * script skips that turn and tries again at the next; a scraper tries at its next interval).
 */
public final class ReaderLaneFilter extends HttpFilter {

    /** The lane's share of {@link WebConfig#MAX_CONCURRENT_REQUESTS}: a quarter. */
    static final int SHARE_DIVISOR = 4;

    private final transient Semaphore readers;
    private final int size;
    private final transient Predicate<String> reads;
    private final String answers;
    private final transient ErrorRenderer errors;

    /**
     * @param reads   whether a GET of this path (within the context) is one of the answers the lane is for
     * @param answers those answers, for the refusal's words ("the models page and /api/models")
     */
    public ReaderLaneFilter(WebConfig config, Predicate<String> reads, String answers, ErrorRenderer errors) {
        this.size = Math.max(1, config.maxConcurrentRequests() / SHARE_DIVISOR);
        this.readers = new Semaphore(size);
        this.reads = reads;
        this.answers = answers;
        this.errors = errors;
    }

    /**
     * Adds a lane to {@code context} for every request, after the filters added so far: add it before the
     * concurrency limit.
     *
     * @param name the filter's name, one per lane
     */
    public static void add(
            ServletContext context,
            String name,
            WebConfig config,
            Predicate<String> reads,
            String answers,
            ErrorRenderer errors) {
        FilterRegistration.Dynamic lane = context.addFilter(name, new ReaderLaneFilter(config, reads, answers, errors));
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
                                    + " requests for " + answers + " at once, a quarter of the requests it"
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
