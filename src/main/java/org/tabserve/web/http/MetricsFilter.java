package org.tabserve.web.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.tabserve.serving.monitor.TabserveMetrics;

/**
 * Counts and times every request by model, route and protocol: the route is the servlet mapping's pattern (e.g.
 * {@code /v2/*}), never the raw path, so that the metrics' label values stay few whatever paths clients send; the
 * model is one the request was answered by (so one that exists), or none; the protocol is gRPC for a request sent as
 * one ({@code application/grpc...}), else REST. A gRPC call that gRPC's servlet takes is left to the gRPC service,
 * which counts it when it ends (this filter sees it only until the servlet goes asynchronous) with its method and
 * gRPC status. A request whose body is read ahead without a thread is measured on its {@code ASYNC} dispatch, where it
 * is answered, from when it began.
 */
public final class MetricsFilter implements Filter {

    /** Methods kept as label values; anything else is counted as {@code other}. */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");

    /** Request attribute: the name of the model the request used, for the {@code model} label. */
    static final String MODEL_USED = "tabserve.model.used";
    /** Request attribute: the {@code traceparent} of the request's span when it is sampled, for an exemplar. */
    static final String SAMPLED_TRACE = "tabserve.trace.sampled";

    /** Request attribute: when a request answered on its ASYNC dispatch began, for its duration. */
    private static final String STARTED = MetricsFilter.class.getName() + ".started";

    private final TabserveMetrics metrics;
    /** The name of the servlet whose gRPC calls the gRPC service counts itself. */
    private final String grpcServlet;

    /** @param grpcServlet the name of the servlet gRPC calls are served by, which counts them itself */
    public MetricsFilter(TabserveMetrics metrics, String grpcServlet) {
        this.metrics = metrics;
        this.grpcServlet = grpcServlet;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        long start = http.getAttribute(STARTED) instanceof Long began ? began : System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            boolean grpc = isGrpc(http);
            HttpServletMapping mapping = http.getHttpServletMapping();
            boolean grpcServed = grpc && mapping != null && grpcServlet.equals(mapping.getServletName());
            if (!grpcServed && http.isAsyncStarted()) {
                // Its body is being read ahead without a thread: it is answered, and measured from now, on its ASYNC
                // dispatch (a REST route never goes asynchronous otherwise).
                http.setAttribute(STARTED, start);
                return;
            }
            Object refusedWith = http.getAttribute(GrpcRefusal.REFUSED_WITH);
            String refusal = refusedWith != null
                    ? refusedWith.toString()
                    : ((HttpServletResponse) response).getHeader("grpc-status");
            if (grpcServed && !http.isAsyncStarted() && refusal != null) {
                // Refused before gRPC's servlet took it (the concurrency limit): the service never saw it to count it.
                metrics.grpcCall(
                        "",
                        http.getRequestURI().substring(http.getContextPath().length() + 1),
                        GrpcRefusal.codeName(Integer.parseInt(refusal)),
                        (System.nanoTime() - start) / 1e9);
            } else if (!grpcServed) {
                String method = METHODS.contains(http.getMethod()) ? http.getMethod() : "other";
                Object model = http.getAttribute(MODEL_USED);
                metrics.request(
                        grpc ? TabserveMetrics.GRPC : TabserveMetrics.REST,
                        model == null ? "" : model.toString(),
                        route(mapping),
                        method,
                        ((HttpServletResponse) response).getStatus(),
                        (System.nanoTime() - start) / 1e9,
                        (String) http.getAttribute(SAMPLED_TRACE));
            }
        }
    }

    /** Whether a request is sent as a gRPC call: {@code application/grpc}, {@code application/grpc+proto}, ... */
    static boolean isGrpc(HttpServletRequest request) {
        // The header as sent: the container's getContentType() may parse its charset and throw on one it lacks.
        String type = request.getHeader("Content-Type");
        return type != null && type.regionMatches(true, 0, "application/grpc", 0, 16);
    }

    /** The mapping's pattern; the context root ({@code ""}) is {@code /} and the default servlet {@code default}. */
    static String route(HttpServletMapping mapping) {
        if (mapping == null) {
            return "unknown";
        }
        return switch (mapping.getMappingMatch() == null
                ? jakarta.servlet.http.MappingMatch.EXACT
                : mapping.getMappingMatch()) {
            case CONTEXT_ROOT -> "/";
            case DEFAULT -> "default";
            default -> mapping.getPattern();
        };
    }
}
