package org.tabserve.web.http.request;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.tabserve.web.http.HttpProblem;

/**
 * A request's {@code Content-Type} read once, the same way on every route: the type in lower case and its parameters,
 * from the header as sent (Jetty's {@code getContentType()} throws on a charset it does not know: a 500, not a 415).
 *
 * @param header     the header as sent, or null when none was
 * @param type       the type without parameters, lower case; empty when none was sent
 * @param parameters each parameter's lower-case name and its value, unquoted (a repeated one's values joined by
 *                   commas); a bare {@code ;} adds none
 */
public record MediaType(String header, String type, Map<String, String> parameters) {

    public static final String JSON = "application/json";
    public static final String CSV = "text/csv";
    public static final String FORM = "application/x-www-form-urlencoded";

    /** @return the request's media type */
    public static MediaType of(HttpServletRequest request) {
        return parse(request.getHeader("Content-Type"));
    }

    /** @return the media type a {@code Content-Type} header names */
    public static MediaType parse(String header) {
        if (header == null) {
            return new MediaType(null, "", Map.of());
        }
        if (header.indexOf(';') < 0) { // no parameters, as most requests send it: nothing to split
            return new MediaType(header, header.strip().toLowerCase(Locale.ROOT), Map.of());
        }
        String[] parts = header.split(";");
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            String name = parameter[0].strip().toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) {
                // a repeated parameter keeps every value, so that a check of it sees them all
                parameters.merge(
                        name,
                        parameter.length < 2 ? "" : parameter[1].strip().replace("\"", ""),
                        (a, b) -> a + "," + b);
            }
        }
        return new MediaType(
                header,
                parts.length == 0 ? "" : parts[0].strip().toLowerCase(Locale.ROOT),
                java.util.Collections.unmodifiableMap(parameters));
    }

    /** @return whether the body is a multipart one (an upload), which the container parses itself */
    public boolean isMultipart() {
        return type.startsWith("multipart/");
    }

    /** @return whether the body is a url-encoded form, which the container parses itself */
    public boolean isForm() {
        return type.equals(FORM);
    }

    /** @return how a refusal names what was sent: {@code (none was sent)} or {@code (got ...)} */
    public String sent() {
        return header == null ? "(none was sent)" : "(got " + header + ")";
    }

    /**
     * Refuses a body that is not of the expected media type with a 415 naming it; JSON must be UTF-8 (RFC 8259).
     *
     * @return this
     */
    public MediaType require(String expected) {
        if (!type.equals(expected)) {
            throw HttpProblem.unsupportedMediaType("send Content-Type: " + expected + " " + sent());
        }
        String charset = parameters.get("charset");
        if (expected.equals(JSON) && charset != null && !charset.equalsIgnoreCase("utf-8")) {
            throw HttpProblem.unsupportedMediaType(
                    "JSON is UTF-8 (RFC 8259); send it as such, without charset=" + charset + " " + sent());
        }
        return this;
    }

    /** Refuses a request whose body is not of the expected media type with a 415 naming it. */
    public static void require(HttpServletRequest request, String expected) {
        of(request).require(expected);
    }
}
