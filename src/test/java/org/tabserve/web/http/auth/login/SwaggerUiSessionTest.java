package org.tabserve.web.http.auth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tabserve.web.pages.Chromium;

/**
 * Issue 78: Swagger UI in the person's session, on {@link LoginFlowTest}'s server. A signed-in person's
 * {@code /apidocs} names the session's CSRF token for its script; in a real headless Chromium, "Try it out" and
 * "Execute" answer 200 as the person; the calls it makes (the session's cookie, the token in {@code X-CSRF-Token}) read
 * the document and predict, and the same post without the header, or with another token, is refused in words; the
 * page's interceptor ({@code static/apidocs.js}), run in Node as Swagger UI calls it, sends the token and the cookie
 * to the page's own origin alone.
 */
class SwaggerUiSessionTest {

    @BeforeAll
    static void start() throws Exception {
        LoginFlowTest.start();
    }

    @AfterAll
    static void stop() throws Exception {
        LoginFlowTest.stop();
    }

    private static final Path NODE = Path.of("/usr/bin/node");
    private static final Pattern DATA_CSRF = Pattern.compile("data-csrf=\"([A-Za-z0-9_-]+)\"");
    private static final String JSON_NOTE =
            "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}";

    /**
     * The path the docs describe, as a person takes it in a real headless Chromium: signed in, on {@code /apidocs},
     * "Try it out" and "Execute" on {@code POST /api/predict} answer 200, Swagger UI's own call carrying the session's
     * cookie and, through the page's interceptor, its CSRF token (without the interceptor the same click is 403).
     */
    @Test
    void swaggerUisTryItOutInARealBrowserIsThePersons() throws Exception {
        LoginFlowTest.flow.signsIn("alice", "read:banknote predict:banknote");
        WebDriver driver = Chromium.shared().driver; // the test JVM's, as a new one: no cookie
        driver.get(LoginFlowTest.server.uri("/models/banknote/").toString()); // to the issuer and back: signed in
        assertEquals(LoginFlowTest.server.uri("/models/banknote/").toString(), driver.getCurrentUrl());
        driver.get(LoginFlowTest.server.uri("/apidocs").toString());
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        WebElement path = wait.until(d -> d.findElements(By.cssSelector(".opblock-post .opblock-summary-path")).stream()
                .filter(e -> e.getText().replace("\u200b", "").equals("/api/predict"))
                .findFirst()
                .orElse(null));
        WebElement operation = path.findElement(
                By.xpath("ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' opblock ')][1]"));
        path.click();
        wait.until(d -> !operation.findElements(By.cssSelector(".try-out__btn")).isEmpty());
        operation.findElement(By.cssSelector(".try-out__btn")).click();
        wait.until(d -> !operation.findElements(By.cssSelector(".execute")).isEmpty());
        operation.findElement(By.cssSelector(".execute")).click();
        WebElement status = wait.until(
                d -> operation.findElements(By.cssSelector(".live-responses-table tbody .response-col_status")).stream()
                        .findFirst()
                        .orElse(null));
        assertEquals(
                "200",
                status.getText().strip(),
                operation
                        .findElement(By.cssSelector(".live-responses-table tbody"))
                        .getText());
    }

