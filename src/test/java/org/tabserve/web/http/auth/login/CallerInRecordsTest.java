package org.tabserve.web.http.auth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.CodeFlowIssuer;
import org.tabserve.testing.JoseIssuer;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.OtlpReceiver;

/**
 * Issue 78, item 4: the caller's kind and name in every record, on a real server with a sign-in, API keys, OIDC
 * tokens, the prediction log, the audit log and traces to a real OTLP receiver. A person signed in (whose ID token
 * carries an email and a name of their own, hostile to the records) is {@code user:alice} of kind {@code person} in
 * the prediction log's line, the trace's request span and the audit log's refusal; a key's client is of kind
 * {@code key} in the log and in its admin act's line; a token's client of kind {@code token}; a refused credential's
 * line says what kind was sent. No record holds a key, a token, a session id, a CSRF token or any other claim.
 */
@Timeout(180)
class CallerInRecordsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMAIL = "alice.secret@example.org";
    private static final String GIVEN_NAME = "Alicia-Hidden-Name";
    private static final String OPS_KEY = "ops-key-0123456789abcdef0123456789abcdef";
    private static final String JSON_NOTE =
            "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}";

    static OtlpReceiver receiver;
    static JoseIssuer issuer;
    static CodeFlowIssuer flow;
    static ModelDirectory models;
    static TabserveServer server;
    static Path audit;
    static Path log;

    @BeforeAll
    static void start() throws Exception {
        receiver = OtlpReceiver.start();
        issuer = JoseIssuer.start();
        flow = CodeFlowIssuer.on(issuer);
        models = ModelDirectory.withFourModels();
        Path folder = Files.createTempDirectory("tabserve-records");
        Path secret = folder.resolve("secret");
        Files.writeString(secret, CodeFlowIssuer.SECRET + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path keys = folder.resolve("keys");
        Files.writeString(keys, "ops admin,predict,read " + sha256(OPS_KEY) + "\n");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        audit = folder.resolve("audit.jsonl");
        log = folder.resolve("predictions");
        server = TabserveServer.startReady(
                Map.of(),
                "--models",
                models.root().toString(),
                "--default-model",
                "banknote",
                "--api-keys",
                keys.toString(),
                "--oidc-issuer",
                issuer.issuer(),
                "--oidc-audience",
                "tabserve",
                "--oidc-login-client",
                CodeFlowIssuer.CLIENT,
                "--oidc-login-secret-file",
                secret.toString(),
                "--audit-log",
                audit.toString(),
                "--prediction-log",
                log.toString(),
                "--otel-endpoint",
                receiver.endpoint());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closing : new AutoCloseable[] {server, issuer, receiver}) {
            if (closing != null) {
                closing.close();
            }
        }
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String traceparent(String trace) {
        return "00-" + trace + "-" + OtlpReceiver.randomId(8) + "-01";
    }

    /** @return the lines of {@code file} once one matches {@code wanted} (its writer is a thread of its own) */
    private static List<JsonNode> await(Path file, Predicate<JsonNode> wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<JsonNode> lines = new ArrayList<>();
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    if (!line.isBlank()) {
                        lines.add(JSON.readTree(line));
                    }
                }
            }
            if (lines.stream().anyMatch(wanted)) {
                return lines;
            }
            assertTrue(System.nanoTime() < deadline, file + " never had the line: " + lines);
            Thread.sleep(50);
        }
    }

    private static HttpResponse<String> predict(String bearer, String trace) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.uri("/models/banknote/api/predict"))
                                .header("Authorization", "Bearer " + bearer)
                                .header("Content-Type", "application/json")
                                .header("traceparent", traceparent(trace))
                                .POST(HttpRequest.BodyPublishers.ofString(JSON_NOTE))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyRecordNamesTheCallersKindAndNameAndNoCredentialNorOtherClaim() throws Exception {
        // A person whose ID token carries claims of their own, which no record may repeat.
        flow.signsIn("alice", "read:banknote predict:banknote");
        flow.tampers(claims -> claims.claim("email", EMAIL).claim("given_name", GIVEN_NAME));
        CookieBrowser browser = new CookieBrowser();
        HttpResponse<String> toIssuer = browser.navigate(server.uri("/models/banknote/"));
        HttpResponse<String> landed = browser.follow(browser.follow(toIssuer));
        assertEquals(303, landed.statusCode(), landed.body());
        HttpResponse<String> page = browser.follow(landed);
        assertEquals(200, page.statusCode(), page.body());
        String csrf = LoginFlowTest.csrf(page.body());
        String session = browser.cookie(SessionCookies.SESSION).value();

        String personTrace = OtlpReceiver.randomId(16);
        HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(server.uri("/models/banknote/"))
                .header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("traceparent", traceparent(personTrace))
                .POST(HttpRequest.BodyPublishers.ofString(LoginFlowTest.NOTE + "&_csrf=" + csrf)));
        assertEquals(200, posted.statusCode(), posted.body());
        HttpResponse<String> refused = browser.navigate(server.uri("/models/species/"));
        assertEquals(403, refused.statusCode(), refused.body());
        HttpResponse<String> noToken = browser.post(server.uri("/models/banknote/"), LoginFlowTest.NOTE);
        assertEquals(403, noToken.statusCode(), "the session's post without its CSRF token: " + noToken.body());

        String keyTrace = OtlpReceiver.randomId(16);
        assertEquals(200, predict(OPS_KEY, keyTrace).statusCode());
        String token = issuer.token("notes", "tabserve", "predict:banknote");
        String tokenTrace = OtlpReceiver.randomId(16);
        assertEquals(200, predict(token, tokenTrace).statusCode());
        HttpResponse<String> reload = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.uri("/admin/models/banknote/reload"))
                                .header("Authorization", "Bearer " + OPS_KEY)
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertTrue(reload.statusCode() < 300, "an admin act of the key's client: " + reload.body());
        String forged = token.substring(0, token.length() - 4) + "AAAA";
        assertEquals(401, predict(forged, OtlpReceiver.randomId(16)).statusCode());
        assertEquals(
                401,
                predict("not-a-key-of-the-servers", OtlpReceiver.randomId(16)).statusCode());

        // The prediction log: each line's client and its kind.
        Path lines = log.resolve("predictions.jsonl");
        await(lines, line -> "oidc:notes".equals(line.path("client").asText()));
        List<JsonNode> predicted =
                await(lines, line -> "user:alice".equals(line.path("client").asText()));
        assertEquals("person", kindOf(predicted, "user:alice", "client_kind"), "the person's form post");
        assertEquals("key", kindOf(predicted, "ops", "client_kind"));
        assertEquals("token", kindOf(predicted, "oidc:notes", "client_kind"));

        // The audit log: the person's refusal, the key's admin act, what kind of credential a refused one was.
        List<JsonNode> audited =
                await(audit, line -> "admin".equals(line.path("event").asText()));
        JsonNode personRefused = audited.stream()
                .filter(l -> "refused".equals(l.path("event").asText())
                        && "user:alice".equals(l.path("client").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the person's refusal: " + audited));
        assertEquals("person", personRefused.path("kind").asText());
        assertEquals(403, personRefused.path("status").asInt());
        assertTrue(
                audited.stream()
                        .anyMatch(l -> "refused".equals(l.path("event").asText())
                                && "user:alice".equals(l.path("client").asText())
                                && "person".equals(l.path("kind").asText())
                                && l.path("detail").asText().contains("CSRF token")),
                "the sign-in's own refusal of the person's post: " + audited);
        JsonNode admin = audited.stream()
                .filter(l -> "admin".equals(l.path("event").asText()))
                .findFirst()
                .orElseThrow();
        assertEquals("ops", admin.path("client").asText());
        assertEquals("key", admin.path("kind").asText());
        assertTrue(
                audited.stream()
                        .anyMatch(l -> "refused".equals(l.path("event").asText())
                                && "token".equals(l.path("kind").asText())
                                && l.path("client").isMissingNode()),
                "the forged token's line says a token was sent, naming no one: " + audited);
        assertTrue(
                audited.stream()
                        .anyMatch(l -> "refused".equals(l.path("event").asText())
                                && "bearer".equals(l.path("kind").asText())),
                "the unknown key's line: " + audited);
        assertTrue(
                audited.stream()
                        .anyMatch(l -> "sign_in".equals(l.path("event").asText())
                                && "person".equals(l.path("kind").asText())),
                "the sign-in's line: " + audited);

        // The traces: the request spans of the person's post, the key's and the token's predictions.
        Map<String, String> personSpan = requestSpan(personTrace);
        assertEquals("user:alice", personSpan.get("tabserve.client.name"), personSpan.toString());
        assertEquals("person", personSpan.get("tabserve.client.kind"));
        assertEquals("ops", requestSpan(keyTrace).get("tabserve.client.name"));
        assertEquals("key", requestSpan(keyTrace).get("tabserve.client.kind"));
        assertEquals("oidc:notes", requestSpan(tokenTrace).get("tabserve.client.name"));
        assertEquals("token", requestSpan(tokenTrace).get("tabserve.client.kind"));

        // Hostile: no record holds a credential, the session, its CSRF token, nor any claim but the name.
        String records = Files.readString(log.resolve("predictions.jsonl"))
                + Files.readString(audit)
                + receiver.spans().toString();
        for (String secret : List.of(
                EMAIL,
                GIVEN_NAME,
                OPS_KEY,
                sha256(OPS_KEY),
                token,
                forged,
                session,
                csrf,
                "not-a-key-of-the-servers")) {
            assertFalse(records.contains(secret), "a record holds '" + secret + "'");
        }
        assertFalse(records.contains("eyJ"), "no JWT, nor part of one, in any record");
    }

    private static String kindOf(List<JsonNode> lines, String client, String field) {
        return lines.stream()
                .filter(l -> client.equals(l.path("client").asText()))
                .map(l -> l.path(field).asText())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line of " + client + ": " + lines));
    }

    private static Map<String, String> requestSpan(String trace) throws Exception {
        List<OtlpReceiver.Received> spans =
                receiver.await(trace, got -> got.stream().anyMatch(s -> s.kind() == 2), Duration.ofSeconds(30));
        return spans.stream()
                .filter(s -> s.kind() == 2) // SPAN_KIND_SERVER
                .findFirst()
                .orElseThrow(() -> new AssertionError("no server span: " + spans))
                .attributes();
    }
}
