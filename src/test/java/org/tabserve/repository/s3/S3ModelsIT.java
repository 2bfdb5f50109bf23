package org.tabserve.repository.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.repository.s3.StoreServers.await;
import static org.tabserve.repository.s3.StoreServers.cache;
import static org.tabserve.repository.s3.StoreServers.metric;
import static org.tabserve.repository.s3.StoreServers.sha256;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tabserve.docs.DocShell;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.S3ProxyProcess;
import org.tabserve.testing.TabserveProcess;

/**
 * Models from a real S3 server (issue 64): the packaged WAR with {@code --models s3://BUCKET/PREFIX} against the test
 * JVM's s3proxy ({@link S3ProxyProcess#shared()}, in buckets of this class's names: filesystem backend, AWS v4
 * signatures required), the objects uploaded with the AWS SDK as a user's pipeline would. A bucket's models serve; a
 * new version serves after the next polls; a truncated overwrite leaves the last good version serving with the reason
 * in the index; a wrong {@code .sha256} is refused, while XGBoost, LightGBM and MLflow models in the same bucket
 * answer as their libraries predict and hostile MLflow folders are refused in words ({@link NativeModels}); a forced
 * reload downloads again; a {@code rollout.json} in the
 * bucket drives a canary; a full cache evicts a version that does not serve and never one that does; the store killed
 * mid-run changes no answer, and a restart with the store down serves the cache, readiness saying the store is
 * unreachable. The store test runs last, as it stops the shared server (and starts it again).
 *
 * <p>Its s3proxy is started by docs/operations.md's commands ({@link S3ProxyProcess}), and its first case runs that
 * page's blocks marked for it as written ({@link DocShell}): the {@code export}s of the local server's credentials,
 * endpoint and {@code AWS_REQUEST_CHECKSUM_CALCULATION=when_required}, {@code aws s3 mb}, the two {@code aws s3 cp}
 * with the {@code aws} on the machine's path, and {@code java -jar target/tabserve.war --models s3://models/prod
 * --poll-seconds 30} (started on a free port, with a cache folder of its own by {@code TABSERVE_MODEL_CACHE}); the
 * port of the doc's endpoint, 8081, becomes the test's server's, and the doc's poll of 30 s one of a second (the second
 * poll that loads a new file would hold the case 30 s). The other cases upload with the AWS SDK as those
 * commands do, and start the server with an endpoint of their own and a poll of a second.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3ModelsIT {

    private static final String TOKEN = "s3-admin-token-0123456789abcdef";
    private static final String PREDICT = "/models/banknote/api/predict";

    private static S3ProxyProcess store;
    private static byte[] model;

    @BeforeAll
    static void startTheStore() throws Exception {
        store = S3ProxyProcess.shared();
        model = Files.readAllBytes(BankNotes.MODEL);
    }

    @Test
    @Order(0)
    void theDocsCommandsUploadWithTheAwsCliAndTheServerServesWhatTheyUploaded() throws Exception {
        String cli = awsCli();
        Assumptions.assumeTrue(cli == null, "docs/operations.md's aws commands are not run: " + cli);
        Path folder = Files.createTempDirectory("tabserve-s3-doc");
        Files.copy(BankNotes.MODEL, folder.resolve("banknote.onnx"));
        DocShell shell = DocShell.of("docs/operations.md", "S3ModelsIT")
                .in(folder)
                .replace("http://127.0.0.1:8081", store.endpoint().toString())
                .replace("--poll-seconds 30", "--poll-seconds 1");
        List<String> commands = shell.commands();
        TabserveProcess server = null;
        try {
            for (int i = 0; i < commands.size(); i++) {
                if (commands.get(i).startsWith("java -jar target/tabserve.war ")) {
                    List<String> args = List.of(shell.take(i)
                            .substring("java -jar target/tabserve.war ".length())
                            .split(" "));
                    Map<String, String> environment = new java.util.HashMap<>(shell.environment());
                    environment.put("TABSERVE_MODEL_CACHE", cache().toString());
                    server = TabserveProcess.startReady(environment, args.toArray(String[]::new));
                } else {
                    shell.run(i, 60);
                }
            }
            shell.assertAllRun();
            assertTrue(server != null, "the block starts the server");
            Http http = new Http(server);
            ModelDirectory.awaitReady(http, 1);
            Http.Response answer = predict(http, "doc");
            assertEquals(200, answer.status(), answer.text());
            assertEquals("2", answer.header("X-Model-Version").orElseThrow());
            assertEquals(sha256(model), answer.json().path("model_sha256").asText(), "the file aws uploaded serves");
            JsonNode index = http.get("/api/models").json();
            assertEquals(
                    sha256(model),
                    ModelDirectory.entry(list(index), "banknote", "2")
                            .path("sha256")
                            .asText(),
                    "its .sha256, piped to aws s3 cp, was the gate: " + index);
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** Why the machine's aws-cli cannot run the doc's commands (none, or older than AWS_ENDPOINT_URL), or null. */
    private static String awsCli() throws Exception {
        Process version;
        try {
            version = new ProcessBuilder("aws", "--version")
                    .redirectErrorStream(true)
                    .start();
        } catch (java.io.IOException none) {
            return "no aws on the path";
        }
        String said = new String(version.getInputStream().readAllBytes()).strip();
        version.waitFor();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("aws-cli/(\\d+)\\.(\\d+)").matcher(said);
        if (!m.find()) {
            return "aws --version said " + said;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        boolean endpointVariable = major > 2 || (major == 2 && minor >= 13) || (major == 1 && minor >= 29);
        return endpointVariable ? null : said + " does not read AWS_ENDPOINT_URL (1.29 and 2.13 do)";
    }

    @Test
    @Order(1)
    void aBucketsModelsServeANewVersionFollowsAndATruncatedOneLeavesTheLastGoodServing() throws Exception {
        store.bucket("serve");
        store.put("serve", "models/banknote/1/model.onnx", model);
        store.put("serve", "models/banknote/1/model.onnx.sha256", (sha256(model) + "  model.onnx\n").getBytes());
        store.put("serve", "models/README.md", "not a model".getBytes());
        try (TabserveProcess server = start("s3://serve/models", cache(), Map.of())) {
            Http http = new Http(server);
            ModelDirectory.awaitReady(http, 1);
            JsonNode index = http.get("/api/models").json();
            assertEquals(
                    sha256(model),
                    ModelDirectory.entry(list(index), "banknote", "1")
                            .path("sha256")
                            .asText(),
                    "the index shows the digest of the file served");
            assertEquals(
                    "s3://serve/models/", index.path("store").path("location").asText());
            assertTrue(index.path("store").path("reachable").asBoolean(), index.toString());
            assertEquals("1", predict(http, "a").header("X-Model-Version").orElseThrow());

            store.put("serve", "models/banknote/2/model.onnx", model); // waits for its digest, as version 1 has one
            store.put("serve", "models/banknote/2/model.onnx.sha256", (sha256(model) + "  model.onnx\n").getBytes());
            ModelDirectory.awaitIndex(
                    http,
                    models -> models.stream()
                            .anyMatch(m -> m.path("version").asText().equals("2")
                                    && m.path("state").asText().equals("READY")));
            Http.Response answer = predict(http, "b");
            assertEquals("2", answer.header("X-Model-Version").orElseThrow(), "the new version answers");
            assertEquals(sha256(model), answer.json().path("model_sha256").asText());

            byte[] truncated = java.util.Arrays.copyOf(model, model.length / 2);
            store.put("serve", "models/banknote/2/model.onnx", truncated);
            String refused = "its SHA-256 is " + sha256(truncated); // its digest, the good file's, refuses it
            await(http, "/api/models", json -> json.path("skipped").toString().contains(refused));
            List<JsonNode> after = ModelDirectory.index(http);
            JsonNode two = ModelDirectory.entry(after, "banknote", "2");
            assertEquals("READY", two.path("state").asText(), "the last good load of version 2 keeps serving: " + two);
            assertEquals(sha256(model), two.path("sha256").asText(), "the good file's digest, not the truncated one's");
            Http.Response still = predict(http, "c");
            assertEquals(200, still.status(), still.text());
            assertEquals("2", still.header("X-Model-Version").orElseThrow());
            assertTrue(
                    server.output().stream().noneMatch(line -> line.contains(S3ProxyProcess.SECRET_KEY)),
                    "no credential in the log");
        }
    }

    /**
     * Issue 92 shares this case's server (no start of its own): beside the refused ONNX objects, the bucket holds an
     * XGBoost 3.4.0 booster as {@code notes/1/model.json} (its {@code .sha256} beside it), a LightGBM 4.1 species
     * classifier as {@code penguins/1/model.txt} and the same booster as an MLflow model's folder
     * ({@code notes-mlflow/1/}: MLmodel, {@code model.xgb}, {@code conda.yaml}, each with its digest), which serve and
     * answer the libraries' own predictions to the bit; and two hostile MLflow folders, one whose MLmodel names
     * {@code ../../notes/1/model.json} (refused by the loader, in words, once mirrored) and one of more files than a
     * folder may hold (refused by the listing, in words, none of its files downloaded), while the others serve.
     */
    @Test
    @Order(2)
    void aWrongDigestIsRefusedInWordsAndOddKeysToo() throws Exception {
        store.bucket("digest");
        store.put("digest", "models/banknote.onnx", model);
        store.put(
                "digest",
                "models/species.onnx",
                Files.readAllBytes(ModelDirectory.PENGUINS.resolve("species-zipmap.onnx")));
        store.put("digest", "models/species.onnx.sha256", ("0".repeat(64) + "  species.onnx\n").getBytes());
        store.put("digest", "models/odd name.onnx", model);
        NativeModels natives = NativeModels.putIn(store, "digest", "models/");
        try (TabserveProcess server = start("s3://digest/models/", cache(), Map.of())) {
            Http http = new Http(server);
            List<JsonNode> models = ModelDirectory.awaitIndex(
                    http,
                    all -> all.size() == 5
                            && all.stream()
                                    .noneMatch(m -> m.path("state").asText().equals("LOADING")));
            JsonNode index = http.get("/api/models").json();
            assertEquals(
                    List.of("banknote", "notes", "notes-mlflow", "outside", "penguins"),
                    names(index),
                    "the species model is not served: " + index);
            String skipped = index.path("skipped").toString();
            assertTrue(skipped.contains("s3://digest/models/species.onnx"), skipped);
            assertTrue(
                    skipped.contains("its SHA-256 is "
                            + sha256(Files.readAllBytes(ModelDirectory.PENGUINS.resolve("species-zipmap.onnx")))),
                    skipped);
            assertTrue(skipped.contains("odd name.onnx") && skipped.contains("refused"), skipped);
            natives.assertServed(http, models, skipped);
        }
    }

    @Test
    @Order(3)
    void aForcedReloadDownloadsAgainEvenWhenNothingChanged() throws Exception {
        store.bucket("reload");
        store.put("reload", "models/banknote.onnx", model);
        try (TabserveProcess server = start("s3://reload/models", cache(), Map.of("TABSERVE_ADMIN_TOKEN", TOKEN))) {
            Http http = new Http(server);
            ModelDirectory.awaitReady(http, 1);
            double before = metric(http, "tabserve_model_store_downloaded_bytes_total");
            assertEquals(
                    401,
                    http.send("POST", "/admin/models/banknote/reload", HttpRequest.BodyPublishers.noBody())
                            .status(),
                    "admin only");
            Http.Response reloaded = http.send(
                    "POST",
                    "/admin/models/banknote/reload",
                    HttpRequest.BodyPublishers.noBody(),
                    "Authorization",
                    "Bearer " + TOKEN);
            assertEquals(200, reloaded.status(), reloaded.text());
            assertEquals("reloaded", reloaded.json().path("status").asText());
            assertEquals(
                    before + model.length,
                    metric(http, "tabserve_model_store_downloaded_bytes_total"),
                    "the object was downloaded again though its ETag is unchanged");
            Http.Response unknown = http.send(
                    "POST",
                    "/admin/models/nosuch/reload",
                    HttpRequest.BodyPublishers.noBody(),
                    "Authorization",
                    "Bearer " + TOKEN);
            assertEquals(404, unknown.status(), unknown.text());
        }
    }

    @Test
    @Order(4)
    void aRolloutJsonInTheBucketDrivesACanary() throws Exception {
        store.bucket("canary");
        store.put("canary", "models/banknote/1/model.onnx", model);
        store.put("canary", "models/banknote/2/model.onnx", model);
        store.put(
                "canary",
                "models/banknote/rollout.json",
                "{\"serving\": 1, \"canary\": {\"version\": 2, \"percent\": 50}}".getBytes());
        try (TabserveProcess server = start("s3://canary/models", cache(), Map.of())) {
            Http http = new Http(server);
            ModelDirectory.awaitReady(http, 2);
            Set<String> versions = new HashSet<>();
            for (int i = 0; i < 40 && versions.size() < 2; i++) {
                versions.add(
                        predict(http, "canary-" + i).header("X-Model-Version").orElseThrow());
            }
            assertEquals(Set.of("1", "2"), versions, "both versions answer their share");
        }
    }

    @Test
    @Order(5)
    void aDownloadPastTheCachesLimitIsRefusedInWords() throws Exception {
        store.bucket("full");
        store.put("full", "models/a.onnx", model);
        store.put("full", "models/b.onnx", model);
        long limit = model.length + model.length / 2; // room for one of the two
        try (TabserveProcess server =
                start("s3://full/models", cache(), Map.of("TABSERVE_MODEL_CACHE_BYTES", Long.toString(limit)))) {
            Http http = new Http(server);
            ModelDirectory.awaitReady(http, 1);
            JsonNode index = http.get("/api/models").json();
            assertEquals(List.of("a"), names(index), "the first by key fits, the second does not");
            String skipped = index.path("skipped").toString();
            assertTrue(
                    skipped.contains("s3://full/models/b.onnx")
                            && skipped.contains("limit of " + limit + " bytes (tabserve.model-cache-bytes)"),
                    skipped);
            store.delete("full", "models/a.onnx");
            ModelDirectory.awaitIndex(http, models -> names(models).equals(List.of("b")));
        }
    }

    @Test
    @Order(5)
    void aFullCacheEvictsAVersionThatDoesNotServeNeverOneThatServes() throws Exception {
        store.bucket("evict");
        store.put("evict", "models/banknote/1/model.onnx", model);
        byte[] broken =
                "not an ONNX model, so no version of it serves".repeat(20).getBytes();
        store.put("evict", "models/broken.onnx", broken);
        long limit = 2L * model.length + broken.length / 2; // version 2 fits only without broken.onnx
        try (TabserveProcess server =
                start("s3://evict/models", cache(), Map.of("TABSERVE_MODEL_CACHE_BYTES", Long.toString(limit)))) {
            Http http = new Http(server);
            ModelDirectory.awaitIndex(
                    http,
                    models -> models.size() == 2
                            && ModelDirectory.entry(models, "banknote", "1")
                                    .path("state")
                                    .asText()
                                    .equals("READY")
                            && ModelDirectory.entry(models, "broken", "1")
                                    .path("state")
                                    .asText()
                                    .equals("UNAVAILABLE"));

            store.put("evict", "models/banknote/2/model.onnx", model);
            List<JsonNode> after;
            try {
                after = ModelDirectory.awaitIndex(
                        http,
                        models -> names(models).equals(List.of("banknote"))
                                && models.stream()
                                                .filter(m ->
                                                        m.path("state").asText().equals("READY"))
                                                .count()
                                        == 2);
            } catch (AssertionError e) {
                throw new AssertionError(
                        http.get("/api/models").json().path("skipped") + "\n" + String.join("\n", server.output()), e);
            }
            assertEquals(
                    "READY",
                    ModelDirectory.entry(after, "banknote", "1").path("state").asText(),
                    "it serves");
            assertEquals(
                    "2",
                    predict(http, "after-eviction").header("X-Model-Version").orElseThrow());
            String skipped = http.get("/api/models").json().path("skipped").toString();
            assertTrue(
                    skipped.contains("s3://evict/models/broken.onnx")
                            && skipped.contains("evicted from the model cache"),
                    skipped);
        }
    }

    @Test
    @Order(6)
    void theStoreGoingDownChangesNoAnswerAndARestartServesTheCache() throws Exception {
        store.bucket("down");
        store.put("down", "models/banknote.onnx", model);
        Path cache = cache();
        try (TabserveProcess server = start("s3://down/models", cache, Map.of())) {
            Http http = new Http(server);
            ModelDirectory.awaitReady(http, 1);
            store.kill();
            await(
                    http,
                    "/api/models",
                    json -> !json.path("store").path("reachable").asBoolean(true));
            Http.Response answer = predict(http, "while-down");
            assertEquals(200, answer.status(), answer.text());
            assertTrue(metric(http, "tabserve_model_store_failures_total") > 0);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
        try (TabserveProcess server = start("s3://down/models", cache, Map.of())) {
            Http http = new Http(server);
            ModelDirectory.awaitReady(http, 1);
            JsonNode ready = http.get("/health/ready").json();
            assertFalse(ready.path("store").path("reachable").asBoolean(true), ready.toString());
            assertTrue(ready.path("store").path("detail").asText().startsWith("store unreachable: "), ready.toString());
            assertEquals(200, predict(http, "from-cache").status(), "the cache serves");
            store.start();
            await(
                    http,
                    "/api/models",
                    json -> json.path("store").path("reachable").asBoolean(false));
        }
    }

    private static TabserveProcess start(String location, Path cache, Map<String, String> more) throws Exception {
        return StoreServers.start(store, "--models", location, cache, more);
    }

    private static Http.Response predict(Http http, String id) {
        return http.send(
                "POST",
                PREDICT,
                HttpRequest.BodyPublishers.ofString(ModelDirectory.NOTE),
                "Content-Type",
                "application/json",
                "X-Request-Id",
                id);
    }

    private static List<JsonNode> list(JsonNode index) {
        List<JsonNode> models = new ArrayList<>();
        index.path("models").forEach(models::add);
        return models;
    }

    private static List<String> names(JsonNode index) {
        return names(list(index));
    }

    private static List<String> names(List<JsonNode> models) {
        return models.stream().map(m -> m.path("name").asText()).distinct().toList();
    }
}
