package org.tabserve.web.http.auth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.CodeFlowIssuer;
import org.tabserve.testing.JoseIssuer;
import org.tabserve.testing.ModelDirectory;

/**
 * Issue 78: a person signs in to the pages through a real issuer of the test's own ({@link JoseIssuer}, its code flow
 * {@link CodeFlowIssuer}) on a real server on a real port, every step of the authorization code flow over HTTP with a
 * browser's cookies ({@link CookieBrowser}): sent to the issuer with PKCE, state and nonce; back with a session whose
 * person predicts through the form and is refused a model without its scope, in words naming both; signed out at once,
 * the saved cookie refused after. Programs keep their 401 and their tokens.
 */
class LoginFlowTest {

    static final String NOTE = "variance=3.6216&skewness=8.6661&curtosis=-2.8073&entropy=-0.44699";
    static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([A-Za-z0-9_-]+)\"");

    static JoseIssuer issuer;
    static CodeFlowIssuer flow;
    static ModelDirectory models;
    static TabserveServer server;
    static Path audit;

    @BeforeAll
    static void start() throws Exception {
        issuer = JoseIssuer.start();
        flow = CodeFlowIssuer.on(issuer);
        models = ModelDirectory.withFourModels();
        Path secret = Files.createTempDirectory("tabserve-login").resolve("secret");
        Files.writeString(secret, CodeFlowIssuer.SECRET + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        audit = secret.resolveSibling("audit.jsonl");
        server = TabserveServer.startReady(
                Map.of("TABSERVE_MAX_LOGIN_STARTS", "50"),
                "--models",
                models.root().toString(),
                "--default-model",
                "banknote",
                "--oidc-issuer",
                issuer.issuer(),
                "--oidc-audience",
                "tabserve",
                "--oidc-login-client",
                CodeFlowIssuer.CLIENT,
                "--oidc-login-secret-file",
                secret.toString(),
                "--audit-log",
                audit.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    @BeforeEach
    void alice() {
        flow.signsIn("alice", "read:banknote predict:banknote");
    }

    /** Signs {@code browser} in from the banknote form's page, through the issuer; returns the page it lands on. */
    static HttpResponse<String> signIn(CookieBrowser browser) throws Exception {
        HttpResponse<String> toIssuer = browser.navigate(server.uri("/models/banknote/"));
        assertEquals(302, toIssuer.statusCode(), toIssuer.body());
        HttpResponse<String> back = browser.follow(toIssuer);
        assertEquals(302, back.statusCode(), "the issuer sends the browser back with a code");
        HttpResponse<String> landed = browser.follow(back);
        assertEquals(303, landed.statusCode(), landed.body());
        assertEquals(
                "/models/banknote/", landed.headers().firstValue("Location").orElseThrow());
        return browser.follow(landed);
    }

    static String csrf(String page) {
        Matcher m = CSRF.matcher(page);
        assertTrue(m.find(), "the page carries its session's CSRF token in its forms");
        return m.group(1);
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> values = new java.util.HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            values.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    @Test
    void aNavigationWithoutACredentialIsSentToTheIssuerWithPkceStateAndNonce() throws Exception {
        CookieBrowser browser = new CookieBrowser();
        HttpResponse<String> answer = browser.navigate(server.uri("/models/banknote/card"));
        assertEquals(302, answer.statusCode());
        URI to = URI.create(answer.headers().firstValue("Location").orElseThrow());
        assertEquals(issuer.issuer() + "/authorize", to.getScheme() + "://" + to.getAuthority() + to.getPath());
        Map<String, String> asked = query(to);
        assertEquals("code", asked.get("response_type"));
        assertEquals(CodeFlowIssuer.CLIENT, asked.get("client_id"));
        assertEquals("S256", asked.get("code_challenge_method"));
        assertEquals(43, asked.get("code_challenge").length(), "a SHA-256 in URL-safe base64");
        assertNotNull(asked.get("state"));
        assertNotNull(asked.get("nonce"));
        assertTrue(asked.get("scope").contains("openid"));
        assertEquals(server.uri("/login/callback").toString(), asked.get("redirect_uri"));
        String cookie = browser.cookie(SessionCookies.PENDING).header();
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("SameSite=Lax"), cookie);
        assertTrue(cookie.contains("Path=/login"), cookie);
        assertFalse(cookie.contains("Secure"), "served over plain HTTP: " + cookie);
        assertFalse(cookie.contains(asked.get("state")), "the cookie holds an id, not the state");
    }

    @Test
    void aPersonSignsInPredictsThroughTheFormAndSignsOutAndTheSavedCookieIsRefused() throws Exception {
        CookieBrowser browser = new CookieBrowser();
        HttpResponse<String> page = signIn(browser);
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("Signed in as"), "the page says who is signed in");
        assertTrue(page.body().contains("id=\"signed-in-name\">alice<"), page.body());
        assertTrue(page.body().contains("id=\"sign-out-button\""), "and has a sign-out button");
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        URI origin = URI.create(issuer.issuer());
        assertTrue(
                policy.contains("form-action 'self' " + origin.getScheme() + "://" + origin.getRawAuthority() + ";"),
                "the sign-out's form is redirected to the issuer, which a browser holds to form-action: " + policy);
        String session = browser.cookie(SessionCookies.SESSION).header();
        assertTrue(
                session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"),
                session);
        String saved = browser.cookie(SessionCookies.SESSION).value();
        assertEquals(43, saved.length(), "a random id, no token: " + session);
        String token = csrf(page.body());

        HttpResponse<String> predicted = browser.post(server.uri("/models/banknote/"), NOTE + "&_csrf=" + token);
        assertEquals(200, predicted.statusCode(), predicted.body());
        assertTrue(predicted.body().contains("id=\"result\""), "the form's answer: " + predicted.body());

        HttpResponse<String> out = browser.post(server.uri("/logout"), "_csrf=" + token);
        assertEquals(303, out.statusCode(), out.body());
        URI endSession = URI.create(out.headers().firstValue("Location").orElseThrow());
        assertEquals("/logout", endSession.getPath(), "the issuer's end_session_endpoint");
        Map<String, String> said = query(endSession);
        assertNotNull(said.get("id_token_hint"));
        assertEquals(server.uri("/").toString(), said.get("post_logout_redirect_uri"));
        assertNull(browser.cookie(SessionCookies.SESSION), "the browser is told to forget the cookie");

        HttpClient program = HttpClient.newHttpClient();
        HttpResponse<String> replayed = program.send(
                HttpRequest.newBuilder(server.uri("/api/models"))
                        .header("Cookie", SessionCookies.SESSION + "=" + saved)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, replayed.statusCode(), "the session ended at once: " + replayed.body());
        HttpResponse<String> post = program.send(
                HttpRequest.newBuilder(server.uri("/models/banknote/"))
                        .header("Cookie", SessionCookies.SESSION + "=" + saved)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(NOTE + "&_csrf=" + token))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, post.statusCode(), post.body());

        // The person in the audit log (issue 78, item 4): the sign-in and the sign-out by name, never a token or code.
        List<String> lines = Files.readAllLines(audit);
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.contains("\"event\":\"sign_in\"") && l.contains("\"client\":\"user:alice\"")),
                "the sign-in's line: " + lines);
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.contains("\"event\":\"sign_out\"") && l.contains("\"client\":\"user:alice\"")),
                "the sign-out's line: " + lines);
        for (String line : lines) {
            assertFalse(line.contains(saved) || line.contains(token) || line.contains(said.get("id_token_hint")), line);
        }
    }

    @Test
    void theAccessLogHoldsNoCodeOrStateOfTheCallback() throws Exception {
        CookieBrowser browser = new CookieBrowser();
        HttpResponse<String> toIssuer = browser.navigate(server.uri("/models/banknote/"));
        HttpResponse<String> back = browser.follow(toIssuer);
        Map<String, String> answer =
                query(URI.create(back.headers().firstValue("Location").orElseThrow()));
        assertEquals(303, browser.follow(back).statusCode());
        String code = answer.get("code");
        String state = answer.get("state");
        long until = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        List<String> lines;
        while ((lines = server.output().stream()
                                .filter(l -> l.contains("/login/callback?"))
                                .toList())
                        .isEmpty()
                && System.nanoTime() < until) {
            Thread.sleep(50); // the access log's line is written once the answer is sent
        }
        assertFalse(lines.isEmpty(), "the callback is in the access log: " + server.output());
        for (String line : server.output()) {
            assertFalse(line.contains(code) || line.contains(state), "no code or state in a log line: " + line);
        }
        assertTrue(
                lines.stream().anyMatch(l -> l.contains("code=(masked)") && l.contains("state=(masked)")),
                lines.toString());
    }

    @Test
    void overHttpsTheCookiesAreHostPrefixedForEveryPathAndThePlainNameIsNoSession() throws Exception {
        CookieBrowser browser = new CookieBrowser();
        java.util.function.Function<URI, HttpResponse<String>> https = uri -> {
            try {
                return browser.send(HttpRequest.newBuilder(uri)
                        .header("Accept", "text/html")
                        .header("X-Forwarded-Proto", "https")
                        .GET());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        HttpResponse<String> toIssuer = https.apply(server.uri("/models/banknote/"));
        assertEquals(302, toIssuer.statusCode(), toIssuer.body());
        String pending = browser.cookie(SessionCookies.HOST_PREFIX + SessionCookies.PENDING)
                .header();
        for (String attribute : List.of("Secure", "HttpOnly", "SameSite=Lax", "Path=/;")) {
            assertTrue((pending + ";").contains(attribute), attribute + ": " + pending);
        }
        assertFalse(pending.toLowerCase(java.util.Locale.ROOT).contains("domain"), pending);
        HttpResponse<String> back = browser.follow(toIssuer);
        HttpResponse<String> landed = https.apply(
                back.uri().resolve(back.headers().firstValue("Location").orElseThrow()));
        assertEquals(303, landed.statusCode(), landed.body());
        CookieBrowser.Cookie session = browser.cookie(SessionCookies.HOST_PREFIX + SessionCookies.SESSION);
        assertNotNull(
                session,
                "the session's cookie is __Host-tabserve_session: "
                        + landed.headers().map());
        for (String attribute : List.of("Secure", "HttpOnly", "SameSite=Lax", "Path=/;")) {
            assertTrue((session.header() + ";").contains(attribute), attribute + ": " + session.header());
        }
        assertNull(browser.cookie(SessionCookies.SESSION), "no plain-named cookie over HTTPS");
        assertEquals(200, https.apply(server.uri("/models/banknote/")).statusCode(), "the session, over HTTPS");
        HttpResponse<String> plainName = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.uri("/models/banknote/"))
                                .header("Accept", "text/html")
                                .header("X-Forwarded-Proto", "https")
                                .header("Cookie", SessionCookies.SESSION + "=" + session.value())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(302, plainName.statusCode(), "over HTTPS a cookie without the prefix is no session");
    }

    @Test
    void aModelWithoutItsScopeIsRefusedNamingTheScopeAndTheModel() throws Exception {
        CookieBrowser browser = new CookieBrowser();
        signIn(browser);
        HttpResponse<String> refused = browser.navigate(server.uri("/models/species/"));
        assertEquals(403, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("read:species"), refused.body());
        assertTrue(refused.body().contains("user:alice"), "names who is refused: " + refused.body());
    }

    @Test
    void theModelsPageNamesThePersonAndListsWhatTheyMayRead() throws Exception {
        CookieBrowser browser = new CookieBrowser();
        signIn(browser);
        HttpResponse<String> index = browser.navigate(server.uri("/models"));
        assertEquals(200, index.statusCode(), index.body());
        assertTrue(index.body().contains("id=\"signed-in-name\">alice<"), "its own build names the person");
        assertTrue(index.body().contains("banknote"), index.body());
        assertFalse(index.body().contains("/models/species/"), "a model alice may not read is not listed");
    }

    @Test
    void programsKeepTheir401AndTheirTokens() throws Exception {
        HttpClient program = HttpClient.newHttpClient();
        HttpResponse<String> bare = program.send(
                HttpRequest.newBuilder(server.uri("/api/models")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, bare.statusCode());
        assertEquals(
                "Bearer realm=\"tabserve\"",
                bare.headers().firstValue("WWW-Authenticate").orElse(""));
        String token = issuer.token("notes", "tabserve", "read:banknote");
        HttpResponse<String> page = program.send(
                HttpRequest.newBuilder(server.uri("/models/banknote/card"))
                        .header("Accept", "text/html")
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), "a token reads the page, never sent to sign in: " + page.body());
        assertFalse(page.body().contains("Signed in as"), "a program has no session");
    }
}
