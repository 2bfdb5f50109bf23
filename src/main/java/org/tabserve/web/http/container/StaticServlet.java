package org.tabserve.web.http.container;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.HttpProblem;

/**
 * Takes every path no route claims: GET and HEAD of a file in the WAR go to the container's own static-file servlet
 * (stylesheets, the Swagger UI files); a directory, a missing file or one of the WAR's files that are not the web
 * app's ({@link #NOT_SERVED}) gets the app's 404 problem (never a listing, nor the container's own 403), and any other
 * method a 404, or a 405 for a static file, so no container default answers for tabserve. It is the only way to the
 * container's static-file servlet, so what it refuses is not served.
 */
public final class StaticServlet extends HttpServlet {

    private static final java.util.List<String> STATIC_METHODS = java.util.List.of("GET", "HEAD", "OPTIONS");
    /**
     * Files in the WAR that are not the web app's: the launcher's bootstrap classes, at the WAR's root for
     * {@code java -jar}, and the WAR's manifest. (Containers keep {@code WEB-INF} to themselves.)
     */
    private static final java.util.List<String> NOT_SERVED = java.util.List.of("/org/", "/META-INF/");

    private final transient ErrorRenderer errors;

    public StaticServlet(ErrorRenderer errors) {
        this.errors = errors;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        String method = request.getMethod();
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        // A request URI ending in a slash names a directory even when the container has already mapped it to a
        // welcome file (Tomcat does, with index.html from its global web.xml): a 404 as everywhere else.
        boolean file = !request.getRequestURI().endsWith("/") && isFile(path);
        if (file && (method.equals("GET") || method.equals("HEAD"))) {
            RequestDispatcher files = getServletContext().getNamedDispatcher("default");
            if (files != null) {
                files.forward(request, response);
                return;
            }
        }
        if (method.equals("OPTIONS") && file) {
            response.setHeader("Allow", String.join(", ", STATIC_METHODS));
            response.setStatus(204);
            return;
        }
        HttpProblem problem = file
                ? HttpProblem.methodNotAllowed(method, path, STATIC_METHODS)
                : HttpProblem.noRoute(method, request.getRequestURI());
        errors.render(request, response, problem);
    }

    /**
     * Every directory of the web app (its root's and its jars' {@code META-INF/resources}), outside {@code WEB-INF},
     * by its path without the trailing slash: mapped to this servlet exactly, so that a directory named without its
     * slash reaches it as on any path, where a container may otherwise answer it itself (Undertow, in WildFly,
     * redirects it to the slashed path before the servlet mapped at {@code /} sees it).
     */
    public static String[] directories(jakarta.servlet.ServletContext context) {
        java.util.List<String> directories = new java.util.ArrayList<>();
        java.util.Deque<String> pending = new java.util.ArrayDeque<>(java.util.List.of("/"));
        while (!pending.isEmpty()) {
            java.util.Set<String> entries = context.getResourcePaths(pending.pop());
            for (String entry : entries == null ? java.util.Set.<String>of() : entries) {
                if (entry.endsWith("/") && !entry.equals("/WEB-INF/")) {
                    directories.add(entry.substring(0, entry.length() - 1));
                    pending.push(entry);
                }
            }
        }
        return directories.toArray(String[]::new);
    }

    /**
     * Whether the path names a file of the web app (its root or a jar's {@code META-INF/resources}), not a
     * directory: {@code getResourcePaths} lists a directory's entries and gives nothing for a file.
     */
    private boolean isFile(String path) throws java.net.MalformedURLException {
        if (path.isEmpty()
                || path.endsWith("/")
                || NOT_SERVED.stream().anyMatch(path::startsWith)
                || getServletContext().getResource(path) == null) {
            return false;
        }
        java.util.Set<String> entries = getServletContext().getResourcePaths(path + "/");
        return entries == null || entries.isEmpty();
    }
}
