package org.tabserve.web.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.testing.KeyDigests.sha256;

import com.fasterxml.jackson.databind.JsonNode;
import inference.GRPCInferenceServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.Multipart;

/**
 * Issue 63, items 1 and 2: with {@code --api-keys FILE} every route but health needs a key of the file, and each key
 * gives its client's scopes, per model, the same on every route and protocol (REST, the form's post, the upload, the
 * Open Inference Protocol over REST and gRPC): against a real server over a model directory of four models.
 */
class AccessTest {

    /** Reads every model: pages, cards, the index. */
    private static final String READER_KEY = "reader-key-0123456789abcdef0123456789";
    /** May predict with the bank-note model and read it, nothing else. */
    private static final String NOTES_KEY = "notes-key-0123456789abcdef0123456789ab";
    /** May scrape the metrics, nothing else. */
    private static final String SCRAPER_KEY = "scraper-key-0123456789abcdef012345678";
    /** May predict with the bank-note model twice an hour, over REST. */
    private static final String SLOW_KEY = "slow-key-0123456789abcdef0123456789abc";
    /** May predict with the bank-note model three times a minute and once an hour, both at once. */
    private static final String JOINED_KEY = "joined-key-0123456789abcdef0123456789a";
    /** May predict with the bank-note model once an hour, over gRPC. */
    private static final String SLOW_GRPC_KEY = "slow-grpc-key-0123456789abcdef01234567";
    /** May scrape the bank-note model's figures, no other model's. */
    private static final String NOTES_SCRAPER_KEY = "notes-scraper-key-0123456789abcdef0123";
    /** May predict with the bank-note model once an hour, to be counted by client in the metrics. */
    private static final String LIMITED_KEY = "limited-key-0123456789abcdef0123456789";
    /** May predict with every model, and explain none. */
    private static final String PREDICTOR_KEY = "predictor-key-0123456789abcdef01234567";
    /** May administer the models: load, unload, install. */
    private static final String OPS_KEY = "ops-key-0123456789abcdef0123456789abcde";
    /** Added to the file while the server runs, and removed again. */
    private static final String LATE_KEY = "late-key-0123456789abcdef0123456789abc";

    private static final String NOTE =
            "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073," + " \"entropy\": -0.44699}";
    private static final String V2_NOTE = "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4], \"datatype\":"
            + " \"FP32\", \"data\": [3.6216, 8.6661, -2.8073, -0.44699]}]}";

