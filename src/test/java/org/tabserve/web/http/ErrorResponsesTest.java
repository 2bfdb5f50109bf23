package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;

/** What every route does when the request is wrong: the status, the problem format, and what never leaks. */
class ErrorResponsesTest {

    private static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    @Test
    void anUnknownRouteIs404ProblemJsonNamingIt() {
        JsonNode problem = http.get("/no/such/route").problem(404);
        assertEquals("/no/such/route", problem.path("instance").asText());
        assertTrue(problem.path("detail").asText().contains("/no/such/route"), problem::toString);
        http.get("/api/predictions").problem(404);
    }

    @Test
    void anUnknownRouteIs404ProblemJsonWhateverTheMethod() {
        http.postJson("/api/predictions", "{}").problem(404);
        http.send("PUT", "/no/such/route", BodyPublishers.ofString("x")).problem(404);
        http.send("DELETE", "/no/such/route", BodyPublishers.noBody()).problem(404);
    }

    @Test
    void deleteOnApiPredictIs405WithAnAllowHeader() {
        Http.Response response = http.send("DELETE", "/api/predict", BodyPublishers.noBody());
        JsonNode problem = response.problem(405);
        assertEquals("OPTIONS, POST", response.header("Allow").orElse(""));
        assertTrue(problem.path("detail").asText().contains("DELETE"), problem::toString);
    }

    @Test
    void theLaunchersBootstrapClassIsNeverServed() {
        for (String path : List.of(
                "/org/tabserve/launcher/Main.class",
                "/org/tabserve/launcher/EmbeddedServer.class",
                "/META-INF/MANIFEST.MF")) {
            Http.Response response = http.get(path);
            assertTrue(
                    response.status() == 403 || response.status() == 404,
                    () -> path + " answered " + response.status());
            response.problem(response.status());
            assertFalse(
                    response.body().length >= 4
                            && (response.body()[0] & 0xFF) == 0xCA
                            && (response.body()[1] & 0xFF) == 0xFE,
                    path + " served class bytes");
        }
    }

    @Test
    void nothingUnderWebInfIsServed() {
        for (String path : List.of(
                "/WEB-INF/model.onnx",
                "/WEB-INF/web.xml",
                "/WEB-INF/templates/form.html",
                "/WEB-INF/lib-jetty/tabserve-launcher.jar",
                "/web-inf/model.onnx",
                "/static/../WEB-INF/model.onnx")) {
            Http.Response response = http.get(path);
            assertNotEquals(200, response.status(), path);
            if (path.equals("/WEB-INF/model.onnx")) {
                response.problem(404);
            }
        }
    }

    @Test
    void theStylesheetIsServedAsCss() {
        Http.Response css = http.get("/static/tabserve.css");
        assertEquals(200, css.status());
        assertEquals("text/css", css.mediaType());
    }

    @Test
    void aBrowserAskingForAnUnknownRouteGetsAnHtmlPageSaying404() {
        Http.Response response = http.get("/no/such/page", "Accept", BROWSER_ACCEPT);
        assertEquals(404, response.status());
        Document page = response.html();
        assertEquals("404", Http.textOf(page, "#status"));
        assertTrue(Http.textOf(page, "#detail").contains("/no/such/page"), page::html);
        assertTrue(page.select("script").isEmpty());
    }

    @Test
    void aBrowserGetsAnHtmlPageFor405Too() {
        Http.Response response = http.send("DELETE", "/api/predict", BodyPublishers.noBody(), "Accept", BROWSER_ACCEPT);
        assertEquals(405, response.status());
        assertEquals("405", Http.textOf(response.html(), "#status"));
        assertEquals("OPTIONS, POST", response.header("Allow").orElse(""));
    }

    @Test
    void aClientThatPrefersJsonGetsProblemJsonEvenIfItAlsoTakesHtml() {
        http.get("/no/such/route", "Accept", "application/json, text/html;q=0.5")
                .problem(404);
    }

