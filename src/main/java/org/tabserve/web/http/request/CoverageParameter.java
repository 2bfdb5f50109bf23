package org.tabserve.web.http.request;

import jakarta.servlet.http.HttpServletRequest;
import org.tabserve.rows.answerjson.CoverageField;
import org.tabserve.rows.field.RowsException;
import org.tabserve.web.http.HttpProblem;

/**
 * The coverage a request asks for ({@code ?coverage=0.9}, or {@code "coverage": 0.9} in its body), read by
 * {@link CoverageField}'s one rule on every route, so that {@code ?coverage=high} is the same 400 naming
 * {@code coverage} everywhere; the query's value wins over the body's.
 */
public final class CoverageParameter {

    private CoverageParameter() {}

    /**
     * @param inBody the coverage the body asked for, or null
     * @return the coverage asked for, or null when none was
     * @throws HttpProblem 400 naming {@code coverage} for a query value that is not a number from 0.5 to 0.99
     */
    public static Double asked(HttpServletRequest request, Double inBody) {
        return asked(request.getQueryString(), inBody);
    }

    /**
     * {@link #asked(HttpServletRequest, Double)} from a query string the caller has read once (null for none).
     *
     * @throws HttpProblem 400 naming {@code coverage} for a query value that is not a number from 0.5 to 0.99
     */
    public static Double asked(String queryString, Double inBody) {
        String sent = RequestParameters.query(queryString, CoverageField.NAME);
        if (sent == null) {
            return inBody; // no ternary: it would unbox a null
        }
        return parsed(sent);
    }

    /**
     * @param sent a coverage as text (a query's or a form's value)
     * @throws HttpProblem 400 naming {@code coverage} when it is not a number from 0.5 to 0.99
     */
    public static double parsed(String sent) {
        try {
            return CoverageField.parse(sent, CoverageField.NAME);
        } catch (RowsException e) {
            throw HttpProblem.of(e);
        }
    }
}
