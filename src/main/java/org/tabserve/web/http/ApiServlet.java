package org.tabserve.web.http;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The base of tabserve's servlets: each request runs pinned to one served model, and whatever a handler throws goes
 * to the one {@link ErrorRenderer}, so no servlet catches errors itself.
 */
public abstract class ApiServlet extends HttpServlet {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ApiServlet.class.getName());

    protected final transient ServedModels model;
    protected final transient ErrorRenderer errors;

    protected ApiServlet(ServedModels model, ErrorRenderer errors) {
        this.model = model;
        this.errors = errors;
    }

    private transient Set<String> allowed;

    @Override
    public void init() {
        allowed = allowedMethods(getClass());
    }

    /** The methods a servlet answers: those whose {@code doX} it overrides, with HEAD beside GET, and OPTIONS. */
    static Set<String> allowedMethods(Class<?> servlet) {
        Set<String> methods = new TreeSet<>();
        for (Method method : servlet.getDeclaredMethods()) {
            switch (method.getName()) {
                case "doGet" -> methods.addAll(List.of("GET", "HEAD"));
                case "doPost" -> methods.add("POST");
                case "doPut" -> methods.add("PUT");
                case "doDelete" -> methods.add("DELETE");
                default -> { }
            }
        }
        methods.add("OPTIONS");
        return Set.copyOf(methods);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // The whole request, errors included, runs on the model that is current when it begins (see ServedModels).
        model.serve(request, () -> {
            try {
                if (!allowed.contains(request.getMethod())) {
                    String allow = String.join(", ", new TreeSet<>(allowed));
                    throw new HttpProblem(405, "Method not allowed", request.getMethod() + " is not allowed on "
                            + request.getRequestURI() + "; allowed: " + allow, List.of(), Map.of("Allow", allow));
                }
                super.service(request, response);
            } catch (RuntimeException | ServletException e) {
                errors.render(request, response, errors.toProblem(e, request));
            } catch (OutOfMemoryError e) {
                // The memory budget is meant to keep this from happening; when it happens anyway it is the server's
                // fault, said in one log line (a stack trace would need memory too) and answered 500, never a 4xx.
                LOG.severe("Out of memory while serving " + request.getMethod() + " " + request.getRequestURI()
                        + " (" + e.getMessage() + "); the heap is too small for this load: give the JVM more, or"
                        + " lower the limits");
                errors.render(request, response, HttpProblem.of(500, "Internal server error",
                        "the server ran out of memory while answering; try again later"));
            }
        });
    }

    /** Answers OPTIONS with the methods this route really serves. */
    @Override
    protected void doOptions(HttpServletRequest request, HttpServletResponse response) {
        response.setHeader("Allow", String.join(", ", new TreeSet<>(allowed)));
        response.setStatus(204);
    }

    /** Refuses a body that is not of the expected media type with a 415 naming it. */
    protected static void requireContentType(HttpServletRequest request, String expected) {
        // The header as sent: Jetty's getContentType() throws on a charset it does not know (a 500, not a 415).
        String type = request.getHeader("Content-Type");
        String base = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (!base.equals(expected)) {
            throw HttpProblem.unsupportedMediaType("send Content-Type: " + expected
                    + (type == null ? " (none was sent)" : " (got " + type + ")"));
        }
        if (expected.equals("application/json")) {
            java.util.regex.Matcher charset = CHARSET.matcher(type);
            if (charset.find() && !charset.group(1).equalsIgnoreCase("utf-8")) {
                throw HttpProblem.unsupportedMediaType("JSON is UTF-8 (RFC 8259); send it as such, without charset="
                        + charset.group(1) + " (got " + type + ")");
            }
        }
    }

    private static final java.util.regex.Pattern CHARSET =
            java.util.regex.Pattern.compile("(?i);\\s*charset\\s*=\\s*\"?([^\";\\s]*)");
}
