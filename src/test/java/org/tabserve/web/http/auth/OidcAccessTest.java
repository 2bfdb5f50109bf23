package org.tabserve.web.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import inference.GRPCInferenceServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.Http;
import org.tabserve.testing.JoseIssuer;
import org.tabserve.testing.KeyDigests;
import org.tabserve.testing.ModelDirectory;

/**
 * Issue 63, OIDC tokens through the one check of every route: with {@code --oidc-issuer} and {@code --oidc-audience}
 * (and an API keys file beside them, both taken) a token of a real issuer of the test's own gives its client its
 * scopes per model over REST and gRPC alike; a forged token is 401 in words, and the audit log says so without it; a
 * client named in {@code --client-rates} is held to its rate by the same buckets as a keys file's clients (issue 63,
 * item 4).
 */
class OidcAccessTest {

    private static final String AUDIENCE = "tabserve";
    private static final String READER_KEY = "reader-key-0123456789abcdef0123456789";
    private static final String SHOP_KEY = "shop-key-0123456789abcdef0123456789abc";
    private static final String NOTE =
            "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}";

    static JoseIssuer issuer;
    static ModelDirectory models;
    static Path audit;
    static TabserveServer server;
    static Http http;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        issuer = JoseIssuer.start();
        models = ModelDirectory.withFourModels();
        Path keys = Files.createTempDirectory("tabserve-oidc").resolve("keys");
        Files.write(
                keys,
                List.of(
                        "reader read " + KeyDigests.sha256(READER_KEY),
                        "shop predict,label " + KeyDigests.sha256(SHOP_KEY)));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        audit = keys.resolveSibling("audit.jsonl");
        server = TabserveServer.startReady(
                "--models",
                models.root().toString(),
                "--default-model",
                "banknote",
                "--api-keys",
                keys.toString(),
                "--oidc-issuer",
                issuer.issuer(),
                "--oidc-audience",
                AUDIENCE,
                "--audit-log",
                audit.toString(),
                "--client-rates",
                "oidc:slow-oidc=2/h, oidc:slow-grpc-oidc=1/h");
        http = new Http(server);
        for (String name : List.of("banknote", "species")) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (http.get("/v2/models/" + name + "/ready", "Authorization", "Bearer " + READER_KEY)
                            .status()
                    != 200) {
                assertTrue(System.nanoTime() < deadline, name + " never became ready");
                Thread.sleep(100);
            }
        }
        channel = GrpcWire.channelTo(server);
    }

    @AfterAll
    static void stop() throws Exception {
        GrpcWire.close(channel, server);
        issuer.close();
    }

    private static Http.Response predict(String model, String token) {
        return http.post(
                "/models/" + model + "/api/predict",
                "application/json",
                NOTE.getBytes(StandardCharsets.UTF_8),
                "Authorization",
                "Bearer " + token);
    }

    @Test
    void aTokenWithPredictOnOneModelPredictsItAndNoOtherOverRest() {
        String token = issuer.token("notes", AUDIENCE, "predict:banknote");
        Http.Response answer = predict("banknote", token);
        assertEquals(200, answer.status(), answer.text());
        JsonNode problem = predict("species", token).problem(403);
        assertTrue(problem.get("detail").asText().contains("predict:species"), problem.toString());
        assertTrue(problem.get("detail").asText().contains("'oidc:notes'"), problem.toString());
    }

    @Test
    void aTokenWithPredictOnOneModelPredictsItAndNoOtherOverGrpc() {
        String token = issuer.token("notes", AUDIENCE, "predict:banknote");
        assertEquals(1, infer(token, "banknote").getOutputsCount() > 0 ? 1 : 0);
        StatusRuntimeException denied = assertThrows(StatusRuntimeException.class, () -> infer(token, "species"));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());
        assertTrue(
                denied.getStatus().getDescription().contains("predict:species"),
                denied.getStatus().toString());
        String forged = issuer.token("notes", "another-service", "predict");
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> infer(forged, "banknote"));
        assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
        assertTrue(
                refused.getStatus().getDescription().contains("aud"),
                refused.getStatus().toString());
    }

    @Test
    void anOidcClientNamedInClientRatesIs429PastItsRateAndNoOtherClientWaits() {
        String slow = issuer.token("slow-oidc", AUDIENCE, "predict:banknote");
        for (int i = 0; i < 2; i++) {
            Http.Response answered = predict("banknote", slow);
            assertEquals(200, answered.status(), "request " + (i + 1) + " of the two an hour: " + answered.text());
        }
        Http.Response refused = predict("banknote", slow);
        JsonNode problem = refused.problem(429);
        assertTrue(problem.get("detail").asText().contains("'oidc:slow-oidc'"), problem.toString());
        assertTrue(problem.get("detail").asText().contains("2/h"), problem.toString());
        long retry = Long.parseLong(refused.header("Retry-After").orElseThrow());
        assertTrue(retry > 1700 && retry <= 1800, "half an hour for the next of two an hour: " + retry);
        assertEquals("\"client\";q=2;w=3600", refused.header("RateLimit-Policy").orElseThrow());
        assertEquals("\"client\";r=0;t=" + retry, refused.header("RateLimit").orElseThrow());
        // Another token of the same client is the same client: its bucket is empty too.
        assertEquals(
                429,
                predict("banknote", issuer.token("slow-oidc", AUDIENCE, "predict"))
                        .status());
        // Another client is not slowed by this one's limit, nor limited at all when the setting does not name it.
        String notes = issuer.token("notes", AUDIENCE, "predict:banknote");
        for (int i = 0; i < 5; i++) {
            assertEquals(200, predict("banknote", notes).status());
        }
        // gRPC: the same buckets, RESOURCE_EXHAUSTED past one.
        String slowGrpc = issuer.token("slow-grpc-oidc", AUDIENCE, "predict:banknote");
        assertTrue(infer(slowGrpc, "banknote").getOutputsCount() > 0);
        StatusRuntimeException grpc = assertThrows(StatusRuntimeException.class, () -> infer(slowGrpc, "banknote"));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, grpc.getStatus().getCode());
        // Counted by client: the setting's names alone.
        String metrics = http.get("/metrics", "Authorization", "Bearer " + issuer.token("scraper", AUDIENCE, "metrics"))
                .text();
        assertTrue(metrics.contains("tabserve_client_rate_limited_total{client=\"oidc:slow-oidc\"} 2.0"), metrics);
        assertTrue(metrics.contains("tabserve_client_rate_limited_total{client=\"oidc:slow-grpc-oidc\"} 1.0"), metrics);
        assertFalse(metrics.contains("client=\"oidc:notes\""), metrics);
    }

    /** Predicts as {@code credential} under the request id {@code id}; returns the answer's label. */
    private static String predictAs(String credential, String id) {
        Http.Response answer = http.post(
                "/models/banknote/api/predict",
                "application/json",
                NOTE.getBytes(StandardCharsets.UTF_8),
                "Authorization",
                "Bearer " + credential,
                "X-Request-Id",
                id);
        assertEquals(200, answer.status(), answer.text());
        return answer.json().path("label").asText();
    }

    private static JsonNode labelAs(String credential, String id, String label) {
        Http.Response fed = http.post(
                "/models/banknote/api/feedback",
                "application/json",
                ("{\"request_id\": \"" + id + "\", \"label\": \"" + label + "\"}").getBytes(StandardCharsets.UTF_8),
                "Authorization",
                "Bearer " + credential);
        assertEquals(200, fed.status(), fed.text());
        return fed.json();
    }

    @Test
    void anOidcClientNamedAsAKeysFilesClientIsAnotherClient() {
        // Issue 76, item 9: an azp spelled as a keys file's client's name labels none of that client's answers, nor
        // the reverse; the token's client is oidc:shop, which no line of a keys file can be.
        String token = issuer.token("shop", AUDIENCE, "predict:banknote label");
        String keyed = predictAs(SHOP_KEY, "shared-id-1");
        JsonNode byToken = labelAs(token, "shared-id-1", keyed);
        assertEquals(
                0, byToken.path("joined").asInt(), "the token's shop labelled the key's shop's answer: " + byToken);
        String tokens = predictAs(token, "shared-id-2");
        JsonNode byKey = labelAs(SHOP_KEY, "shared-id-2", tokens);
        assertEquals(0, byKey.path("joined").asInt(), "the key's shop labelled the token's shop's answer: " + byKey);
        assertEquals(1, labelAs(token, "shared-id-2", tokens).path("joined").asInt(), "each labels its own");
        assertEquals(1, labelAs(SHOP_KEY, "shared-id-1", keyed).path("joined").asInt(), "each labels its own");
    }

    @Test
    void anApiKeyStillWorksBesideTokens() {
        assertEquals(
                200,
                http.get("/api/models", "Authorization", "Bearer " + READER_KEY).status());
        assertEquals(401, http.get("/api/models").status());
    }

    @Test
    void aRefusedTokenIs401InWordsAndTheAuditLogNeverHoldsIt() throws Exception {
        String expired = issuer.token(
                JWSAlgorithm.RS256,
                c -> c.audience(AUDIENCE)
                        .claim("azp", "notes")
                        .claim("scope", "predict")
                        .expirationTime(new java.util.Date(System.currentTimeMillis() - 600_000)));
        JsonNode none = http.postJson("/models/banknote/api/predict", "{}").problem(401);
        assertTrue(
                none.get("detail")
                        .asText()
                        .endsWith("a key of the server's API keys file or a token of its OIDC issuer"),
                "both credentials this server takes: " + none);
        Http.Response answer = predict("banknote", expired);
        JsonNode problem = answer.problem(401);
        assertEquals(
                "Bearer realm=\"tabserve\"", answer.header("WWW-Authenticate").orElseThrow());
        assertTrue(problem.get("detail").asText().contains("expired"), problem.toString());
        assertFalse(answer.text().contains(expired));
        String log = Files.readString(audit);
        assertTrue(log.contains("\"event\":\"jwks_read\""), log);
        assertTrue(log.contains("the token has expired"), log);
        assertFalse(log.contains(expired.substring(0, 40)), "the audit log holds no token");
    }

    @Test
    void aTokenOf64KbIsRefusedCleanly() {
        String big = issuer.token(
                JWSAlgorithm.RS256,
                c -> c.audience(AUDIENCE).claim("azp", "notes").claim("pad", "x".repeat(64 * 1024)));
        int status = predict("banknote", big).status();
        assertTrue(status == 431 || status == 401, "a 64 KB token: " + status);
    }

    private static inference.ModelInferResponse infer(String token, String model) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return GRPCInferenceServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .modelInfer(GrpcWire.notes(model, 1));
    }
}
