package org.tabserve.launcher;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Replaces the values of masked query parameters in an access log line: {@code GET /predict?sex=...} names a
 * column's value in its URL, and the columns the prediction log masks ({@code --prediction-log-mask}) must not be
 * written here either. Every {@code name=value} after a {@code ?} or {@code &} is looked at, so the request line and a
 * {@code Referer} (a page reached from the form's answer) are both masked; a name is compared decoded, as the app
 * reads it ({@code s%65x} is {@code sex}). The sign-in's answer from the issuer
 * ({@code /login/callback?code=...&state=...}) is masked always ({@link #signIn}): its code and state are a person's
 * sign-in under way, which no log may hold.
 */
final class QueryValueMask {

    /** What a masked value is written as. */
    static final String MASKED = "(masked)";
    /** The path of the sign-in's callback ({@code LoginFilter.CALLBACK}) and the start of its query. */
    private static final String CALLBACK = "/login/callback?";
    /** What the issuer's answer to the callback carries that is the sign-in's own: never in a log. */
    private static final QueryValueMask CALLBACK_VALUES = new QueryValueMask(Set.of("code", "state", "session_state"));

    /**
     * @return {@code line} with the code and state of a sign-in's callback masked, in its request line and its
     *         {@code Referer} alike, when the line holds a callback's address; else {@code line} as it is
     */
    static String signIn(String line) {
        return line.contains(CALLBACK) ? CALLBACK_VALUES.apply(line) : line;
    }

    private final Set<String> names;

    QueryValueMask(Set<String> names) {
        this.names = Set.copyOf(names);
    }

    /** @return {@code line} with the values of masked parameters replaced by {@link #MASKED} */
    String apply(String line) {
        if (names.isEmpty() || line.indexOf('=') < 0) {
            return line;
        }
        StringBuilder out = null;
        int copied = 0;
        int at = 0;
        while (at < line.length()) {
            char c = line.charAt(at);
            if (c != '?' && c != '&') {
                at++;
                continue;
            }
            int nameStart = at + 1;
            int end = nameStart;
            while (end < line.length() && !ends(line.charAt(end)) && line.charAt(end) != '=') {
                end++;
            }
            if (end == line.length() || line.charAt(end) != '=') {
                at = end;
                continue;
            }
            int valueStart = end + 1;
            int valueEnd = valueStart;
            while (valueEnd < line.length() && !ends(line.charAt(valueEnd))) {
                valueEnd++;
            }
            if (valueEnd > valueStart && names.contains(decoded(line.substring(nameStart, end)))) {
                if (out == null) {
                    out = new StringBuilder(line.length());
                }
                out.append(line, copied, valueStart).append(MASKED);
                copied = valueEnd;
            }
            at = valueEnd;
        }
        return out == null ? line : out.append(line, copied, line.length()).toString();
    }

    /** Whether {@code c} ends a query's name or value: the next pair, the URL's end in the line, a fragment. */
    private static boolean ends(char c) {
        return c == '&' || c == ' ' || c == '"' || c == '#' || c == '?';
    }

    private static String decoded(String name) {
        try {
            return URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return name; // a stray %: the app reads it as it is
        }
    }
}
