package org.tabserve.web.http;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Map;

/**
 * A request's parameters as the rows layer's {@code ParameterRowParser} reads them, taken from the container in one
 * way for {@code GET /predict?...} and the HTML form, so that a body it cannot decode is a 400 and one over the limit
 * a 413, never a 500.
 */
public final class RequestParameters {

    private RequestParameters() {
    }

    /** Reads a request's parameters: its query, or a url-encoded form body within {@code maxBodyBytes}. */
    public static Map<String, String[]> of(HttpServletRequest request, long maxBodyBytes) {
        if (request.getContentLengthLong() > maxBodyBytes) {
            throw HttpProblem.declaredTooLarge("the form", request.getContentLengthLong(), maxBodyBytes,
                    WebConfig.MAX_BODY_BYTES);
        }
        try {
            return request.getParameterMap();
        } catch (RuntimeException e) {
            throw HttpProblem.badRequest("the parameters could not be read (too large or not url-encoded UTF-8)");
        }
    }
}
