package org.tabserve.web.http.request;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.QueryParameter;
import org.tabserve.web.http.WebConfig;

/**
 * A request's parameters as the rows layer's {@code ParameterRowParser} reads them, taken from the container in one
 * way for {@code GET /predict?...} and the HTML form, so that a body it cannot decode is a 400 and one over the limit
 * a 413, never a 500.
 */
public final class RequestParameters {

    private RequestParameters() {}

    /** Reads a request's parameters: its query, or a url-encoded form body within {@code maxBodyBytes}. */
    public static Map<String, String[]> of(HttpServletRequest request, long maxBodyBytes) {
        if (request.getContentLengthLong() > maxBodyBytes) {
            throw HttpProblem.declaredTooLarge(
                    "the form", request.getContentLengthLong(), maxBodyBytes, WebConfig.MAX_BODY_BYTES);
        }
        try {
            return request.getParameterMap();
        } catch (RuntimeException e) {
            throw HttpProblem.badRequest("the parameters could not be read (too large or not url-encoded UTF-8)");
        }
    }

    /**
     * The caller's {@code ?on_error=} choice, as every batch route reads it: from the query string only, since the
     * body is the rows.
     *
     * @throws HttpProblem 400 naming {@code on_error} for a value it does not take
     */
    public static org.tabserve.rows.field.OnError onError(HttpServletRequest request) {
        return onError(request.getQueryString());
    }

    /**
     * {@link #onError(HttpServletRequest)} from a query string the caller has read once ({@code getQueryString()},
     * null for none) for all of its parameters: each read of it walks the container's request wrappers.
     */
    public static org.tabserve.rows.field.OnError onError(String queryString) {
        String sent = query(queryString, org.tabserve.rows.field.OnError.PARAMETER);
        try {
            return org.tabserve.rows.field.OnError.parse(sent);
        } catch (org.tabserve.rows.field.RowsException e) {
            throw HttpProblem.of(e);
        }
    }

    /**
     * A parameter of the query string alone (not of a form body, which is the rows on some routes).
     *
     * @return its value ({@code ""} for a name without {@code =}), or null when the query does not name it
     * @throws HttpProblem 400 naming the parameter when the query gives it more than once (which value was meant
     *                     is the caller's to say, not the server's to guess)
     */
    public static String query(HttpServletRequest request, String parameter) {
        return query(request.getQueryString(), parameter);
    }

    /**
     * {@link #query(HttpServletRequest, String)} of a query string the caller has read once (null for none).
     *
     * @throws HttpProblem 400 naming the parameter when the query gives it more than once
     */
    public static String query(String query, String parameter) {
        return QueryParameter.of(query, parameter);
    }
}