    /**
     * Sends a wide set of wrong requests to every route, as a JSON client and as a browser, and checks each answer:
     * a 4xx (never 500), and (checked by {@link Http} on every response) no Server header, no "Jetty", no exception
     * name or stack frame in the body.
     */
    @Test
    void noErrorResponseRevealsTheServerOrAStackTraceOrIsA500() {
        byte[] genuine = BankNotes.genuine().json().toString().getBytes(StandardCharsets.UTF_8);
        List<Function<String[], Http.Response>> requests = List.of(
                h -> http.get("/nope", h),
                h -> http.get("/api/predict", h),
                h -> http.send("DELETE", "/api/predict", BodyPublishers.noBody(), h),
                h -> http.send("PUT", "/predict_file", BodyPublishers.noBody(), h),
                h -> json("{", h),
                h -> json("{\"variance\": NaN}", h),
                h -> json("{\"variance\": \"x\", \"skewness\": [1], \"curtosis\": {}}", h),
                h -> json("{\"instances\": [[1e400, 1, 1, 1]]}", h),
                h -> json("{\"instances\": [[1e300, 1, 1, 1]]}", h),
                h -> json("{\"instances\": [[1, 2], {\"a\": 1}, 3, null, \"x\"]}", h),
                h -> json("[" + "[".repeat(100) + "]".repeat(100) + "]", h),
                h -> json("{\"variance\": " + "9".repeat(1000) + "}", h),
                h -> http.fresh()
                        .post(
                                "/api/predict",
                                "application/json",
                                ("{\"" + "v".repeat(200_000) + "\": 1}").getBytes(StandardCharsets.UTF_8),
                                h),
                h -> json("", h),
                h -> http.post("/api/predict", "text/plain", genuine, h),
                h -> http.post("/api/predict", "application/json", new byte[] {(byte) 0xFF, (byte) 0xFE, '{', '}'}, h),
                h -> http.get("/predict?variance=x", h),
                h -> http.get("/predict?variance=1&variance=2", h),
                h -> http.get("/predict?%3Cscript%3E=1", h),
                h -> http.get("/predict?variance=%FF", h),
                h -> http.post(
                        "/", "application/x-www-form-urlencoded", "variance=%FF".getBytes(StandardCharsets.UTF_8), h),
                h -> http.get("/a%2Fb", h),
                h -> http.fresh().get("/health/live", concat(h, "X-Big", "a".repeat(20_000))),
                h -> http.post("/predict_file", "application/json", genuine, h),
                h -> http.upload("/predict_file", Multipart.csv(""), h),
                h -> http.upload("/predict_file", Multipart.csv("a,b\n1,2\n"), h),
                h -> http.upload("/predict_file", Multipart.csv("variance,skewness,curtosis,entropy\n1,2,3\n\"x"), h),
                h -> http.post("/", "text/plain", "variance=1".getBytes(StandardCharsets.UTF_8), h),
                h -> http.send("DELETE", "/", BodyPublishers.noBody(), h),
                h -> http.get("/health/nope", h),
                h -> http.get("/WEB-INF/model.onnx", h),
                h -> http.get("/org/tabserve/launcher/Main.class", h));
        List<String> failures = new ArrayList<>();
        for (String accept : List.of("application/json", BROWSER_ACCEPT)) {
            for (Function<String[], Http.Response> request : requests) {
                try {
                    Http.Response response = request.apply(new String[] {"Accept", accept});
                    if (response.status() < 400 || response.status() >= 500) {
                        failures.add(response.request() + " answered " + response.status() + ": " + response.text());
                    }
                } catch (AssertionError e) {
                    failures.add(e.getMessage()); // a Server header, "Jetty" or a stack trace
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void aConnectionStaysUsableAfterARequestIsRefusedBeforeItsBodyWasRead() {
        Http client = http.fresh();
        byte[] longName = ("{\"" + "v".repeat(200_000) + "\": 1}").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 20; i++) {
            client.post("/api/predict", "application/json", longName).problem(400);
            client.postJson("/api/predict", "").problem(400); // reuses the connection unless told it was closed
        }
    }

    @Test
    void requestsTheContainerRefusesBeforeTheAppAreStill4xx() {
        assertEquals(400, http.get("/a%2Fb").status(), "an ambiguous (encoded) path separator");
        assertEquals(
                431,
                http.fresh().get("/health/live", "X-Big", "a".repeat(20_000)).status(),
                "headers too large");
    }

    @Test
    void anAmbiguousPathIsA400ProblemJson() {
        http.get("/a%2Fb").problem(400);
        http.get("/a%2Fb", "Accept", "application/json").problem(400);
    }

    @Test
    void headersTooLargeIsA431ProblemJson() {
        http.fresh().get("/health/live", "X-Big", "a".repeat(20_000)).problem(431);
    }

    private static String[] concat(String[] headers, String... more) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + more.length);
        System.arraycopy(more, 0, all, headers.length, more.length);
        return all;
    }

    private static Http.Response json(String body, String... headers) {
        return http.post("/api/predict", "application/json", body.getBytes(StandardCharsets.UTF_8), headers);
    }
}
