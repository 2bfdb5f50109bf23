package org.tabserve.web.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.tabserve.model.answer.RequestField;
import org.tabserve.rows.answerjson.ExplainField;
import org.tabserve.serving.ModelRoute;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.ServedModels;
import org.tabserve.serving.access.Scope;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.serving.feedback.RequestIds;
import org.tabserve.serving.trace.RequestSpan;

/**
 * Serves the {@link RouteTable}, under every servlet mapping it lists: finds the path's route (404 naming the routes
 * there are), checks the method (405 with {@code Allow}; {@code OPTIONS} answered with it), resolves the model the
 * path names and runs the handler with it; whatever the handler throws goes to the one {@link ErrorRenderer}, in the
 * route's error shape. The request's lease on its model is given back when the handler has answered, errors included.
 */
public final class RouteServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(RouteServlet.class.getName());
    /** The header every answer from a model names the version that gave it in (a canary may choose either). */
    public static final String MODEL_VERSION = RequestField.MODEL_VERSION.header();
    /** The W3C header a traced answer carries its server span's context in. */
    public static final String TRACEPARENT = "traceparent";
    /** The span attribute of the answer's HTTP status (OpenTelemetry's HTTP conventions). */
    public static final String STATUS_CODE = RequestSpan.HTTP_STATUS;

    private final transient RouteTable table;
    private final transient ServedModels served;
    private final transient ErrorRenderer errors;
    private final transient Gate gate;

    /** @param gate who may take each route: the one check of its scope, before the route sees the request */
    public RouteServlet(RouteTable table, ServedModels served, ErrorRenderer errors, Gate gate) {
        this.table = table;
        this.served = served;
        this.errors = errors;
        this.gate = gate;
    }

    /** @return the request's path within the context, as the route table matches it: {@code /} for the root */
    public static String pathOf(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return path.isEmpty() ? "/" : path;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = pathOf(request);
        ResolvedModel model = null;
        List<RouteTable.Match> matches = table.match(path);
        RequestSpan span = traced(request, response, path, matches);
        try {
            if (matches.isEmpty()) {
                throw HttpProblem.noRoute(
                        request.getMethod(),
                        request.getRequestURI(),
                        table.mountOf(path).map(RouteTable.Mount::hint).orElse(""));
            }
            matches.get(0).route().guard().check(request);
            Map<String, String> variables = matches.get(0).variables();
            model = new ResolvedModel(
                    served,
                    variables.containsKey("name")
                            ? ModelRoute.of(variables.get("name"), variables.get("version"))
                            : null,
                    request.getMethod() + " " + path,
                    request.getHeader(RequestIds.HEADER));
            model.client(request.getRemoteAddr()); // the answers kept for its labels are its own
            model.trace(span);
            model.whenLeased(source -> {
                for (RequestField field : RequestField.values()) {
                    if (field.header() != null) {
                        response.setHeader(field.header(), String.valueOf(field.value(source)));
                    }
                }
            });
            // The id its prediction log lines carry, and that labels sent later name (POST /api/feedback).
            response.setHeader(RequestIds.HEADER, model.requestId());
            String method = request.getMethod();
            String wanted = method.equals("HEAD") ? RouteTable.GET : method;
            RouteTable.Route route = null;
            RouteTable.Match chosen = null;
            for (RouteTable.Match match : matches) {
                if (match.route().methods().contains(wanted)) {
                    chosen = match;
                    route = match.route();
                    break;
                }
            }
            // OPTIONS and a method no route takes are answered from the path alone, never from whether the model it
            // names is served: a caller who may not read a model learns nothing of it from them (issue 63).
            if (method.equals("OPTIONS")) {
                response.setHeader("Allow", String.join(", ", RouteTable.allowed(matches)));
                response.setStatus(204);
                return;
            }
            if (route == null) {
                throw HttpProblem.methodNotAllowed(method, request.getRequestURI(), RouteTable.allowed(matches));
            }
            // Who is calling, and whether it may: before the model the path names is looked up, so that a caller who
            // may not use it learns nothing of it.
            if (route.scope() != null) {
                String named = table.modelOf(chosen, served.repository()::defaultModel);
                model.caller(gate.admit(request, route.scope(), named));
                // ?explain=true asks for a scope of its own: checked here too, before the model is looked up, so that
                // a caller without it gets the same 403 for a model served or not (issue 76). (A body's "explain" is
                // read once the model is, and checked where the explanation is made: Scoring.)
                if (route.scope() == Scope.PREDICT && asksToExplain(request.getQueryString())) {
                    model.caller().require(Scope.EXPLAIN, named);
                }
            }
            if (matches.get(0).route().resolveFirst()) {
                model.model(); // 404 or 503 here, for the model the path names, before its route sees the request
            }
            route.handler().handle(model, request, response);
        } catch (RuntimeException e) {
            if (ServingException.isClientGone(e) && e.getCause() instanceof IOException gone) {
                throw gone; // the container's own failed write: it ends the exchange as it ends any hang-up's
            }
            if (model != null && !ServingException.isClientGone(e)) {
                model.failed();
            }
            HttpProblem problem = errors.toProblem(e, request);
            span.refused(problem.status(), problem.title());
            render(request, response, problem, path, model);
        } catch (OutOfMemoryError e) {
            if (model != null) {
                model.failed();
            }
            // The memory budget is meant to keep this from happening; when it happens anyway it is the server's
            // fault, said in one log line (a stack trace would need memory too) and answered 500, never a 4xx.
            LOG.severe("Out of memory while serving " + request.getMethod() + " " + request.getRequestURI()
                    + " (" + e.getMessage() + "); the heap is too small for this load: give the JVM more, or"
                    + " lower the limits");
            render(
                    request,
                    response,
                    HttpProblem.of(
                            500,
                            "Internal server error",
                            "the server ran out of memory while answering; try again later"),
                    path,
                    model);
        } finally {
            ended(span, response);
            if (model != null) {
                if (!model.used().isEmpty()) {
                    request.setAttribute(MetricsFilter.MODEL_USED, model.used());
                }
                model.close();
            }
        }
    }

    /**
     * @return whether the query says {@code explain=true}, read by the routes' own rule ({@link QueryParameter}); a
     *     query that rule refuses is the route's to refuse in words, not asked here
     */
    static boolean asksToExplain(String query) {
        if (query == null || !query.contains(ExplainField.NAME)) {
            return false;
        }
        try {
            return "true".equals(QueryParameter.of(query, ExplainField.NAME));
        } catch (HttpProblem refusedByTheRoute) {
            return false;
        }
    }

    /**
     * Opens the request's server span, the child of the caller's {@code traceparent}, named by its method and route
     * (the route's pattern, never the raw path), and answers its own {@code traceparent}; health probes have none.
     */
    private RequestSpan traced(
            HttpServletRequest request, HttpServletResponse response, String path, List<RouteTable.Match> matches) {
        if (path.startsWith(HealthHandler.PATH + "/") || path.equals("/ping") || path.equals("/health")) {
            return RequestSpan.NONE;
        }
        String route = matches.isEmpty() ? null : matches.get(0).route().pattern();
        String method = request.getMethod();
        RequestSpan span =
                served.tracing().request(route == null ? method : method + " " + route, false, request::getHeader);
        String traceparent = span.traceparent();
        if (traceparent == null) {
            return span;
        }
        response.setHeader(TRACEPARENT, traceparent); // sampled or not: the caller's next hop keeps the decision
        if (span.traceId() != null) { // sampled; an unsampled span records nothing, so its attributes are not built
            span.attribute("http.request.method", method)
                    .attribute("url.path", request.getRequestURI())
                    .attribute("url.scheme", request.getScheme())
                    .attribute("network.protocol.version", request.getProtocol().replace("HTTP/", ""));
            if (route != null) {
                span.attribute("http.route", route);
            }
            request.setAttribute(MetricsFilter.SAMPLED_TRACE, traceparent); // its latency's bucket may show it
        }
        return span;
    }

    /** Ends the request's span with its answer's status. */
    private static void ended(RequestSpan span, HttpServletResponse response) {
        if (span.traceId() != null) { // an unsampled span records no attribute, and ends as it started
            span.attribute(STATUS_CODE, response.getStatus()); // a 5xx makes the span an error
            span.end();
        }
    }

    private void render(
            HttpServletRequest request,
            HttpServletResponse response,
            HttpProblem problem,
            String path,
            ResolvedModel model)
            throws IOException {
        errors.render(
                request, response, problem, table.shapeOf(path), model == null ? PageLinks.ROOT : PageLinks.of(model));
    }
}
