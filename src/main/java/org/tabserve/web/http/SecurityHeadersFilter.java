package org.tabserve.web.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Puts the same security headers on every answer, pages, APIs and errors alike: a Content-Security-Policy that allows
 * only this server's own scripts, styles and images (no inline script, no framing), {@code nosniff} and a referrer
 * policy. Set before the servlet runs, so that error answers keep them.
 */
public final class SecurityHeadersFilter extends HttpFilter {

    /**
     * Scripts and styles only from this origin (Swagger UI's initializer is a file of ours for this reason); images
     * may be {@code data:} URIs, as Swagger UI's stylesheet draws its icons with them; forms post only here; no
     * plugins, no {@code <base>}, no framing.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY"); // frame-ancestors for browsers that predate CSP 2
        chain.doFilter(request, response);
    }
}
