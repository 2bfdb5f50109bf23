package org.tabserve.web.http.auth.login;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A browser as far as the sign-in sees one, over the JDK's HTTP client: it keeps the cookies each host sets (by name,
 * sent to paths under the cookie's {@code Path}, forgotten at {@code Max-Age=0} or an {@code Expires} in 1970), asks for HTML as a navigation does,
 * and follows no redirect by itself, so that a test sees each step of the code flow.
 */
final class CookieBrowser {

    /** One cookie as the server set it: its value, path and the attributes it was set with. */
    record Cookie(String value, String path, String header) {}

    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, Cookie> cookies = new LinkedHashMap<>();

    /** @return the cookie {@code name} as last set, or null */
    Cookie cookie(String name) {
        return cookies.get(name);
    }

    /** Sets a cookie as a page of another site (or an attacker) could have planted it. */
    void plant(String name, String value, String path) {
        cookies.put(name, new Cookie(value, path, name + "=" + value));
    }

    /** A navigation to {@code uri}: GET, asking for HTML. */
    HttpResponse<String> navigate(URI uri) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri)
                .header("Accept", "text/html,application/xhtml+xml")
                .header("Sec-Fetch-Mode", "navigate")
                .GET());
    }

    /** A form's post to {@code uri}, url-encoded. */
    HttpResponse<String> post(URI uri, String form) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri)
                .header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    /** Any request, with the cookies that go to its path; the cookies its answer sets are kept. */
    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        URI uri = request.build().uri();
        String sent = cookies.entrySet().stream()
                .filter(c -> uri.getPath().startsWith(c.getValue().path()))
                .map(c -> c.getKey() + "=" + c.getValue().value())
                .collect(Collectors.joining("; "));
        if (!sent.isEmpty()) {
            request.header("Cookie", sent);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        for (String header : response.headers().allValues("Set-Cookie")) {
            String[] parts = header.split(";");
            String name = parts[0].substring(0, parts[0].indexOf('=')).strip();
            String value = parts[0].substring(parts[0].indexOf('=') + 1).strip();
            String path = "/";
            boolean gone = false;
            for (String part : List.of(parts).subList(1, parts.length)) {
                String attribute = part.strip();
                if (attribute.regionMatches(true, 0, "Path=", 0, 5)) {
                    path = attribute.substring(5);
                } else if (attribute.equalsIgnoreCase("Max-Age=0")
                        || (attribute.regionMatches(true, 0, "Expires=", 0, 8) && attribute.contains("1970"))) {
                    gone = true;
                }
            }
            if (gone) {
                cookies.remove(name);
            } else {
                cookies.put(name, new Cookie(value, path, header));
            }
        }
        return response;
    }

    /** Follows a redirect the answer gives: the next navigation, to its {@code Location}. */
    HttpResponse<String> follow(HttpResponse<String> redirect) throws IOException, InterruptedException {
        String location = redirect.headers()
                .firstValue("Location")
                .orElseThrow(() -> new AssertionError(
                        "no Location in the answer " + redirect.statusCode() + ": " + redirect.body()));
        return navigate(redirect.uri().resolve(location));
    }
}
