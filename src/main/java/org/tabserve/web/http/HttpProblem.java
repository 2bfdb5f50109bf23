package org.tabserve.web.http;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.RowsException;
import org.tabserve.serving.budget.ServingException;

/**
 * The web layer's one error type: an HTTP status with an RFC 9457 title and detail, and for field problems the
 * list of every bad field. {@link ErrorRenderer} turns it into JSON or HTML.
 */
public final class HttpProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final List<FieldProblem> errors;
    private final Map<String, String> headers;

    public HttpProblem(
            int status, String title, String detail, List<FieldProblem> errors, Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
        // in the order of their names: the same answer on every start (callers' Map.of has an order of its own each
        // start)
        this.headers = Collections.unmodifiableMap(new TreeMap<>(headers));
    }

    public static HttpProblem of(int status, String title, String detail) {
        return new HttpProblem(status, title, detail, List.of(), Map.of());
    }

    /** A 400 listing every bad field. */
    public static HttpProblem invalidFields(List<FieldProblem> errors) {
        return of(RowsException.invalidFields(errors));
    }

    /**
     * The answer to rows that cannot be read, the one place the rows layer's refusals become HTTP: a malformed body
     * is a 400 "Bad request", bad values a 400 "Invalid input" listing them, too much a 413.
     */
    public static HttpProblem of(RowsException e) {
        return switch (e.kind()) {
            case MALFORMED -> badRequest(e.getMessage());
            case INVALID_FIELDS -> new HttpProblem(400, "Invalid input", e.getMessage(), e.errors(), Map.of());
            case TOO_LARGE, TOO_MANY_ROWS -> tooLarge(e.getMessage());
            // The one bound on rows answered with their errors, whichever route read them.
            case TOO_MANY_ERROR_ROWS -> tooLarge(e.getMessage() + "; " + WebConfig.raisedBy(WebConfig.MAX_ERROR_ROWS));
        };
    }

    /**
     * The answer to model work the serving layer refused, the one place its refusals become HTTP: a limit's setting
     * is named with how to give it ({@link WebConfig#raisedBy}), a 503 that may pass soon says when to try again.
     */
    public static HttpProblem of(ServingException e) {
        String detail =
                e.settings().isEmpty() ? e.getMessage() : e.getMessage() + "; " + WebConfig.raisedBy(e.settings());
        HttpProblem problem = switch (e.kind()) {
            case INVALID_FIELDS -> new HttpProblem(400, "Invalid input", detail, e.errors(), Map.of());
            case NOT_FOUND -> of(404, "Not found", detail);
            case TOO_LARGE -> new HttpProblem(413, "Content too large", detail, e.errors(), Map.of());
            case BUSY -> new HttpProblem(503, "Service unavailable", detail, e.errors(), Map.of("Retry-After", "1"));
            case UNAVAILABLE -> unavailable(detail);
            case NO_ROOM -> of(503, "Service unavailable", detail);
            case REFUSED -> of(422, "Unprocessable content", detail);
            case CLIENT_GONE -> of(CLIENT_GONE, "Client closed request", detail);
            case UNAUTHENTICATED -> unauthorized(detail);
            case FORBIDDEN -> of(403, "Forbidden", detail);
        };
        if (e.getCause() != null) {
            problem.initCause(e.getCause());
        }
        return problem;
    }

    /**
     * As {@link #of(RowsException)}, for rows read under a row limit of the server's settings: past it, the 413 names
     * the setting that raises it.
     *
     * @param rowSetting the setting the reader's row limit came from ({@link WebConfig#MAX_BATCH_ROWS}, ...)
     */
    public static HttpProblem of(RowsException e, String rowSetting) {
        return e.kind() == RowsException.Kind.TOO_MANY_ROWS
                ? tooLarge(e.getMessage() + "; " + WebConfig.raisedBy(rowSetting))
                : of(e);
    }

    /** The 405 for a method a route does not take, with the {@code Allow} header listing those it does. */
    public static HttpProblem methodNotAllowed(String method, String uri, java.util.Collection<String> allowed) {
        String allow = String.join(", ", new java.util.TreeSet<>(allowed));
        return new HttpProblem(
                405,
                "Method not allowed",
                method + " is not allowed on " + uri + "; allowed: " + allow,
                List.of(),
                Map.of("Allow", allow));
    }

    /** The 404 for a path no route serves, worded the same wherever it is noticed. */
    public static HttpProblem noRoute(String method, String uri) {
        return noRoute(method, uri, "");
    }

    /** @param hint what to add, naming the routes there are near {@code uri}; empty for nothing */
    static HttpProblem noRoute(String method, String uri, String hint) {
        return of(404, "Not found", "no route for " + method + " " + uri + (hint.isEmpty() ? "" : "; " + hint));
    }

    public static HttpProblem badRequest(String detail) {
        return of(400, "Bad request", detail);
    }

    public static HttpProblem tooLarge(String detail) {
        return of(413, "Content too large", detail);
    }

    /**
     * The 413 for a body whose declared {@code Content-Length} is over the limit: refused before the app reads it, so
     * the connection ends with the answer ({@link ErrorRenderer} sends no {@code 100 Continue} for it).
     *
     * @param setting the setting the limit comes from ({@link WebConfig#MAX_BODY_BYTES}, ...), named in the answer
     */
    public static HttpProblem declaredTooLarge(String what, long declared, long limit, String setting) {
        return new HttpProblem(
                413,
                "Content too large",
                what + " has " + declared + " bytes; the limit is " + limit + " bytes; " + WebConfig.raisedBy(setting),
                List.of(),
                Map.of("Connection", "close"));
    }

    /**
     * The status of a client that has gone (hung up, cancelled its call, or let its deadline pass) before its answer
     * was ready ({@link ServingException#clientGone}): 499, as nginx counts it, for the log and the metrics only, since
     * no one reads it; never a server error.
     */
    public static final int CLIENT_GONE = 499;

    /** The challenge a 401 carries (RFC 6750): a bearer credential, for the realm every route shares. */
    public static final String CHALLENGE = "Bearer realm=\"tabserve\"";

    /** The 401 of a request that carries no good credential, with its {@code WWW-Authenticate} challenge. */
    public static HttpProblem unauthorized(String detail) {
        return new HttpProblem(401, "Unauthorized", detail, List.of(), Map.of("WWW-Authenticate", CHALLENGE));
    }

    public static HttpProblem unsupportedMediaType(String detail) {
        return of(415, "Unsupported media type", detail);
    }

    static HttpProblem unavailable(String detail) {
        return new HttpProblem(503, "Service unavailable", detail, List.of(), Map.of("Retry-After", "30"));
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the short, status-level summary */
    public String title() {
        return title;
    }

    /** @return the explanation of this occurrence */
    public String detail() {
        return getMessage();
    }

    /** @return the bad fields, possibly empty */
    public List<FieldProblem> errors() {
        return errors;
    }

    /** @return whether some bad field is in a row of many (an upload, a batch), which the others could be answered without */
    public boolean inRows() {
        return errors.stream().anyMatch(e -> e.row() != null);
    }

    /** @return extra response headers such as {@code Retry-After} or {@code Allow}, in the order of their names */
    public Map<String, String> headers() {
        return headers;
    }
}
