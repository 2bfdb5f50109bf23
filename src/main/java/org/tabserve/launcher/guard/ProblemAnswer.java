package org.tabserve.launcher.guard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The one way the embedded server answers a request it refuses before the web app sees it: the app's RFC 9457
 * problem ({@code application/problem+json}, type {@code about:blank}), whose title and detail are the server's own
 * words, never anything the client sent.
 */
public final class ProblemAnswer {

    private ProblemAnswer() {}

    /**
     * Writes the problem as the whole answer.
     *
     * @param headers more headers to put first (the app's security headers, a {@code Retry-After}); may be empty
     */
    public static void write(
            Response response, int status, String title, String detail, Map<?, ?> headers, Callback callback) {
        String body = "{\"type\":\"about:blank\",\"title\":\"" + escaped(title) + "\",\"status\":" + status
                + ",\"detail\":\"" + escaped(detail) + "\"}";
        headers.forEach((name, value) -> response.getHeaders().put((String) name, (String) value));
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    /** The text as a JSON string's content: quotes, backslashes and control characters escaped. */
    static String escaped(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
