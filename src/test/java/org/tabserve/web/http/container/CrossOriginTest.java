package org.tabserve.web.http.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.KeyDigests;

/**
 * Issue 79, item 4: a browser page on another origin calls the JSON routes when the server lists its origin
 * ({@code --cors-origins}): its preflight is answered 204 with the methods, headers and lifetime, also with API keys
 * on (a preflight carries no key), and its requests carry {@code Access-Control-Allow-Origin} while still needing
 * their key; a page of an origin not listed gets no CORS header and its preflight a 403 in words; the pages get none;
 * without the setting nothing changes; and a setting that names no origin a browser sends stops the start in words.
 */
class CrossOriginTest {

    private static final String APP = "https://app.example.com";
    private static final String DEV = "http://localhost:3000";
    private static final String HOSTILE = "https://evil.example.net";
    private static final String KEY = "cors-key-0123456789abcdef0123456789abcdef";
    private static final String ROW =
            "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}";

    static TabserveServer server;
    static Http http;

    /** Two origins, written as a person might (upper case, the default port), and API keys on. */
    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("tabserve-cors");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path keys = dir.resolve("keys");
        Files.writeString(keys, "app predict,read " + KeyDigests.sha256(KEY) + "\n");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        server = TabserveServer.startReady(
                "--api-keys", keys.toString(), "--cors-origins", " HTTPS://App.Example.com:443 , " + DEV);
        http = new Http(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Http.Response preflight(Http client, String path, String origin, String method) {
        return client.send(
                "OPTIONS",
                path,
                BodyPublishers.noBody(),
                "Origin",
                origin,
                "Access-Control-Request-Method",
                method,
                "Access-Control-Request-Headers",
                "authorization,content-type,x-request-id");
    }

    private static Http.Response predict(Http client, String origin, String... authorization) {
        List<String> headers = new java.util.ArrayList<>(List.of("Origin", origin, "Content-Type", "application/json"));
        headers.addAll(List.of(authorization));
        return client.send(
                "POST",
                "/api/predict",
                BodyPublishers.ofString(ROW, StandardCharsets.UTF_8),
                headers.toArray(String[]::new));
    }

    private static List<String> corsHeaders(Http.Response response) {
        return response.headers().map().keySet().stream()
                .filter(name -> name.toLowerCase(Locale.ROOT).startsWith("access-control-"))
                .toList();
    }

    @Test
    void aListedOriginsPreflightIsAnswered204WithTheRoutesMethodsAndTheHeadersTheServerReadsWithoutAKey() {
        Http.Response answer = preflight(http, "/api/predict", APP, "POST");
        assertEquals(204, answer.status(), answer.text());
        assertEquals(Optional.of(APP), answer.header("Access-Control-Allow-Origin"), "the exact origin, never *");
        assertEquals(Optional.of("Origin"), answer.header("Vary"));
        assertEquals(Optional.of("POST"), answer.header("Access-Control-Allow-Methods"), "what /api/predict takes");
        String allowed = answer.header("Access-Control-Allow-Headers").orElse("");
        for (String header : List.of("Authorization", "Content-Type", "X-Request-Id")) {
            assertTrue(allowed.contains(header), header + " in " + allowed);
        }
        assertEquals(Optional.of("600"), answer.header("Access-Control-Max-Age"));
        assertEquals(Optional.empty(), answer.header("Access-Control-Allow-Credentials"), "no credentials, ever");
        assertEquals(Optional.empty(), answer.header("WWW-Authenticate"), "a preflight is never asked for a key");
        // The second origin, a route of GET and POST, a model's own route and the Open Inference Protocol's.
        Http.Response flask = preflight(http, "/predict", DEV, "GET");
        assertEquals(204, flask.status(), flask.text());
        assertEquals(Optional.of(DEV), flask.header("Access-Control-Allow-Origin"));
        assertEquals(Optional.of("GET, HEAD, POST"), flask.header("Access-Control-Allow-Methods"));
        Http.Response named = preflight(http, "/models/iris/versions/2/api/predict", APP, "POST");
        assertEquals(204, named.status(), named.text());
        assertEquals(Optional.of(APP), named.header("Access-Control-Allow-Origin"));
        Http.Response v2 = preflight(http, "/v2/models/iris/infer", APP, "POST");
        assertEquals(204, v2.status(), v2.text());
        assertEquals(Optional.of("POST"), v2.header("Access-Control-Allow-Methods"));
    }

    @Test
    void aListedOriginsPredictionCarriesTheOriginAndTheHeadersItMayReadAndStillNeedsItsKey() throws Exception {
        Http.Response answer = predict(http, APP, "Authorization", "Bearer " + KEY);
        assertEquals(200, answer.status(), answer.text());
        assertEquals("0", answer.json().path("label").asText(), answer.text());
        assertEquals(Optional.of(APP), answer.header("Access-Control-Allow-Origin"));
        assertEquals(Optional.of("Origin"), answer.header("Vary"));
        String exposed = answer.header("Access-Control-Expose-Headers").orElse("");
        for (String header : List.of("X-Request-Id", "X-Model-Version", "Tabserve-Model-Sha256", "Retry-After")) {
            assertTrue(exposed.contains(header), header + " in " + exposed);
        }
        assertTrue(answer.header("X-Request-Id").isPresent(), "the header a page may read is there");
        Http.Response withoutKey = predict(http, APP);
        assertEquals(401, withoutKey.status(), "the key is still needed: " + withoutKey.text());
        assertEquals(
                Optional.of(APP),
                withoutKey.header("Access-Control-Allow-Origin"),
                "a page may read why it was refused");
        assertTrue(withoutKey.header("Access-Control-Expose-Headers").orElse("").contains("WWW-Authenticate"));
    }

    @Test
    void anOriginNotListedGetsNoCorsHeaderAndItsPreflightA403InWords() throws Exception {
        Http.Response refused = preflight(http, "/api/predict", HOSTILE, "POST");
        assertEquals(403, refused.status(), refused.text());
        assertEquals(List.of(), corsHeaders(refused));
        String detail = refused.problem(403).path("detail").asText();
        assertTrue(
                detail.contains("'" + HOSTILE + "'") && detail.contains("not among the server's CORS origins"), detail);
        assertTrue(detail.contains("--cors-origins") && detail.contains("TABSERVE_CORS_ORIGINS"), detail);
        assertFalse(detail.contains(APP) || detail.contains(DEV), "the listed origins are not told: " + detail);
        // Near misses of a listed origin: another scheme, port or host, and a path (a browser never sends one).
        for (String origin : List.of(
                "http://app.example.com",
                "https://app.example.com:8443",
                APP + ".evil.net",
                "null",
                "https://APP.example.com")) {
            Http.Response near = preflight(http, "/api/predict", origin, "POST");
            assertEquals(403, near.status(), origin + ": " + near.text());
            assertEquals(List.of(), corsHeaders(near), origin);
        }
        Http.Response v2 = preflight(http, "/v2/models/iris/infer", HOSTILE, "POST");
        assertEquals(403, v2.status(), v2.text());
        assertTrue(v2.parse().path("error").asText().contains("not among the server's CORS origins"), v2.text());
        // Its actual request is served as any request without the header is; the browser keeps it from the page.
        Http.Response answer = predict(http, HOSTILE, "Authorization", "Bearer " + KEY);
        assertEquals(200, answer.status(), answer.text());
        assertEquals(List.of(), corsHeaders(answer));
        assertEquals(Optional.of("Origin"), answer.header("Vary"), "the answer differs by origin");
    }

    @Test
    void thePagesTheMetricsAndTheHealthProbesGetNoCorsHeader() {
        for (String path : List.of("/", "/card", "/models", "/apidocs", "/metrics", "/health/ready", "/admin/model")) {
            Http.Response answer = preflight(http, path, APP, "GET");
            assertEquals(List.of(), corsHeaders(answer), path);
            assertFalse(answer.header("Vary").orElse("").contains("Origin"), path);
        }
        Http.Response page = http.get("/", "Origin", APP, "Authorization", "Bearer " + KEY);
        assertEquals(200, page.status(), page.text());
        assertEquals(List.of(), corsHeaders(page), "the form is this server's own page");
    }

    @Test
    void withoutTheSettingNoAnswerCarriesACorsHeader() {
        try (TabserveServer plain = TabserveServer.startReady()) {
            Http client = new Http(plain);
            Http.Response preflight = preflight(client, "/api/predict", APP, "POST");
            assertEquals(204, preflight.status(), "the route's own OPTIONS answer: " + preflight.text());
            assertEquals(List.of(), corsHeaders(preflight));
            Http.Response answer = predict(client, APP);
            assertEquals(200, answer.status(), answer.text());
            assertEquals(List.of(), corsHeaders(answer));
            assertFalse(answer.header("Vary").orElse("").contains("Origin"));
            assertFalse(String.join("\n", plain.output()).contains("CORS"), "nothing said of it at start");
        }
    }

    @Test
    void aStarAloneFromTheEnvironmentAllowsEveryOriginWithoutCredentials() {
        try (TabserveServer any = TabserveServer.startReady(Map.of("TABSERVE_CORS_ORIGINS", "*"))) {
            Http client = new Http(any);
            Http.Response preflight = preflight(client, "/invocations", HOSTILE, "POST");
            assertEquals(204, preflight.status(), preflight.text());
            assertEquals(Optional.of("*"), preflight.header("Access-Control-Allow-Origin"));
            assertEquals(Optional.empty(), preflight.header("Access-Control-Allow-Credentials"));
            assertEquals(Optional.of("*"), predict(client, DEV).header("Access-Control-Allow-Origin"));
        }
    }

    @Test
    void aSettingThatNamesNoOriginABrowserSendsStopsTheStartInWords() {
        IllegalStateException refused = assertThrows(
                IllegalStateException.class, () -> TabserveServer.startReady("--cors-origins", "example.com"));
        assertTrue(
                refused.getMessage()
                        .contains("setting tabserve.cors-origins (--cors-origins, env"
                                + " TABSERVE_CORS_ORIGINS): 'example.com' is not an origin: it names no scheme; write"
                                + " https://example.com"),
                refused.getMessage());
    }

    /** Each kind of entry that is no origin, refused with what to write instead; resolved as the start resolves it. */
    @Test
    void eachEntryThatIsNoOriginIsRefusedSayingWhatToWrite() {
        Map<String, String> refusals = new java.util.LinkedHashMap<>();
        refusals.put("localhost:3000", "names no scheme; write https://localhost:3000 (or http://localhost:3000)");
        refusals.put("https://app.example.com/", "an origin has no path, not even '/'");
        refusals.put("https://app.example.com/app", "write https://app.example.com");
        refusals.put("https://app.example.com?x=1", "an origin has no path");
        refusals.put("*," + APP, "'*' allows every origin and stands alone");
        refusals.put("https://*.example.com", "a wildcard stands alone");
        refusals.put("null", "is the origin of sandboxed frames and local files");
        refusals.put("ftp://files.example.com", "only http:// and https:// pages make CORS requests");
        refusals.put("https://user:secret@app.example.com", "carries no user name or password");
        refusals.put("https://app.example.com:0", "its port must be from 1 to 65535");
        refusals.put("https://bücher.example", "its xn-- (punycode) form");
        refusals.put(" , ", "names no origin");
        refusals.forEach((setting, words) -> {
            IllegalArgumentException refused = assertThrows(
                    IllegalArgumentException.class, () -> CrossOrigins.resolve(key -> Optional.of(setting)), setting);
            assertTrue(refused.getMessage().startsWith("setting tabserve.cors-origins"), refused.getMessage());
            assertTrue(refused.getMessage().contains(words), setting + ": " + refused.getMessage());
        });
        assertEquals(Optional.empty(), CrossOrigins.resolve(key -> Optional.empty()), "unset: off");
        CrossOrigins written = CrossOrigins.resolve(key -> Optional.of("HTTP://LocalHost:80,http://[::1]:3000"))
                .orElseThrow();
        assertEquals(java.util.Set.of("http://localhost", "http://[::1]:3000"), written.origins());
    }
}
