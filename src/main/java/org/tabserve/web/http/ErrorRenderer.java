package org.tabserve.web.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tabserve.model.signature.ModelException;
import org.tabserve.repository.RepositoryException;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.RowsException;
import org.tabserve.serving.budget.ServingException;

/**
 * The one place that turns a failure into a response: {@link HttpProblem}s, the rows layer's refusals and the model's
 * input errors become their 4xx, anything unexpected is logged once with its stack trace and answered with a plain
 * 500 and a request id. On the routes whose error shape is the Open Inference Protocol's ({@link RouteTable#shapeOf})
 * every caller gets {@code {"error": "..."}}; elsewhere callers that asked for HTML get a page, and everyone else gets
 * {@code application/problem+json} (RFC 9457); a gRPC call gets its status ({@link GrpcRefusal}).
 */
public final class ErrorRenderer {

    private static final Logger LOG = Logger.getLogger(ErrorRenderer.class.getName());
    private final RateLimitedLog abortedHalfWay = new RateLimitedLog(LOG, Level.WARNING);

    private final Views views;
    private final RouteTable routes;

    /** @param routes says which error shape a path's failures take */
    public ErrorRenderer(Views views, RouteTable routes) {
        this.views = views;
        this.routes = routes;
    }

    /** The JSON body of a problem. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record ProblemBody(
            String type, String title, int status, String detail, String instance, List<FieldProblem> errors) {}

    /** The Open Inference Protocol's error body, {@code {"error": "..."}}, for every failure on its routes. */
    public record ProtocolError(String error) {}

    /** Maps any failure to the problem a caller sees. */
    public HttpProblem toProblem(Throwable failure, HttpServletRequest request) {
        return problemOf(failure, request.getMethod() + " " + request.getRequestURI());
    }

