package org.tabserve.web.http.container;

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
import java.util.function.Predicate;
import org.tabserve.model.answer.RequestField;
import org.tabserve.serving.feedback.RequestIds;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.RouteServlet;
import org.tabserve.web.http.RouteTable;

/**
 * Lets browser pages of the {@link CrossOrigins} call the JSON routes across origins (CORS), the same in every
 * container: a preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) of a listed
 * origin is answered here, 204 with the methods the route takes and the request headers the server reads, before
 * the concurrency limit and the route servlet, whose credential check a preflight (which carries none) never meets;
 * an actual request of a listed origin gets {@code Access-Control-Allow-Origin} and the response headers a client
 * reads, set before the route runs so that its refusals (401, 403, 429, 503) carry them too, and still needs its
 * credential. An origin not listed gets no CORS header at all (the browser keeps the answer from the page), and its
 * preflight a 403 in words. Only the routes {@code crossOrigin} names (the JSON routes, not the pages); every answer
 * of theirs says {@code Vary: Origin}, so that a shared cache keeps one origin's answer from another.
 */
public final class CrossOriginFilter extends HttpFilter {

    /** The request headers a page may send beyond the CORS-safelisted ones: those the server reads. */
    static final List<String> ALLOW_HEADERS =
            List.of("Accept", "Authorization", "Content-Type", "Content-Encoding", RequestIds.HEADER, "traceparent");
    /** The response headers a page may read beyond the CORS-safelisted ones: those the JSON routes set. */
    static final List<String> EXPOSE_HEADERS = List.of(
            RequestIds.HEADER,
            RequestField.MODEL_VERSION.header(),
            RequestField.MODEL_SHA256.header(),
            "X-Model-Sha256",
            "traceparent",
            "Retry-After",
            "RateLimit",
            "RateLimit-Policy",
            "WWW-Authenticate",
            "Content-Disposition");
    /** How long a browser may keep a preflight's answer, in seconds: a changed setting holds within ten minutes. */
    static final String MAX_AGE = "600";

    private final transient CrossOrigins origins;
    private final transient RouteTable routes;
    private final transient Predicate<String> crossOrigin;
    private final transient ErrorRenderer errors;
    private final String allowHeaders = String.join(", ", ALLOW_HEADERS);
    private final String exposeHeaders = String.join(", ", EXPOSE_HEADERS);

    /**
     * @param crossOrigin whether a route, by its pattern as the table writes it, is one a page may call across
     *                    origins
     */
    public CrossOriginFilter(
            CrossOrigins origins, RouteTable routes, Predicate<String> crossOrigin, ErrorRenderer errors) {
        this.origins = origins;
        this.routes = routes;
        this.crossOrigin = crossOrigin;
        this.errors = errors;
    }

    /**
     * Adds the filter to {@code context} for every request, after the filters added so far: add it before the
     * concurrency limit, so that a preflight takes no slot.
     */
    public static void add(
            ServletContext context,
            CrossOrigins origins,
            RouteTable routes,
            Predicate<String> crossOrigin,
            ErrorRenderer errors) {
        FilterRegistration.Dynamic cors =
                context.addFilter("cross-origin", new CrossOriginFilter(origins, routes, crossOrigin, errors));
        cors.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        cors.setAsyncSupported(true); // as every filter: the gRPC servlet behind it goes asynchronous
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        List<RouteTable.Route> matched = routes.routesOf(RouteServlet.pathOf(request));
        if (matched.isEmpty() || !crossOrigin.test(matched.get(0).pattern())) {
            chain.doFilter(request, response);
            return;
        }
        response.addHeader("Vary", "Origin");
        String origin = request.getHeader("Origin");
        boolean preflight = request.getMethod().equals("OPTIONS")
                && origin != null
                && request.getHeader("Access-Control-Request-Method") != null;
        if (origin == null || !origins.allows(origin)) {
            if (preflight) {
                errors.render(
                        request,
                        response,
                        HttpProblem.of(
                                403,
                                "Forbidden",
                                "the origin '" + origin + "' may not call this server from a browser page: it is not"
                                        + " among the server's CORS origins, the setting " + CrossOrigins.GIVEN_AS));
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("Access-Control-Allow-Origin", origins.allowOrigin(origin));
        if (preflight) {
            response.setHeader(
                    "Access-Control-Allow-Methods",
                    String.join(
                            ", ",
                            RouteTable.methodsOf(matched.stream()
                                    .filter(route -> crossOrigin.test(route.pattern()))
                                    .toList())));
            response.setHeader("Access-Control-Allow-Headers", allowHeaders);
            response.setHeader("Access-Control-Max-Age", MAX_AGE);
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        response.setHeader("Access-Control-Expose-Headers", exposeHeaders);
        chain.doFilter(request, response);
    }
}
