package org.tabserve.web.http.container;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.HttpProblem;

/**
 * Refuses with 400 a request whose path, as sent, has an encoded slash, backslash or NUL ({@code %2F}, {@code %5C},
 * {@code %00}): the suspicious sequences Servlet 6.0 (section 3.5.2) asks containers to reject. Jetty and Tomcat do,
 * before the app; GlassFish 8 passes {@code /api%2fmodel} on as {@code /api/model}, so the app refuses them itself,
 * the same way in every container.
 */
public final class SuspiciousPathFilter extends HttpFilter {

    private static final List<String> SUSPICIOUS = List.of("%2f", "%5c", "%00");

    private final transient ErrorRenderer errors;

    public SuspiciousPathFilter(ErrorRenderer errors) {
        this.errors = errors;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String uri = request.getRequestURI();
        if (uri.indexOf('%') >= 0) {
            String lower = uri.toLowerCase(Locale.ROOT);
            for (String sequence : SUSPICIOUS) {
                if (lower.contains(sequence)) {
                    errors.render(
                            request,
                            response,
                            HttpProblem.badRequest("the path has " + sequence.toUpperCase(Locale.ROOT)
                                    + " (an encoded slash, backslash or NUL), which no route takes"));
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }
}
