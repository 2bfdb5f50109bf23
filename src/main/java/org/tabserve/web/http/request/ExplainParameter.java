package org.tabserve.web.http.request;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.tabserve.rows.answerjson.ExplainField;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.web.http.HttpProblem;

/**
 * Whether a request asks for explanations ({@code "explain": true} in its body or {@code ?explain=true}), read by one
 * rule on every route, so that {@code ?explain=yes} is the same 400 naming {@code explain} everywhere, and a route
 * whose answers carry none refuses the question in words.
 */
public final class ExplainParameter {

    private ExplainParameter() {}

    /**
     * @param inBody whether the body said {@code "explain": true}
     * @throws HttpProblem 400 naming {@code explain} for a query value other than true or false
     */
    public static boolean asked(HttpServletRequest request, boolean inBody) {
        return asked(request.getQueryString(), inBody);
    }

    /**
     * {@link #asked(HttpServletRequest, boolean)} from a query string the caller has read once (null for none).
     *
     * @throws HttpProblem 400 naming {@code explain} for a query value other than true or false
     */
    public static boolean asked(String queryString, boolean inBody) {
        String sent = RequestParameters.query(queryString, ExplainField.NAME);
        if (sent == null) {
            return inBody;
        }
        if (!sent.equals("true") && !sent.equals("false")) {
            throw refused("?explain= must be true or false, got '"
                    + (sent.length() > 40 ? sent.substring(0, 40) + "…" : sent) + "'");
        }
        return inBody || sent.equals("true");
    }

    /**
     * Refuses {@code ?explain=true} on a route whose answers carry no explanations, read by the one rule of
     * {@link #asked} (so that {@code ?explain=yes} is the same 400 there as anywhere).
     *
     * @param why what the 400 naming {@code explain} says: why, and what to send instead
     */
    public static void refuseAsked(HttpServletRequest request, String why) {
        if (asked(request, false)) {
            throw refused(why);
        }
    }

    private static HttpProblem refused(String message) {
        return HttpProblem.invalidFields(List.of(new FieldProblem(ExplainField.NAME, message, null)));
    }
}
