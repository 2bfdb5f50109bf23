package org.tabserve.web.http;

import java.util.List;
import org.tabserve.rows.field.FieldProblem;

/**
 * One parameter of a query string alone (never of a form body, which is the rows on some routes), read by the one rule
 * every route and the route servlet share: url-encoded UTF-8, named at most once.
 */
public final class QueryParameter {

    private QueryParameter() {}

    /**
     * @param query the query string, read once ({@code getQueryString()}; null for none)
     * @return its value ({@code ""} for a name without {@code =}), or null when the query does not name it
     * @throws HttpProblem 400 naming the parameter when the query gives it more than once (which value was meant is
     *                     the caller's to say, not the server's to guess), or 400 for a query not url-encoded UTF-8
     */
    public static String of(String query, String parameter) {
        String sent = null;
        int times = 0;
        if (query != null) {
            for (String pair : query.split("&")) {
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals));
                if (name.equals(parameter)) {
                    sent = equals < 0 ? "" : decode(pair.substring(equals + 1));
                    times++;
                }
            }
        }
        if (times > 1) {
            throw HttpProblem.invalidFields(List.of(new FieldProblem(
                    parameter, "'" + parameter + "' is given " + times + " times in the query; give it once", null)));
        }
        return sent;
    }

    private static String decode(String text) {
        try {
            return java.net.URLDecoder.decode(text, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("the query string is not url-encoded UTF-8");
        }
    }
}