    private static HttpResponse<String> predictAsSwaggerUi(CookieBrowser browser, String csrf) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(LoginFlowTest.server.uri("/models/banknote/api/predict"))
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON_NOTE));
        if (csrf != null) {
            request.header("X-CSRF-Token", csrf);
        }
        return browser.send(request);
    }

    @Test
    void trySwaggerUisCallsFromThePersonsPageAreTheSessionsAndHoldToTheCsrfRule() throws Exception {
        LoginFlowTest.flow.signsIn("alice", "read:banknote predict:banknote");
        CookieBrowser browser = new CookieBrowser();
        String formPage = LoginFlowTest.signIn(browser).body();
        String sessionsToken = LoginFlowTest.csrf(formPage);

        HttpResponse<String> apidocs = browser.navigate(LoginFlowTest.server.uri("/apidocs"));
        assertEquals(200, apidocs.statusCode(), apidocs.body());
        Matcher named = DATA_CSRF.matcher(apidocs.body());
        assertTrue(named.find(), "the page names the session's token for its script: " + apidocs.body());
        assertEquals(sessionsToken, named.group(1));

        HttpResponse<String> document = browser.send(HttpRequest.newBuilder(LoginFlowTest.server.uri("/openapi.json"))
                .header("Accept", "application/json"));
        assertEquals(200, document.statusCode(), "Swagger UI reads the document in the session: " + document.body());

        HttpResponse<String> predicted = predictAsSwaggerUi(browser, named.group(1));
        assertEquals(200, predicted.statusCode(), "Try it out, as the person: " + predicted.body());
        assertTrue(predicted.body().contains("probabilities"), predicted.body());

        HttpResponse<String> bare = predictAsSwaggerUi(browser, null);
        assertEquals(403, bare.statusCode(), "a post of the session without its token: " + bare.body());
        assertTrue(bare.body().contains("CSRF token"), bare.body());
        HttpResponse<String> other = predictAsSwaggerUi(browser, SessionIds.next());
        assertEquals(403, other.statusCode(), "another token: " + other.body());
        assertTrue(other.body().contains("not your session's"), other.body());
    }

    @Test
    void thePagesInterceptorSendsTheTokenAndTheCookieToItsOwnOriginAlone() throws Exception {
        assumeTrue(Files.isExecutable(NODE), "needs Node.js at /usr/bin/node (apt-get install nodejs)");
        String script = """
                const fs = require('fs');
                let started = null, onLoad = null;
                global.window = {addEventListener: (e, f) => { onLoad = f; },
                                 location: {origin: 'http://127.0.0.1:8080'}};
                global.document = {body: {dataset: {openapi: '/openapi.json', csrf: process.argv[3]}}};
                global.SwaggerUIBundle = c => { started = c; return {}; };
                SwaggerUIBundle.presets = {apis: {}}; SwaggerUIBundle.plugins = {DownloadUrl: {}};
                global.SwaggerUIStandalonePreset = {};
                require('vm').runInThisContext(fs.readFileSync(process.argv[2], 'utf8'));
                onLoad();
                const call = url => started.requestInterceptor({url: url, method: 'POST', headers: {}});
                console.log(JSON.stringify({
                  own: call('http://127.0.0.1:8080/models/banknote/api/predict'),
                  relative: call('/api/predict'),
                  other: call('https://elsewhere.example/api/predict'),
                  url: started.url}));
                """;
        Path file = Files.createTempFile("apidocs-interceptor", ".js");
        Files.writeString(file, script);
        JsonNode calls = run(file, "the-sessions-token");
        assertEquals("/openapi.json", calls.path("url").asText());
        for (String own : new String[] {"own", "relative"}) {
            assertEquals(
                    "the-sessions-token",
                    calls.path(own).path("headers").path("X-CSRF-Token").asText(),
                    own);
            assertEquals("same-origin", calls.path(own).path("credentials").asText(), own);
        }
        assertTrue(calls.path("other").path("headers").path("X-CSRF-Token").isMissingNode(), calls.toString());
        assertEquals("omit", calls.path("other").path("credentials").asText(), "nor the cookie, elsewhere");
        JsonNode anonymous = run(file, "");
        assertTrue(
                anonymous.path("own").path("headers").path("X-CSRF-Token").isMissingNode(),
                "a page without a session sends no token: " + anonymous);
    }

    private static JsonNode run(Path file, String csrf) throws Exception {
        Process node = new ProcessBuilder(
                        NODE.toString(),
                        file.toString(),
                        Path.of("webapp/static/apidocs.js").toAbsolutePath().toString(),
                        csrf)
                .redirectErrorStream(true)
                .start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), "node did not end");
        assertEquals(0, node.exitValue(), out);
        return new ObjectMapper().readTree(out.strip());
    }
}
