package org.tabserve.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tabserve.model.ModelException;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place that turns a failure into a response: {@link HttpProblem}s and the model's input errors become
 * their 4xx, anything unexpected is logged once with its stack trace and answered with a plain 500 and a request
 * id. Under {@code /v2} every caller gets the Open Inference Protocol's {@code {"error": "..."}}; elsewhere callers
 * that asked for HTML get a page, and everyone else gets {@code application/problem+json} (RFC 9457).
 */
final class ErrorRenderer {

    private static final Logger LOG = Logger.getLogger(ErrorRenderer.class.getName());

    private final Views views;

    ErrorRenderer(Views views) {
        this.views = views;
    }

    /** The JSON body of a problem. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record ProblemBody(String type, String title, int status, String detail, String instance,
                       List<FieldProblem> errors) {
    }

    /** Maps any failure to the problem a caller sees. */
    HttpProblem toProblem(Throwable failure, HttpServletRequest request) {
        if (failure instanceof HttpProblem problem) {
            return problem;
        }
        if (failure instanceof ModelException e) {
            switch (e.kind()) {
                case INVALID_INPUT -> {
                    return HttpProblem.invalidFields(e.fieldErrors().stream()
                            .map(f -> new FieldProblem(f.field(), f.message(), null)).toList());
                }
                case UNUSABLE_MODEL -> {
                    return HttpProblem.unavailable(e.getMessage());
                }
                default -> {
                    // PREDICTION_FAILED: the model broke on valid input; a server fault, logged below.
                }
            }
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        LOG.log(Level.SEVERE, "Request " + id + " (" + request.getMethod() + " " + request.getRequestURI() + ") failed", failure);
        return HttpProblem.of(500, "Internal server error",
                "the server failed to answer this request; quote request id " + id + " to its operator");
    }

    /** Writes the problem, unless the response is already on its way (then the connection is all we can end). */
    void render(HttpServletRequest request, HttpServletResponse response, HttpProblem problem) throws IOException {
        if (response.isCommitted()) {
            LOG.warning("Cannot report " + problem.status() + " (" + problem.detail() + ") on "
                    + request.getRequestURI() + ": the response was already committed");
            return;
        }
        response.resetBuffer();
        problem.headers().forEach(response::setHeader);
        Object original = request.getAttribute(jakarta.servlet.RequestDispatcher.ERROR_REQUEST_URI);
        String instance = original instanceof String uri ? uri : request.getRequestURI();
        if (isOpenInferenceProtocol(request, instance)) {
            response.setStatus(problem.status());
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            Json.MAPPER.writeValue(response.getOutputStream(), new V2Json.Error(problem.detail()));
            return;
        }
        if (wantsHtml(request)) {
            views.render(request, response, problem.status(), "error", Map.of("problem", problem));
            return;
        }
        response.setStatus(problem.status());
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        Json.MAPPER.writeValue(response.getOutputStream(), new ProblemBody("about:blank", problem.title(),
                problem.status(), problem.detail(), instance, problem.errors()));
    }

    /** Whether the request (or, in an error dispatch, the original request) is under {@code /v2}. */
    static boolean isOpenInferenceProtocol(HttpServletRequest request, String uri) {
        String path = uri.substring(Math.min(uri.length(), request.getContextPath().length()));
        return path.equals(V2Servlet.PATH) || path.startsWith(V2Servlet.PATH + "/");
    }

    /** HTML only for callers that list text/html before any JSON type, as browsers do. */
    static boolean wantsHtml(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        if (accept == null) {
            return false;
        }
        int html = accept.indexOf("text/html");
        int json = accept.indexOf("json");
        return html >= 0 && (json < 0 || html < json);
    }
}
