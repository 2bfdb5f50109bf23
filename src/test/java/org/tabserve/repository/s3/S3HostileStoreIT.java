package org.tabserve.repository.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.repository.s3.StoreServers.await;
import static org.tabserve.repository.s3.StoreServers.cache;
import static org.tabserve.repository.s3.StoreServers.metric;
import static org.tabserve.repository.s3.StoreServers.sha256;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.S3ProxyProcess;
import org.tabserve.testing.TabserveProcess;
import org.tabserve.testing.TricklingProxy;

/**
 * A hostile store (issue 76): the packaged WAR against the test JVM's s3proxy ({@link S3ProxyProcess#shared()}, in
 * buckets of this class's names), with short read bounds, some of its objects trickled by a {@link TricklingProxy} in
 * front of it. Four trickling objects take the download slots and are abandoned in words naming the setting, while
 * the listing goes on and a new model is fetched; a restart with a good cache and a trickling changed object serves
 * the cache within seconds; the digest is the one gate, whatever the order the model and its {@code .sha256} arrive
 * in, and after a restart; a version folder the store dropped leaves the index (it stayed as "no model.onnx in it
 * (yet)").
 */
class S3HostileStoreIT {

    /** Short bounds, so that a trickling object is abandoned within seconds (2 s of grace, then 64 KiB/s). */
    private static final Map<String, String> SHORT = Map.of(
            "TABSERVE_STORE_READ_DEADLINE", "3",
            "TABSERVE_STORE_DOWNLOAD_DEADLINE", "8",
            "TABSERVE_STORE_MIN_READ_RATE", "65536");

    /** A model of 221 KB: at 10 bytes a second, six hours. */
    private static final Path LARGE =
            Path.of("src/test/resources/org/tabserve/fixtures/floor/banknote-hgb-100x31.onnx");

    private static final Path OTHER =
            Path.of("src/test/resources/org/tabserve/fixtures/conformal/banknote-class-weak.onnx");

    private static S3ProxyProcess store;
    private static TricklingProxy proxy;
    private static byte[] model;
    private static byte[] large;

    @BeforeAll
    static void startTheStore() throws Exception {
        store = S3ProxyProcess.shared();
        proxy = TricklingProxy.to(store.endpoint());
        model = Files.readAllBytes(BankNotes.MODEL);
        large = Files.readAllBytes(LARGE);
    }

    @AfterAll
    static void stopTheProxy() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void fourTricklingObjectsAreAbandonedAndANewModelIsStillFetched() throws Exception {
        store.bucket("slow");
        store.put("slow", "models/banknote.onnx", model);
        for (String stuck : List.of("a", "b", "c", "d")) {
            store.put("slow", "models/" + stuck + ".onnx", large);
        }
        proxy.slow(
                line -> line.startsWith("GET /slow/models/") && line.matches("GET /slow/models/[abcd]\\.onnx.*"), 10);
        try (TabserveProcess server = StoreServers.start(
                proxy.uri(), "--models", "s3://slow/models", cache(), SHORT, Duration.ofSeconds(30))) {
            Http http = new Http(server);
            store.put("slow", "models/fresh.onnx", model);
            List<JsonNode> index = ModelDirectory.awaitIndex(
                    http,
                    models -> models.stream()
                            .anyMatch(m -> m.path("name").asText().equals("fresh")
                                    && m.path("state").asText().equals("READY")));
            assertTrue(ModelDirectory.lists(index, "banknote"), index.toString());
            JsonNode all = http.get("/api/models").json();
            String skipped = all.path("skipped").toString();
            for (String stuck : List.of("a", "b", "c", "d")) {
                assertTrue(skipped.contains("s3://slow/models/" + stuck + ".onnx"), skipped);
            }
            assertTrue(
                    skipped.contains("it was abandoned") && skipped.contains("tabserve.store-min-read-rate"), skipped);
            assertTrue(all.path("store").path("reachable").asBoolean(), all.toString());
            JsonNode ready = http.get("/health/ready").json().path("store");
            assertTrue(ready.path("reads_abandoned").asLong() >= 4, ready.toString());
            assertTrue(ready.path("abandoned").toString().contains("s3://slow/models/a.onnx"), ready.toString());
            assertTrue(metric(http, "tabserve_outbound_reads_abandoned_total{read=\"model_store\"}") >= 4);
            assertTrue(proxy.trickled() >= 4);
        } finally {
            proxy.slow(line -> false, 1);
        }
    }

    @Test
    void aRestartWithAGoodCacheAndATricklingChangedObjectServesTheCache() throws Exception {
        store.bucket("restart");
        restartServesTheCache(
                "--models", "s3://restart/models", "models/banknote.onnx", "/models/banknote/api/predict");
        restartServesTheCache("--model", "s3://restart/one/banknote.onnx", "one/banknote.onnx", "/api/predict");
    }

