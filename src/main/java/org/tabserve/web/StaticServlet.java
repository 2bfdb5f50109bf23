package org.tabserve.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Map;

/**
 * Takes every path no route claims: GET and HEAD go to the container's own static-file servlet (stylesheets, the
 * Swagger UI files); any other method gets a 404 problem for a path that does not exist, or a 405 for a static file,
 * so no container default answers for tabserve.
 */
final class StaticServlet extends HttpServlet {

    private static final String STATIC_METHODS = "GET, HEAD, OPTIONS";

    private final transient ErrorRenderer errors;

    StaticServlet(ErrorRenderer errors) {
        this.errors = errors;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        String method = request.getMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            RequestDispatcher files = getServletContext().getNamedDispatcher("default");
            if (files != null) {
                files.forward(request, response);
                return;
            }
        }
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        boolean file = !path.endsWith("/") && getServletContext().getResource(path) != null;
        if (method.equals("OPTIONS") && file) {
            response.setHeader("Allow", STATIC_METHODS);
            response.setStatus(204);
            return;
        }
        HttpProblem problem = file
                ? new HttpProblem(405, "Method not allowed", method + " is not allowed on " + path + "; allowed: "
                + STATIC_METHODS, java.util.List.of(), Map.of("Allow", STATIC_METHODS))
                : HttpProblem.noRoute(method, request.getRequestURI());
        errors.render(request, response, problem);
    }
}