    /**
     * Maps any failure to the problem a caller sees, on any transport (the gRPC service maps the problem to a status);
     * a server fault is logged with {@code request} (what was asked, for the log) and answered with a request id.
     */
    public static HttpProblem problemOf(Throwable failure, String request) {
        if (failure instanceof java.util.concurrent.CompletionException wrapped && wrapped.getCause() != null) {
            // A repository call awaited with join() fails with its own failure wrapped: answer as for that failure.
            return problemOf(wrapped.getCause(), request);
        }
        if (failure instanceof HttpProblem problem) {
            return problem;
        }
        if (failure instanceof RowsException e) {
            return HttpProblem.of(e);
        }
        if (failure instanceof ServingException e) {
            return HttpProblem.of(e);
        }
        if (failure instanceof ModelException e) {
            switch (e.kind()) {
                case INVALID_INPUT -> {
                    return HttpProblem.invalidFields(e.fieldErrors().stream()
                            .map(f -> new FieldProblem(f.field(), f.message(), f.row()))
                            .toList());
                }
                case UNUSABLE_MODEL -> {
                    return HttpProblem.unavailable(e.getMessage());
                }
                default -> {
                    // PREDICTION_FAILED: the model broke on valid input; a server fault, logged below.
                }
            }
        }
        if (failure instanceof RepositoryException e) {
            switch (e.kind()) {
                case NOT_FOUND -> {
                    return HttpProblem.of(404, "Not found", e.getMessage());
                }
                case UNAVAILABLE -> {
                    return HttpProblem.unavailable(e.getMessage());
                }
                case INVALID_NAME -> {
                    return HttpProblem.badRequest(e.getMessage());
                }
                case INVALID_MODEL -> {
                    return HttpProblem.of(422, "Unprocessable content", e.getMessage());
                }
                case LIMIT, NOT_WRITABLE -> {
                    return HttpProblem.of(409, "Conflict", e.getMessage());
                }
                default -> {
                    // IO: the server's disk failed it; a server fault, logged below.
                }
            }
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        LOG.log(Level.SEVERE, "Request " + id + " (" + request + ") failed", failure);
        return HttpProblem.of(
                500,
                "Internal server error",
                "the server failed to answer this request; quote request id " + id + " to its operator");
    }

    /**
     * Writes the problem. When the response is already on its way (a streamed answer failed half-way) a status can no
     * longer be sent, so it throws instead: the container then aborts the connection, and the client sees a broken
     * answer rather than a short one that looks complete.
     */
    public void render(HttpServletRequest request, HttpServletResponse response, HttpProblem problem)
            throws IOException {
        Object original = request.getAttribute(jakarta.servlet.RequestDispatcher.ERROR_REQUEST_URI);
        String uri = original instanceof String s ? s : request.getRequestURI();
        String path =
                uri.substring(Math.min(uri.length(), request.getContextPath().length()));
        render(request, response, problem, routes.shapeOf(path), PageLinks.ROOT);
    }

    /** Writes the problem in the given shape; an HTML page links to {@code links}. */
    void render(
            HttpServletRequest request,
            HttpServletResponse response,
            HttpProblem problem,
            RouteTable.ErrorShape shape,
            PageLinks links)
            throws IOException {
        if (response.isCommitted()) {
            // Most often a client that hung up mid-answer: anyone can cause it, so it is logged at most once a minute.
            abortedHalfWay.log(() ->
                    "Aborting " + request.getRequestURI() + " half-way: " + problem.status() + " " + problem.detail());
            throw new IOException("response aborted after it was committed: " + problem.detail());
        }
        if (GrpcRefusal.isGrpc(request)) {
            // A gRPC client reads a status, not a page. Its body is left unread: gRPC's servlet transport reads it
            // with non-blocking reads, and draining it here would hold this thread for as long as a client stalls.
            GrpcRefusal.write(request, response, problem);
            return;
        }
        response.resetBuffer();
        problem.headers().forEach(response::setHeader);
        // Skipped even when the problem ends the connection: a client that sends its body without waiting for
        // 100 Continue would otherwise have the connection reset under it, often before it reads the answer.
        boolean drained = drainBody(request);
        if (closesConnection(problem) || !drained) {
            // The rest of the body is not worth reading: the connection ends here, and the client is told so.
            response.setHeader("Connection", "close");
        }
        Object original = request.getAttribute(jakarta.servlet.RequestDispatcher.ERROR_REQUEST_URI);
        String instance = original instanceof String uri ? uri : request.getRequestURI();
        if (shape == RouteTable.ErrorShape.OPEN_INFERENCE) {
            response.setStatus(problem.status());
            response.setContentType(Json.MEDIA_TYPE);
            Json.MAPPER.writeValue(response.getOutputStream(), new ProtocolError(problem.detail()));
            return;
        }
        if (wantsHtml(request)) {
            views.render(request, response, problem.status(), "error", Map.of("problem", problem), links);
            return;
        }
        response.setStatus(problem.status());
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        Json.MAPPER.writeValue(
                response.getOutputStream(),
                new ProblemBody(
                        "about:blank",
                        problem.title(),
                        problem.status(),
                        problem.detail(),
                        instance,
                        problem.errors()));
    }

    /** Most request bytes skipped to keep a connection whose request was refused before its body was read. */
    static final long MAX_DRAIN_BYTES = 8L << 20;

    /** Whether the problem itself ends the connection (a body refused for its declared length, for one). */
    private static boolean closesConnection(HttpProblem problem) {
        return "close".equalsIgnoreCase(problem.headers().get("Connection"));
    }

    /**
     * Reads and drops what is left of a refused request's body, so that the client, still sending, gets to read the
     * answer and the connection stays usable. Reads nothing when the client waits for {@code 100 Continue} (reading
     * would send it and invite the very body being refused), when the declared length is over
     * {@link #MAX_DRAIN_BYTES}, or when the body is no longer readable as a stream; gives up past that many bytes.
     * A client that hangs up meanwhile only ends its own connection: nothing is logged.
     *
     * @return whether the body was read to its end, so that the connection can carry another request
     */
    private static boolean drainBody(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        if (declared == 0 || request.getDispatcherType() == jakarta.servlet.DispatcherType.ERROR) {
            return declared == 0;
        }
        String expect = request.getHeader("Expect");
        if (declared > MAX_DRAIN_BYTES
                || (expect != null && expect.toLowerCase(java.util.Locale.ROOT).contains("100-continue"))) {
            return false;
        }
        try {
            java.io.InputStream in = request.getInputStream();
            byte[] buffer = new byte[16_384];
            long skipped = 0;
            for (int n; (n = in.read(buffer)) != -1; ) {
                skipped += n;
                if (skipped > MAX_DRAIN_BYTES) {
                    return false;
                }
            }
            return true;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
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