    static ModelDirectory models;
    static Path keys;
    static Path audit;
    static TabserveServer server;
    static Http http;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        models = ModelDirectory.withFourModels();
        keys = Files.createTempDirectory("tabserve-keys").resolve("keys");
        writeKeys(List.of());
        audit = keys.resolveSibling("audit.jsonl");
        server = TabserveServer.startReady(
                "--models",
                models.root().toString(),
                "--default-model",
                "banknote",
                "--api-keys",
                keys.toString(),
                "--audit-log",
                audit.toString());
        http = new Http(server);
        for (String name : List.of("banknote", "species", "mass")) {
            awaitReady(name);
        }
        channel = GrpcWire.channelTo(server);
    }

    @AfterAll
    static void stop() throws Exception {
        GrpcWire.close(channel, server);
    }

    /** The keys file: the three clients, and {@code extra} lines, written owner-only as tabserve asks. */
    private static void writeKeys(List<String> extra) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "# name      scopes                      sha256 of the key",
                "reader      read                        " + sha256(READER_KEY),
                "notes       predict:banknote,read:banknote " + sha256(NOTES_KEY),
                "slow        predict:banknote " + sha256(SLOW_KEY) + " 2/h",
                "slow-grpc   predict:banknote " + sha256(SLOW_GRPC_KEY) + " 1/h",
                "joined      predict:banknote " + sha256(JOINED_KEY) + " 3/m+1/h",
                "scraper     metrics                     " + sha256(SCRAPER_KEY),
                "notes-scraper metrics:banknote          " + sha256(NOTES_SCRAPER_KEY),
                "limited     predict:banknote " + sha256(LIMITED_KEY) + " 1/h",
                "ops         admin                       " + sha256(OPS_KEY),
                "predictor   predict                     " + sha256(PREDICTOR_KEY)));
        lines.addAll(extra);
        Path written = keys.resolveSibling("keys.new");
        Files.write(written, lines);
        Files.setPosixFilePermissions(written, PosixFilePermissions.fromString("rw-------"));
        Files.move(
                written,
                keys,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String bearer(String key) {
        return "Bearer " + key;
    }

    private static void awaitReady(String name) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (http.get("/v2/models/" + name + "/ready", "Authorization", bearer(READER_KEY))
                        .status()
                != 200) {
            assertTrue(System.nanoTime() < deadline, name + " never became ready");
            Thread.sleep(100);
        }
    }

    /**
     * Issue 78, item 2: the served OpenAPI document of a server with keys declares the bearer scheme and asks it of
     * every route but the probes' (health, the v2 health, MLflow's ping, which the route table leaves open), so that
     * Swagger UI's "Authorize" sends the key with "Try it out".
     */
    @Test
    void theServedOpenApiDocumentAsksTheBearerKeyOfEveryRouteButTheProbes() {
        Http.Response response = http.get("/openapi.json", "Authorization", bearer(READER_KEY));
        assertEquals(200, response.status(), response.text());
        com.fasterxml.jackson.databind.JsonNode document = response.json();
        assertEquals(
                "bearer",
                document.at("/components/securitySchemes/bearer/scheme").asText(),
                response.text());
        assertEquals("[{\"bearer\":[]}]", document.path("security").toString());
        for (String probe : List.of("/health/ready", "/v2/health/live", "/ping")) {
            assertEquals(
                    "[]",
                    document.at("/paths/" + probe.replace("/", "~1") + "/get/security")
                            .toString(),
                    probe + " answers everyone: " + document.at("/paths/" + probe.replace("/", "~1")));
        }
        assertTrue(document.at("/paths/~1api~1predict/post/security").isMissingNode(), "the document's own applies");
    }

    @Test
    void aRequestWithoutACredentialIs401WithTheBearerChallenge() {
        Http.Response answer = http.postJson("/api/predict", NOTE);
        JsonNode problem = answer.problem(401);
        assertEquals(
                "Bearer realm=\"tabserve\"", answer.header("WWW-Authenticate").orElseThrow());
        assertTrue(
                problem.get("detail")
                        .asText()
                        .endsWith("send Authorization: Bearer KEY, KEY a key of the server's API" + " keys file"),
                "only the credential this server takes (no OIDC issuer here): " + problem);
        assertEquals(401, http.get("/api/models").status());
        assertEquals(401, http.get("/metrics").status());
        assertEquals(401, http.get("/models/banknote/card").status());
    }

    @Test
    void everyRouteButHealthNeedsACredential() {
        for (String path : List.of(
                "/",
                "/card",
                "/api/model",
                "/openapi.json",
                "/openapi.yaml",
                org.tabserve.web.pages.ApiDocsHandler.PATH,
                org.tabserve.web.pages.PythonClientHandler.PATH,
                "/models",
                "/models/banknote/",
                "/models/banknote/card",
                "/models/banknote/api/rollout",
                "/metrics",
                "/version",
                "/v2",
                "/v2/models/banknote",
                "/v2/models/banknote/ready",
                "/v2/models/stats",
                "/predict?variance=1&skewness=1&curtosis=1&entropy=1")) {
            assertEquals(401, http.get(path).status(), path);
        }
        assertEquals(401, http.postJson("/invocations", "{}").status());
        assertEquals(401, http.postJson("/api/feedback", "{}").status());
        assertEquals(401, http.postJson("/v2/repository/index", "{}").status());
        assertEquals(
                401,
                http.post("/admin/model", "application/octet-stream", new byte[] {1})
                        .status());
        assertEquals(200, http.get("/ping").status(), "MLflow's health check");
    }

    @Test
    void optionsAndMethodsNoRouteTakesTellNothingOfWhichModelsAreServed() {
        for (String method : List.of("OPTIONS", "DELETE", "PATCH")) {
            Http.Response served = http.send(method, "/models/banknote/api/predict", BodyPublishers.noBody());
            Http.Response unknown = http.send(method, "/models/no-such-model/api/predict", BodyPublishers.noBody());
            assertEquals(served.status(), unknown.status(), method + ": the same status for a model served or not");
            assertEquals(served.header("Allow"), unknown.header("Allow"), method);
            assertEquals(method.equals("OPTIONS") ? 204 : 405, unknown.status(), method + " " + unknown.text());
        }
    }

    @Test
    void healthStaysOpen() {
        assertEquals(200, http.get("/health/live").status());
        assertEquals(200, http.get("/health/ready").status());
        assertEquals(200, http.get("/v2/health/live").status());
    }

    @Test
    void aKeyThatDiffersInItsLastByteIs401AndNeverRepeated() {
        String wrong = NOTES_KEY.substring(0, NOTES_KEY.length() - 1) + "c";
        assertFalse(wrong.equals(NOTES_KEY));
        Http.Response answer = http.post(
                "/api/predict",
                "application/json",
                NOTE.getBytes(StandardCharsets.UTF_8),
                "Authorization",
                bearer(wrong));
        answer.problem(401);
        assertEquals(
                "Bearer realm=\"tabserve\"", answer.header("WWW-Authenticate").orElseThrow());
        assertFalse(answer.text().contains(wrong), answer.text());
        assertFalse(answer.text().contains(sha256(wrong)), answer.text());
    }

    @Test
    void aKeyWithoutTheScopeIs403NamingItOnEveryRouteAndProtocol() {
        String scraper = bearer(SCRAPER_KEY);
        assertForbidden(
                http.post(
                        "/api/predict",
                        "application/json",
                        NOTE.getBytes(StandardCharsets.UTF_8),
                        "Authorization",
                        scraper),
                "predict:banknote");
        assertForbidden(
                http.postForm(
                        "/models/banknote/", "variance=1&skewness=1&curtosis=1&entropy=1", "Authorization", scraper),
                "predict:banknote");
        Multipart upload = Multipart.csv("variance,skewness,curtosis,entropy\n1,2,3,4\n");
        assertForbidden(
                http.upload("/models/banknote/predict_file", upload, "Authorization", scraper), "predict:banknote");
        Http.Response v2 = http.post(
                "/v2/models/banknote/infer",
                "application/json",
                V2_NOTE.getBytes(StandardCharsets.UTF_8),
                "Authorization",
                scraper);
        assertEquals(403, v2.status(), v2.text());
        assertTrue(v2.parse().get("error").asText().contains("predict:banknote"), v2.text()); // the protocol's shape
        StatusRuntimeException grpc = assertThrows(StatusRuntimeException.class, () -> infer(SCRAPER_KEY, "banknote"));
        assertEquals(Status.Code.PERMISSION_DENIED, grpc.getStatus().getCode());
        assertTrue(
                grpc.getStatus().getDescription().contains("predict:banknote"),
                grpc.getStatus().toString());
        // and the scraper's own scope works
        assertEquals(200, http.get("/metrics", "Authorization", scraper).status());
    }

    private static void assertForbidden(Http.Response answer, String scope) {
        JsonNode problem = answer.problem(403);
        assertTrue(problem.get("detail").asText().contains(scope), problem.toString());
    }

    /**
     * Issue 76: {@code ?explain=true} without the explain scope is the same 403 for a model served or not; it was 404
     * for a model not served (the model was looked up before the scope was asked), telling the caller which exist.
     */
    @Test
    void explainingWithoutTheScopeIs403WhetherOrNotTheModelIsServed() {
        String predictor = bearer(PREDICTOR_KEY);
        byte[] note = NOTE.getBytes(StandardCharsets.UTF_8);
        for (String name : List.of("banknote", "no-such-model")) {
            for (String path : List.of("/api/predict", "/invocations", "/predict_file")) {
                Http.Response answer = path.equals("/predict_file")
                        ? http.upload(
                                "/models/" + name + path + "?explain=true",
                                Multipart.csv("variance,skewness,curtosis,entropy\n1,2,3,4\n"),
                                "Authorization",
                                predictor)
                        : http.post(
                                "/models/" + name + path + "?explain=true",
                                "application/json",
                                note,
                                "Authorization",
                                predictor);
                assertForbidden(answer, "explain:" + name);
            }
        }
        // over gRPC, ModelInfer's explain parameter alike: PERMISSION_DENIED for a model served or not
        for (String name : List.of("banknote", "no-such-model")) {
            inference.ModelInferRequest explained = GrpcWire.notes(name, 1).toBuilder()
                    .putParameters(
                            "explain",
                            inference.InferParameter.newBuilder()
                                    .setBoolParam(true)
                                    .build())
                    .build();
            StatusRuntimeException grpc = assertThrows(
                    StatusRuntimeException.class, () -> stub(PREDICTOR_KEY).modelInfer(explained));
            assertEquals(Status.Code.PERMISSION_DENIED, grpc.getStatus().getCode(), name + ": " + grpc.getStatus());
            assertTrue(
                    grpc.getStatus().getDescription().contains("explain:" + name),
                    grpc.getStatus().toString());
        }
        // and without explain, the same key predicts, and a model not served is 404
        assertEquals(
                200,
                http.post("/models/banknote/api/predict", "application/json", note, "Authorization", predictor)
                        .status());
        assertEquals(
                404,
                http.post("/models/no-such-model/api/predict", "application/json", note, "Authorization", predictor)
                        .status());
    }

    @Test
    void grpcWithoutAKeyIsUnauthenticated() {
        StatusRuntimeException grpc = assertThrows(StatusRuntimeException.class, () -> infer(null, "banknote"));
        assertEquals(Status.Code.UNAUTHENTICATED, grpc.getStatus().getCode());
        StatusRuntimeException wrong =
                assertThrows(StatusRuntimeException.class, () -> infer(NOTES_KEY + "x", "banknote"));
        assertEquals(Status.Code.UNAUTHENTICATED, wrong.getStatus().getCode());
    }

    @Test
    void aKeyForOneModelPredictsWithItAndNoOtherAndListsOnlyIt() {
        String notes = bearer(NOTES_KEY);
        Http.Response predicted = http.post(
                "/models/banknote/api/predict",
                "application/json",
                NOTE.getBytes(StandardCharsets.UTF_8),
                "Authorization",
                notes);
        assertEquals(200, predicted.status(), predicted.text());
        assertEquals(
                200,
                http.post(
                                "/api/predict",
                                "application/json",
                                NOTE.getBytes(StandardCharsets.UTF_8),
                                "Authorization",
                                notes)
                        .status(),
                "the root routes are the default model's, banknote");
        assertTrue(infer(NOTES_KEY, "banknote").getOutputsCount() > 0, "and over gRPC");
        assertForbidden(
                http.post(
                        "/models/mass/api/predict",
                        "application/json",
                        "{}".getBytes(StandardCharsets.UTF_8),
                        "Authorization",
                        notes),
                "predict:mass");
        StatusRuntimeException grpc = assertThrows(StatusRuntimeException.class, () -> infer(NOTES_KEY, "species"));
        assertEquals(Status.Code.PERMISSION_DENIED, grpc.getStatus().getCode());
        // explanations are a scope of their own
        assertForbidden(
                http.post(
                        "/api/predict?explain=true",
                        "application/json",
                        NOTE.getBytes(StandardCharsets.UTF_8),
                        "Authorization",
                        notes),
                "explain:banknote");

        List<String> listed = new ArrayList<>();
        http.get("/api/models", "Authorization", notes)
                .json()
                .get("models")
                .forEach(m -> listed.add(m.get("name").asText()));
        assertFalse(listed.isEmpty());
        assertEquals(List.of("banknote"), listed.stream().distinct().toList());
        List<String> all = new ArrayList<>();
        http.get("/api/models", "Authorization", bearer(READER_KEY))
                .json()
                .get("models")
                .forEach(m -> all.add(m.get("name").asText()));
        assertTrue(all.containsAll(List.of("banknote", "species", "mass")), all.toString());
        List<String> indexed = new ArrayList<>();
        http.post(
                        "/v2/repository/index",
                        "application/json",
                        "{}".getBytes(StandardCharsets.UTF_8),
                        "Authorization",
                        notes)
                .json()
                .forEach(m -> indexed.add(m.get("name").asText()));
        assertEquals(List.of("banknote"), indexed.stream().distinct().toList(), "the repository's index too");
        List<String> overGrpc = new ArrayList<>();
        stub(NOTES_KEY)
                .repositoryIndex(inference.RepositoryIndexRequest.getDefaultInstance())
                .getModelsList()
                .forEach(m -> overGrpc.add(m.getName()));
        assertEquals(List.of("banknote"), overGrpc.stream().distinct().toList(), "and over gRPC");
        String page = http.get("/models", "Authorization", notes).text();
        assertTrue(page.contains("/models/banknote/"), "the page lists the model it may read");
        assertFalse(page.contains("/models/species/"), "and no other");
    }

    @Test
    void aKeyToScrapeOneModelSeesItsFiguresAndNoOtherModelsOrClients() {
        byte[] note = NOTE.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 2; i++) { // the second past its rate: a series of the client 'limited'
            http.post("/api/predict", "application/json", note, "Authorization", bearer(LIMITED_KEY));
        }
        String every =
                http.get("/metrics", "Authorization", bearer(SCRAPER_KEY)).text();
        for (String series : List.of(
                "tabserve_model_info{model=\"banknote\"",
                "tabserve_model_info{model=\"species\"",
                "tabserve_client_rate_limited_total{client=\"limited\"}",
                "jvm_memory_used_bytes")) {
            assertTrue(every.contains(series), "a scraper of every model sees " + series);
        }
        String one = bearer(NOTES_SCRAPER_KEY);
        Http.Response scraped = http.get("/metrics", "Authorization", one);
        assertEquals(200, scraped.status(), scraped.text());
        String seen = scraped.text();
        assertTrue(seen.contains("tabserve_model_info{model=\"banknote\""), seen);
        assertTrue(seen.contains("jvm_memory_used_bytes"), "the server's own series stay: " + seen);
        for (String other : List.of("model=\"species\"", "model=\"mass\"", "client=\"limited\"")) {
            assertFalse(seen.contains(other), "no " + other + " for a scraper of banknote alone");
        }
        assertFalse(seen.contains("tabserve_client_rate_limited"), "not even as a family with nothing in it");
        // The scrape's own name filter and formats still work on what it may see.
        String filtered = http.get("/metrics?name[]=tabserve_model_info", "Authorization", one)
                .text();
        assertTrue(filtered.contains("tabserve_model_info{model=\"banknote\""), filtered);
        assertFalse(filtered.contains("species") || filtered.contains("jvm_"), filtered);
        Http.Response open =
                http.get("/metrics", "Authorization", one, "Accept", "application/openmetrics-text; version=1.0.0");
        assertTrue(open.text().endsWith("# EOF\n") && !open.text().contains("species"), open.text());
        // The statistics of every model: its model's alone, over REST and gRPC.
        List<String> stats = new ArrayList<>();
        http.get("/v2/models/stats", "Authorization", one)
                .json()
                .get("model_stats")
                .forEach(m -> stats.add(m.get("name").asText()));
        assertEquals(List.of("banknote"), stats.stream().distinct().toList());
        List<String> overGrpc = new ArrayList<>();
        stub(NOTES_SCRAPER_KEY)
                .modelStatistics(inference.ModelStatisticsRequest.getDefaultInstance())
                .getModelStatsList()
                .forEach(m -> overGrpc.add(m.getName()));
        assertEquals(List.of("banknote"), overGrpc.stream().distinct().toList(), "and over gRPC");
        List<String> all = new ArrayList<>();
        http.get("/v2/models/stats", "Authorization", bearer(SCRAPER_KEY))
                .json()
                .get("model_stats")
                .forEach(m -> all.add(m.get("name").asText()));
        assertTrue(all.containsAll(List.of("banknote", "species", "mass")), all.toString());
    }

    @Test
    void aClientPastItsRateIs429WithItsPolicyAndNoOtherClientWaits() {
        String slow = bearer(SLOW_KEY);
        byte[] note = NOTE.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 2; i++) {
            Http.Response answered = http.post("/api/predict", "application/json", note, "Authorization", slow);
            assertEquals(200, answered.status(), "request " + (i + 1) + " of the two an hour: " + answered.text());
        }
        Http.Response refused = http.post("/api/predict", "application/json", note, "Authorization", slow);
        JsonNode problem = refused.problem(429);
        assertTrue(problem.get("detail").asText().contains("2/h"), problem.toString());
        long retry = Long.parseLong(refused.header("Retry-After").orElseThrow());
        assertTrue(retry > 1700 && retry <= 1800, "half an hour for the next of two an hour: " + retry);
        assertEquals("\"client\";q=2;w=3600", refused.header("RateLimit-Policy").orElseThrow());
        assertEquals("\"client\";r=0;t=" + retry, refused.header("RateLimit").orElseThrow());
        // Another client is not slowed by this one's limit.
        assertEquals(
                200,
                http.post("/api/predict", "application/json", note, "Authorization", bearer(NOTES_KEY))
                        .status());
        // gRPC: the same bucket, RESOURCE_EXHAUSTED past it.
        assertTrue(infer(SLOW_GRPC_KEY, "banknote").getOutputsCount() > 0);
        StatusRuntimeException grpc =
                assertThrows(StatusRuntimeException.class, () -> infer(SLOW_GRPC_KEY, "banknote"));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, grpc.getStatus().getCode());
        assertTrue(
                grpc.getStatus().getDescription().contains("1/h"),
                grpc.getStatus().toString());
        // Counted by client: the file's names alone.
        String metrics =
                http.get("/metrics", "Authorization", bearer(SCRAPER_KEY)).text();
        assertTrue(metrics.contains("tabserve_client_rate_limited_total{client=\"slow\"} 1.0"), metrics);
        assertTrue(metrics.contains("tabserve_client_rate_limited_total{client=\"slow-grpc\"} 1.0"), metrics);
    }

    @Test
    void aClientOfSeveralRatesIs429NamingEveryPolicyAndTheOneThatRefused() {
        String joined = bearer(JOINED_KEY);
        byte[] note = NOTE.getBytes(StandardCharsets.UTF_8);
        Http.Response answered = http.post("/api/predict", "application/json", note, "Authorization", joined);
        assertEquals(200, answered.status(), answered.text());
        Http.Response refused = http.post("/api/predict", "application/json", note, "Authorization", joined);
        JsonNode problem = refused.problem(429);
        assertTrue(problem.get("detail").asText().contains("its rate of 1/h (of 3/m+1/h)"), problem.toString());
        long retry = Long.parseLong(refused.header("Retry-After").orElseThrow());
        assertTrue(retry > 3500 && retry <= 3600, "the hour's wait, though the minute has tokens: " + retry);
        assertEquals(
                "\"client-minute\";q=3;w=60, \"client-hour\";q=1;w=3600",
                refused.header("RateLimit-Policy").orElseThrow());
        assertEquals(
                "\"client-hour\";r=0;t=" + retry, refused.header("RateLimit").orElseThrow());
        String metrics =
                http.get("/metrics", "Authorization", bearer(SCRAPER_KEY)).text();
        assertTrue(metrics.contains("tabserve_client_rate_limited_total{client=\"joined\"} 1.0"), metrics);
    }

    @Test
    void theKeysFileIsReadAgainWhenItChangesWithoutARestart() throws Exception {
        String late = bearer(LATE_KEY);
        assertEquals(401, http.get("/api/models", "Authorization", late).status());
        writeKeys(List.of("late read " + sha256(LATE_KEY)));
        awaitStatus(late, 200);
        writeKeys(List.of());
        awaitStatus(late, 401);
    }

    private static void awaitStatus(String authorization, int status) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        int last;
        while ((last = http.get("/api/models", "Authorization", authorization).status()) != status) {
            assertTrue(System.nanoTime() < deadline, "still " + last + ", not " + status + ", 30 s after the change");
            Thread.sleep(200);
        }
    }

    @Test
    void anAuthorizationHeaderOf64KiBIsRefusedCleanly() {
        String huge = "Bearer " + "k".repeat(64 << 10);
        Http.Response answer = http.get("/api/models", "Authorization", huge);
        assertTrue(answer.status() >= 400 && answer.status() < 500, answer.status() + " " + answer.text());
    }

    @Test
    void aGrpcAuthorizationPastTheHeaderLimitIsRefusedOnItsCallAlone() {
        // 16 KiB: past the server's 8 KiB of headers, below the 32 KiB the client itself sends at most.
        String huge = "k".repeat(16 << 10);
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> infer(huge, "banknote"));
        assertFalse(String.valueOf(refused.getStatus().getDescription()).contains(huge.substring(0, 64)));
        assertTrue(infer(NOTES_KEY, "banknote").getOutputsCount() > 0, "the next call is answered");
    }

    @Test
    void theAuditLogHasAdminActionsRefusedCredentialsAndReadsOfTheKeysButNoCredential() throws Exception {
        byte[] none = new byte[0];
        assertEquals(
                200,
                http.post("/v2/repository/models/mass/load", "application/json", none, "Authorization", bearer(OPS_KEY))
                        .status());
        assertEquals(
                403,
                http.post(
                                "/v2/repository/models/mass/load",
                                "application/json",
                                none,
                                "Authorization",
                                bearer(NOTES_KEY))
                        .status());
        assertEquals(
                401,
                http.get("/api/models", "Authorization", bearer(OPS_KEY + "x")).status());
        writeKeys(List.of("late read " + sha256(LATE_KEY)));
        awaitStatus(bearer(LATE_KEY), 200);
        writeKeys(List.of());
        awaitStatus(bearer(LATE_KEY), 401);
        String log = Files.readString(audit);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : log.split("\n")) {
            lines.add(Http.JSON.readTree(line));
        }
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.path("event").asText().equals("admin")
                                && l.path("client").asText().equals("ops")
                                && l.path("call").asText().equals("POST /v2/repository/models/mass/load")),
                log);
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.path("event").asText().equals("refused")
                                && l.path("status").asInt() == 403
                                && l.path("client").asText().equals("notes")),
                log);
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.path("event").asText().equals("refused")
                                && l.path("status").asInt() == 401),
                log);
        assertTrue(
                lines.stream()
                                .filter(l -> l.path("event").asText().equals("keys_read"))
                                .count()
                        >= 3,
                log);
        for (String key : List.of(READER_KEY, NOTES_KEY, SCRAPER_KEY, LATE_KEY, OPS_KEY)) {
            assertFalse(log.contains(key), "no key in the audit log");
            assertFalse(log.contains(sha256(key)), "no digest in the audit log");
        }
        assertEquals(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(audit),
                "owner-only");
    }

    @Test
    void noKeyNorDigestIsEverLogged() {
        // Refusals of every kind first (each logged at most once a minute), then the whole log is read.
        http.get("/api/models");
        http.get("/api/models", "Authorization", bearer(NOTES_KEY + "0"));
        http.get("/metrics", "Authorization", bearer(NOTES_KEY));
        for (String line : server.output()) {
            for (String key : List.of(READER_KEY, NOTES_KEY, SCRAPER_KEY, LATE_KEY)) {
                assertFalse(line.contains(key), line);
                assertFalse(line.contains(sha256(key)), line);
                assertFalse(line.contains(sha256(key).substring(0, 16)), line);
            }
        }
    }

    /** A stub whose calls carry {@code authorization: Bearer key} (none for a null key). */
    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub(String key) {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub =
                GRPCInferenceServiceGrpc.newBlockingStub(channel);
        if (key != null) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), bearer(key));
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        return stub;
    }

    private static inference.ModelInferResponse infer(String key, String model) {
        return stub(key).modelInfer(GrpcWire.notes(model, 1));
    }
}