    /** A good copy cached by a first run; then the object changes and trickles, and a restart serves the copy. */
    private static void restartServesTheCache(String flag, String location, String key, String route) throws Exception {
        store.put("restart", key, model);
        store.put("restart", key + ".sha256", (sha256(model) + "  banknote.onnx\n").getBytes());
        Path cache = cache();
        try (TabserveProcess server =
                StoreServers.start(store.endpoint(), flag, location, cache, SHORT, Duration.ofSeconds(60))) {
            assertEquals(200, predict(new Http(server), route).status());
        }
        store.put("restart", key, large);
        store.put("restart", key + ".sha256", (sha256(large) + "  banknote.onnx\n").getBytes());
        String get = "GET /restart/" + key;
        proxy.slow(line -> line.startsWith(get + " ") || line.startsWith(get + "?"), 10);
        // Ready within 60 s, as the first start: what this case proves is which copy serves (the cache's, not the
        // trickling object's, which the minimum rate abandons within seconds), and a start at load 20 once took more
        // than the 20 s it had.
        try (TabserveProcess server =
                StoreServers.start(proxy.uri(), flag, location, cache, SHORT, Duration.ofSeconds(60))) {
            Http http = new Http(server);
            Http.Response answer = predict(http, route);
            assertEquals(200, answer.status(), answer.text());
            assertEquals(sha256(model), answer.json().path("model_sha256").asText(), "the cached copy serves");
            await(http, "/api/models", json -> json.path("skipped").toString().contains("it was abandoned"));
            assertEquals(
                    sha256(model),
                    predict(http, route).json().path("model_sha256").asText());
        } finally {
            proxy.slow(line -> false, 1);
        }
    }

    @Test
    void aWrongDigestNeverServesWhateverTheOrderAndNotAfterARestart() throws Exception {
        store.bucket("gate");
        String good = sha256(model);
        byte[] wrong = ("0".repeat(64) + "  model.onnx\n").getBytes();
        store.put("gate", "models/banknote/1/model.onnx", model);
        store.put("gate", "models/banknote/1/model.onnx.sha256", (good + "  model.onnx\n").getBytes());
        store.put("gate", "models/solo/1/model.onnx", model); // a model that publishes no digest serves unchecked
        store.put("gate", "models/early/1/model.onnx.sha256", wrong); // the digest first, then its model
        store.put("gate", "models/early/1/model.onnx", model);
        Path cache = cache();
        try (TabserveProcess server = StoreServers.start(
                store.endpoint(), "--models", "s3://gate/models", cache, SHORT, Duration.ofSeconds(60))) {
            Http http = new Http(server);
            ModelDirectory.awaitIndex(
                    http,
                    models -> ModelDirectory.has(models, "banknote", "1", "READY")
                            && ModelDirectory.has(models, "solo", "1", "READY"));
            assertFalse(ModelDirectory.lists(ModelDirectory.index(http), "early"), "a wrong digest, then its model");

            // The model, then a wrong digest, as operations.md orders the uploads: version 2 waits for its digest
            // (version 1 publishes one), and never serves; the model publishing none serves until one is published
            // beside the same object, then is withdrawn.
            store.put("gate", "models/banknote/2/model.onnx", model);
            store.put("gate", "models/solo/1/model.onnx.sha256", wrong);
            await(http, "/api/models", json -> json.path("skipped").toString().contains("waits for its .sha256"));
            store.put("gate", "models/banknote/2/model.onnx.sha256", wrong);
            List<JsonNode> index = ModelDirectory.awaitIndex(
                    http,
                    models -> !ModelDirectory.lists(models, "solo")
                            && reason(http, "s3://gate/models/banknote/2/model.onnx")
                                    .contains("its SHA-256 is"));
            assertFalse(ModelDirectory.lists(index, "solo"), "withdrawn: " + index);
            assertFalse(index.stream().anyMatch(m -> m.path("version").asText().equals("2")), index.toString());
            assertEquals(
                    "1",
                    predict(http, "/models/banknote/api/predict")
                            .header("X-Model-Version")
                            .orElseThrow());

            // The store drops version 2's folder: it leaves the index (no "no model.onnx in it (yet)" left behind).
            store.delete("gate", "models/banknote/2/model.onnx");
            store.delete("gate", "models/banknote/2/model.onnx.sha256");
            await(http, "/api/models", json -> !json.path("skipped").toString().contains("banknote/2"));
            double requests = metric(http, "tabserve_model_store_requests_total");
            await(http, "/api/models", json -> metric(http, "tabserve_model_store_requests_total") >= requests + 3);
            String skipped = http.get("/api/models").json().path("skipped").toString();
            assertFalse(skipped.contains("banknote/2") || skipped.contains("in it (yet)"), skipped);

            // The digest changed later, then removed: the copy that matched the last one keeps serving.
            store.put("gate", "models/banknote/1/model.onnx.sha256", wrong);
            await(
                    http,
                    "/api/models",
                    json -> json.path("skipped").toString().contains("the last good version keeps serving"));
            store.delete("gate", "models/banknote/1/model.onnx.sha256");
            await(http, "/api/models", json -> json.path("skipped").toString().contains("went from the store"));
            assertEquals(200, predict(http, "/models/banknote/api/predict").status());
        }
        // A restart from the cache, the store out of reach: nothing the digests refused is loaded.
        try (TabserveProcess server =
                StoreServers.start(nobody(), "--models", "s3://gate/models", cache, SHORT, Duration.ofSeconds(60))) {
            Http http = new Http(server);
            List<JsonNode> index =
                    ModelDirectory.awaitIndex(http, models -> ModelDirectory.has(models, "banknote", "1", "READY"));
            assertEquals(1, index.size(), "only banknote 1 is in the cache: " + index);
            assertEquals(good, index.get(0).path("sha256").asText());
        }
    }

    /** @return the reason {@code skipped} gives for {@code path}, empty when it is not there */
    private static String reason(Http http, String path) {
        for (JsonNode entry : http.get("/api/models").json().path("skipped")) {
            if (entry.path("path").asText().equals(path)) {
                return entry.path("reason").asText();
            }
        }
        return "";
    }

    private static Http.Response predict(Http http, String path) {
        return http.send(
                "POST",
                path,
                HttpRequest.BodyPublishers.ofString(ModelDirectory.NOTE),
                "Content-Type",
                "application/json");
    }

    /** A loopback port nobody listens on. */
    private static URI nobody() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }
}
