package org.tabserve.repository.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.repository.s3.StoreServers.await;
import static org.tabserve.repository.s3.StoreServers.cache;
import static org.tabserve.repository.s3.StoreServers.metric;
import static org.tabserve.repository.s3.StoreServers.sha256;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.S3ProxyProcess;
import org.tabserve.testing.TabserveProcess;

/**
 * One model object from a real S3 server (issue 64): the packaged WAR with {@code --model s3://BUCKET/KEY.onnx}
 * against the test JVM's s3proxy ({@link S3ProxyProcess#shared()}, in buckets of this class's names: filesystem
 * backend, AWS v4 signatures required). The object serves as the same file does with {@code --model FILE} (the root
 * routes' answers, the home page), its digest checked and shown; an unchanged object is polled without being
 * downloaded again; a replaced one answers after a poll; a wrong {@code .sha256} leaves the last good version serving,
 * saying why; a forced reload downloads it again; and with the store down at start the cached copy of a previous run
 * serves. A key that climbs out of its folder is refused in words. The store test runs last, as it stops the server
 * (which the next class to share it starts again).
 *
 * <p>It stands for docs/operations.md's commands for one object, which need an AWS account and its CLI: the test
 * uploads with the SDK as {@code aws s3 cp banknote.onnx s3://models/prod/banknote.onnx} and
 * {@code sha256sum banknote.onnx | aws s3 cp - s3://models/prod/banknote.onnx.sha256} do, and starts
 * {@code java -jar target/tabserve.war --model s3://models/prod/banknote.onnx --poll-seconds 30} with an endpoint
 * of its own and a poll of a second.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3ModelIT {

    private static final String TOKEN = "s3-admin-token-0123456789abcdef";
    /** A second bank-note model, of the same inputs, whose answers differ from the first's. */
    private static final Path OTHER =
            Path.of("src/test/resources/org/tabserve/fixtures/conformal/banknote-class-weak.onnx");
    /** A third model, which never serves. */
    private static final Path THIRD =
            Path.of("src/test/resources/org/tabserve/fixtures/floor/banknote-hgb-100x31.onnx");

    private static S3ProxyProcess store;
    private static byte[] model;

    @BeforeAll
    static void startTheStore() throws Exception {
        store = S3ProxyProcess.shared();
        model = Files.readAllBytes(BankNotes.MODEL);
    }

    @Test
    @Order(1)
    void theObjectServesAsTheSameLocalFileDoesAndAForcedReloadDownloadsItAgain() throws Exception {
        JsonNode local;
        String localHome;
        try (TabserveProcess server = TabserveProcess.start(
                List.of(
                        "--port",
                        "0",
                        "--model",
                        BankNotes.MODEL.toAbsolutePath().toString()),
                Map.of())) {
            server.awaitReady(Duration.ofSeconds(90));
            Http http = new Http(server);
            local = predict(http).json();
            localHome = http.get("/").html().title();
        }
        store.bucket("one");
        byte[] digest = (sha256(model) + "  banknote.onnx\n").getBytes();
        store.put("one", "prod/banknote.onnx", model);
        store.put("one", "prod/banknote.onnx.sha256", digest);
        try (TabserveProcess server = StoreServers.start(
                store, "--model", "s3://one/prod/banknote.onnx", cache(), Map.of("TABSERVE_ADMIN_TOKEN", TOKEN))) {
            Http http = new Http(server);
            Http.Response answer = predict(http);
            assertEquals(200, answer.status(), answer.text());
            assertEquals(local, answer.json(), "the root route answers as with --model FILE");
            assertEquals(sha256(model), answer.json().path("model_sha256").asText());
            String home = http.get("/").html().title();
            assertNotEquals("Models · tabserve", home, "the home page is the model's form, as --model FILE's");
            assertEquals(localHome.equals("Models · tabserve"), home.equals("Models · tabserve"));
            JsonNode index = http.get("/api/models").json();
            assertEquals(
                    sha256(model),
                    ModelDirectory.entry(ModelDirectory.index(http), "banknote", "1")
                            .path("sha256")
                            .asText(),
                    "the digest is shown");
            assertEquals(
                    "s3://one/prod/banknote.onnx",
                    index.path("store").path("location").asText());

            double before = metric(http, "tabserve_model_store_downloaded_bytes_total");
            Http.Response reloaded = http.send(
                    "POST",
                    "/admin/models/banknote/reload",
                    HttpRequest.BodyPublishers.noBody(),
                    "Authorization",
                    "Bearer " + TOKEN);
            assertEquals(200, reloaded.status(), reloaded.text());
            assertEquals(
                    before + model.length + digest.length,
                    metric(http, "tabserve_model_store_downloaded_bytes_total"),
                    "the object and its digest were read again though their ETags are unchanged");
            assertEquals(200, predict(http).status());
        }
    }

    @Test
    @Order(2)
    void aKeyThatClimbsOutOfItsFolderIsRefusedInWordsAtStart() throws Exception {
        try (TabserveProcess server = TabserveProcess.start(
                List.of(
                        "--port",
                        "0",
                        "--model",
                        "s3://one/prod/../banknote.onnx",
                        "--s3-endpoint",
                        store.endpoint().toString(),
                        "--model-cache",
                        cache().toString()),
                Map.of())) {
            assertNotEquals(0, server.awaitExit(Duration.ofSeconds(90)), "it does not start");
            assertTrue(
                    server.output().stream().anyMatch(line -> line.contains("its key climbs out")),
                    String.join("\n", server.output()));
        }
    }

    @Test
    @Order(3)
    void anUnchangedObjectIsNotDownloadedAgainAReplacedOneAnswersAndAWrongDigestKeepsTheLastGood() throws Exception {
        store.bucket("poll");
        store.put("poll", "banknote.onnx", model);
        try (TabserveProcess server =
                StoreServers.start(store, "--model", "s3://poll/banknote.onnx", cache(), Map.of())) {
            Http http = new Http(server);
            JsonNode first = predict(http).json();
            double requests = metric(http, "tabserve_model_store_requests_total");
            await(http, "/api/models", json -> metric(http, "tabserve_model_store_requests_total") >= requests + 6);
            assertEquals(
                    model.length,
                    metric(http, "tabserve_model_store_downloaded_bytes_total"),
                    "three polls or more of the unchanged object downloaded nothing after the first download");

            byte[] other = Files.readAllBytes(OTHER);
            String otherSha = sha256(other);
            store.put("poll", "banknote.onnx", other);
            store.put("poll", "banknote.onnx.sha256", (otherSha + "  banknote.onnx\n").getBytes()); // the last good
            await(http, "/api/models", json -> sha256OfAnswer(http).equals(otherSha));
            assertNotEquals(
                    withoutDigest(first),
                    withoutDigest(predict(http).json()),
                    "the new model's answer, not the old one's");

            store.put("poll", "banknote.onnx.sha256", ("0".repeat(64) + "  banknote.onnx\n").getBytes());
            byte[] third = Files.readAllBytes(THIRD);
            String thirdSha = sha256(third);
            store.put("poll", "banknote.onnx", third);
            await(http, "/api/models", json -> json.path("skipped").toString().contains("its SHA-256 is " + thirdSha));
            String why = http.get("/api/models").json().path("skipped").toString();
            assertTrue(why.contains("s3://poll/banknote.onnx") && why.contains("says " + "0".repeat(64)), why);
            assertEquals(otherSha, sha256OfAnswer(http), "the last good version keeps serving");
            assertTrue(http.get("/models").text().contains("its SHA-256 is " + thirdSha), "the models page says why");
        }
    }

    @Test
    @Order(4)
    void withTheStoreDownAtStartTheCachedCopyServes() throws Exception {
        store.bucket("down-at-start");
        store.put("down-at-start", "models/banknote.onnx", model);
        Path cache = cache();
        try (TabserveProcess server =
                StoreServers.start(store, "--model", "s3://down-at-start/models/banknote.onnx", cache, Map.of())) {
            assertEquals(200, predict(new Http(server)).status());
        }
        store.kill();
        try (TabserveProcess server =
                StoreServers.start(store, "--model", "s3://down-at-start/models/banknote.onnx", cache, Map.of())) {
            Http http = new Http(server);
            JsonNode ready = http.get("/health/ready").json();
            assertFalse(ready.path("store").path("reachable").asBoolean(true), ready.toString());
            assertTrue(ready.path("store").path("detail").asText().startsWith("store unreachable: "), ready.toString());
            Http.Response answer = predict(http);
            assertEquals(200, answer.status(), "the cache serves: " + answer.text());
            assertEquals(sha256(model), answer.json().path("model_sha256").asText());
        }
    }

    private static Http.Response predict(Http http) {
        return http.send(
                "POST",
                "/api/predict",
                HttpRequest.BodyPublishers.ofString(ModelDirectory.NOTE),
                "Content-Type",
                "application/json");
    }

    private static JsonNode withoutDigest(JsonNode answer) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = answer.deepCopy();
        copy.remove("model_sha256");
        return copy;
    }

    private static String sha256OfAnswer(Http http) {
        return predict(http).json().path("model_sha256").asText();
    }
}
