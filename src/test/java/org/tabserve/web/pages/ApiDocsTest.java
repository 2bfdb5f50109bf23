package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;

/** Swagger UI at /apidocs from the packaged WAR: every file it loads comes from this server, none from a CDN. */
class ApiDocsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern URLS = Pattern.compile("(?:src|href|data-openapi)=\"([^\"]+)\"");
    /** The test JVM's one server of the bundled model: this class only reads from it. */
    @RegisterExtension
    static final Http server = Http.sharingTheApp();

    private static HttpResponse<String> page;

    @BeforeAll
    static void start() throws Exception {
        page = get("/apidocs");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> urls() {
        List<String> urls = new ArrayList<>();
        Matcher m = URLS.matcher(page.body());
        while (m.find()) {
            urls.add(m.group(1));
        }
        return urls;
    }

    @Test
    void servesAnHtmlPage() {
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("id=\"swagger-ui\""), page.body());
        assertFalse(page.body().contains("data-csrf"), "no session, no token for the script to send");
    }

    @Test
    void everyScriptStylesheetAndTheDocumentResolveOnThisServer() throws Exception {
        List<String> urls = urls();
        assertTrue(urls.stream().anyMatch(u -> u.endsWith("/swagger-ui-bundle.js")), urls.toString());
        assertTrue(urls.stream().anyMatch(u -> u.endsWith("/swagger-ui.css")), urls.toString());
        assertTrue(urls.contains("/openapi.json"), urls.toString());
        for (String url : urls) {
            assertTrue(url.startsWith("/") && !url.startsWith("//"), "not from this server: " + url);
            assertEquals(200, get(url).statusCode(), url);
        }
    }

    @Test
    void hasNoInlineScriptSoAStrictCspCanFollow() {
        Matcher scripts =
                Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(page.body());
        int count = 0;
        while (scripts.find()) {
            count++;
            assertTrue(scripts.group(1).contains("src="), "script without src: " + scripts.group());
            assertTrue(scripts.group(2).isBlank(), "inline script: " + scripts.group());
        }
        assertEquals(3, count, "bundle, preset and our initializer");
        assertFalse(page.body().contains("onload="), "no inline handlers");
    }

    @Test
    void theInitializerPointsSwaggerUiAtTheDocumentThePageNames() throws Exception {
        HttpResponse<String> initializer = get("/static/apidocs.js");
        assertEquals(200, initializer.statusCode());
        assertTrue(
                initializer.body().contains("SwaggerUIBundle(")
                        && initializer.body().contains("dataset.openapi"),
                initializer.body());
    }
}
