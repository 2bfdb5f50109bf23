package org.tabserve.web.http.request;

import jakarta.servlet.http.HttpServletRequest;
import org.tabserve.rows.answerjson.CoverageField;
import org.tabserve.rows.answerjson.ExplainField;
import org.tabserve.rows.field.RowsException;
import org.tabserve.web.http.HttpProblem;

/**
 * The two questions any scoring route takes beside its rows, {@code ?explain=} and {@code ?coverage=}, as a query or
 * form asks them: a view of {@code rows}' {@link ExplainField} and {@link CoverageField}, whose one rule each reads
 * them (the JSON bodies' too), so that {@code ?explain=yes} or {@code ?coverage=high} is the same 400 naming the field
 * everywhere; the query's value wins over the body's.
 */
public final class AskedFields {

    private AskedFields() {}

    /**
     * @param inBody whether the body said {@code "explain": true}
     * @throws HttpProblem 400 naming {@code explain} for a query value other than true or false
     */
    public static boolean explain(HttpServletRequest request, boolean inBody) {
        return explain(request.getQueryString(), inBody);
    }

    /** {@link #explain(HttpServletRequest, boolean)} from a query string the caller has read once (null for none). */
    public static boolean explain(String queryString, boolean inBody) {
        try {
            return ExplainField.asked(RequestParameters.query(queryString, ExplainField.NAME), inBody);
        } catch (RowsException e) {
            throw HttpProblem.of(e);
        }
    }

    /**
     * Refuses {@code ?explain=true} on a route whose answers carry no explanations, read by the one rule of
     * {@link #explain} (so that {@code ?explain=yes} is the same 400 there as anywhere).
     *
     * @param why what the 400 naming {@code explain} says: why, and what to send instead
     */
    public static void refuseExplain(HttpServletRequest request, String why) {
        if (explain(request, false)) {
            throw HttpProblem.of(ExplainField.refused(ExplainField.NAME, why));
        }
    }

    /**
     * @param inBody the coverage the body (or the form) asked for, or null
     * @return the coverage asked for, or null when none was
     * @throws HttpProblem 400 naming {@code coverage} for a query value that is not a number from 0.5 to 0.99
     */
    public static Double coverage(HttpServletRequest request, Double inBody) {
        return coverage(request.getQueryString(), inBody);
    }

    /** {@link #coverage(HttpServletRequest, Double)} from a query string the caller has read once (null for none). */
    public static Double coverage(String queryString, Double inBody) {
        return coverageSent(RequestParameters.query(queryString, CoverageField.NAME), inBody);
    }

    /**
     * @param sent a coverage as text (a query's or a form's value), or null for none
     * @param inBody the coverage asked for otherwise, or null
     * @throws HttpProblem 400 naming {@code coverage} when {@code sent} is not a number from 0.5 to 0.99
     */
    public static Double coverageSent(String sent, Double inBody) {
        try {
            return CoverageField.asked(sent, inBody);
        } catch (RowsException e) {
            throw HttpProblem.of(e);
        }
    }
}
