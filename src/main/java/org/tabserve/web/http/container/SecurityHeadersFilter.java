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
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts the same security headers on every answer, pages, APIs and errors alike: a Content-Security-Policy that allows
 * only this server's own scripts, styles and images (no inline script, no framing), {@code nosniff} and a referrer
 * policy. Set before the servlet runs, so that error answers keep them. The set is {@link #HEADERS}, which this filter
 * also publishes to the container as the context attribute {@link #HEADERS_ATTRIBUTE}, so that the answers the
 * embedded server gives before the app sees a request (a malformed URI) carry the same ones.
 *
 * <p>It also refuses TRACE (405, through the container's error page), on every path: a servlet that does not handle
 * it itself (the metrics, the gRPC service) would echo the request, credentials included, back as {@code message/http}
 * (cross-site tracing). Containers used to refuse it by a security constraint in their default descriptor; the
 * embedded server runs no security handler (its constraint lookup cost every request) and Tomcat refuses it in its
 * connector, so the app does it here, once, the same in every container.
 *
 * <p>With a person's sign-in (issue 78) forms may also post to the OIDC issuer's origin: the sign-out button posts to
 * {@code /logout}, which redirects to the issuer's {@code end_session_endpoint}, and browsers hold a form's redirects to
 * {@code form-action} as well (Chromium refuses the whole sign-out otherwise, and the page stays as it was).
 */
public final class SecurityHeadersFilter extends HttpFilter {

    /**
     * Scripts and styles only from this origin (Swagger UI's initializer is a file of ours for this reason); images
     * may be {@code data:} URIs, as Swagger UI's stylesheet draws its icons with them; forms post only here; no
     * plugins, no {@code <base>}, no framing.
     */
    static final String CONTENT_SECURITY_POLICY = policy("'self'");

    /** Every security header and its value, in the order they are set: the one list of them. */
    public static final Map<String, String> HEADERS = headers(CONTENT_SECURITY_POLICY);

    /**
     * The context attribute holding {@link #HEADERS} (a {@code Map<String, String>}, JDK types only, so that the
     * launcher reads it from outside the web app's class loader).
     */
    public static final String HEADERS_ATTRIBUTE = "tabserve.security-headers";

    private final Map<String, String> headers;
    private final List<Map.Entry<String, String>> headerList;

    /** The headers of {@link #HEADERS}, forms posting only to this origin. */
    public SecurityHeadersFilter() {
        this(Optional.empty());
    }

    /**
     * @param formTarget an origin forms may post to besides this one ({@code https://host[:port]}): the OIDC issuer's,
     *                   whose sign-out the pages' sign-out button is redirected to
     */
    public SecurityHeadersFilter(Optional<String> formTarget) {
        this.headers =
                formTarget.map(origin -> headers(policy("'self' " + origin))).orElse(HEADERS);
        this.headerList = List.copyOf(headers.entrySet());
    }

    /**
     * Puts the headers on every answer of {@code context}, its error dispatches too, first among its filters.
     *
     * @param formTarget see {@link #SecurityHeadersFilter(Optional)}
     */
    public static void add(ServletContext context, Optional<String> formTarget) {
        FilterRegistration.Dynamic headers =
                context.addFilter("security-headers", new SecurityHeadersFilter(formTarget));
        headers.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ERROR), false, "/*");
        headers.setAsyncSupported(true);
    }

    private static String policy(String formAction) {
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
                + "base-uri 'none'; form-action " + formAction + "; frame-ancestors 'none'";
    }

    private static Map<String, String> headers(String contentSecurityPolicy) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Security-Policy", contentSecurityPolicy);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Frame-Options", "DENY"); // frame-ancestors for browsers that predate CSP 2
        return Collections.unmodifiableMap(headers);
    }

    @Override
    public void init() {
        getServletContext().setAttribute(HEADERS_ATTRIBUTE, headers);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        for (Map.Entry<String, String> header :
                headerList) { // a loop: forEach(response::setHeader) made a lambda each time
            response.setHeader(header.getKey(), header.getValue());
        }
        if (request.getMethod().equals("TRACE") && request.getDispatcherType() == DispatcherType.REQUEST) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED); // the error dispatch renders the problem
            return;
        }
        chain.doFilter(request, response);
    }
}
