package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What deploy/kserve's runtimes run: the image's Jetty base (deploy/jetty-base.sh, the WAR unpacked by
 * deploy/unpack-war.sh), started through the image's entrypoint (deploy/entrypoint.sh) with the runtime's
 * environment, {{.Name}} filled in as KServe does, on /mnt/models as KServe fills it: the storage initializer's copy of
 * a storageUri for one model, and the model agent's per-TrainedModel directories for many. Only what a test must
 * change is changed: the directory, and loopback on a free port instead of every interface on 8080.
 *
 * <p>It stands for these commands of docs/deploy.md, which need a cluster with KServe (the manifests they apply are
 * checked by KServeManifestsTest; this test runs what the runtimes run, on what KServe puts in /mnt/models):
 * <pre>
 * kubectl apply -f deploy/kserve/servingruntime.yaml
 * kubectl apply -f deploy/kserve/inferenceservice.yaml
 * kubectl get inferenceservice banknote
 * curl -s "$URL/v2/models/banknote/infer" -H 'Content-Type: application/json' -d '{"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [3.6, 8.6, -2.8, -0.44]}]}'
 * kubectl apply -f deploy/kserve/servingruntime-multi.yaml -f deploy/kserve/inferenceservice-multi.yaml
 * kubectl wait --for=condition=Ready inferenceservice/tabserve-models
 * kubectl apply -f deploy/kserve/trainedmodels.yaml
 * kubectl get trainedmodels
 * kubectl delete trainedmodel penguin-mass
 * </pre>
 */
class KServeRuntimeIT {

    private static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    /**
     * The runtime's environment for this machine, as the web app reads it: its {@code TABSERVE_} variables, {{.Name}}
     * filled in as KServe does, the test's directory for /mnt/models. (Its {@code JAVA_OPTIONS} are for the image's
     * JVM and archive: DeploymentConsistencyTest checks them.)
     */
    static Map<String, String> environment(JsonNode container, Path models) {
        Map<String, String> environment = new HashMap<>();
        KServeManifestsTest.environment(container).forEach((name, value) -> {
            if (name.startsWith("TABSERVE_")) {
                environment.put(name, value.equals("/mnt/models") ? models.toString() : value);
            }
        });
        assertEquals(
                List.of(),
                environment.values().stream()
                        .filter(v -> v.contains("/mnt/models"))
                        .toList());
        assertEquals(models.toString(), environment.get("TABSERVE_MODELS"), "the directory KServe fills");
        return environment;
    }

    /** The runtime's container, which runs the image as it starts (KServeManifestsTest checks the rest). */
    private static JsonNode container(String runtime) throws IOException {
        JsonNode container = KServeManifestsTest.runtime(runtime)
                .path("spec")
                .path("containers")
                .get(0);
        KServeManifestsTest.imagesPort(container, runtime);
        return container;
    }

    @Test
    void theOneModelRuntimeServesTheInferenceServicesModelOnItsProbesAndV2Routes() throws Exception {
        // A storageUri directory in Triton's layout, as the storage initializer copies it into /mnt/models.
        Path models = Containers.freshDirectory("kserve-one").resolve("mnt-models");
        Files.createDirectories(models.resolve(KServeManifestsTest.SAMPLE_NAME + "/1"));
        Files.copy(Path.of("model.onnx"), models.resolve(KServeManifestsTest.SAMPLE_NAME + "/1/model.onnx"));
        // And another model, first by name, carded too: only TABSERVE_DEFAULT_MODEL makes the root routes the
        // InferenceService's (without it they would answer with this one).
        Files.createDirectories(models.resolve("another/1"));
        Files.copy(Path.of("model.onnx"), models.resolve("another/1/model.onnx"));
        JsonNode container = container("tabserve");
        try (ServerProcess app =
                Containers.startJettyBaseThroughEntrypoint("kserve-one-base", environment(container, models))) {
            app.awaitReadiness(200, Duration.ofSeconds(90));
            awaitStatus(
                    app,
                    container
                            .path("readinessProbe")
                            .path("httpGet")
                            .path("path")
                            .asText(),
                    200);
            assertEquals(
                    200,
                    get(
                                    app,
                                    container
                                            .path("livenessProbe")
                                            .path("httpGet")
                                            .path("path")
                                            .asText())
                            .statusCode());
            assertEquals(
                    200,
                    get(app, "/v2/models/" + KServeManifestsTest.SAMPLE_NAME + "/ready")
                            .statusCode());
            // TABSERVE_DEFAULT_MODEL={{.Name}}: the root routes answer with the InferenceService's model.
            HttpResponse<String> prediction = DeploymentChecks.send(HttpRequest.newBuilder(uri(app, "/api/predict"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(DeploymentChecks.GENUINE_ROW))
                    .build());
            assertEquals(200, prediction.statusCode(), prediction.body());
            assertEquals(
                    "0",
                    DeploymentChecks.JSON
                            .readTree(prediction.body())
                            .path("label")
                            .asText());
            // The model that answered is the one named in /metrics (the other model gives the same answer).
            List<String> counted = get(app, "/metrics")
                    .body()
                    .lines()
                    .filter(line ->
                            line.startsWith("tabserve_http_requests_total{") && line.contains("route=\"/api/predict\""))
                    .toList();
            assertEquals(
                    List.of(true),
                    counted.stream()
                            .map(line -> line.contains("model=\"" + KServeManifestsTest.SAMPLE_NAME + "\""))
                            .toList(),
                    "the root route's prediction, counted for the InferenceService's model: " + counted);
            // grpc-v2 on the same, h2c-named port: ModelInfer on the InferenceService's model, as REST v2 answers.
            GrpcCalls.assertModelInferAnswersAsRestV2(app.base(), KServeManifestsTest.SAMPLE_NAME);
        }
    }

    @Test
    void theMultiModelRuntimeIsReadyEmptyAndFollowsTheAgentsDirectories() throws Exception {
        Path models = Files.createDirectories(
                Containers.freshDirectory("kserve-multi").resolve("mnt-models"));
        JsonNode container = container("tabserve-multi");
        String readiness =
                container.path("readinessProbe").path("httpGet").path("path").asText();
        Map<String, String> env = environment(container, models);
        assertEquals("true", env.get("TABSERVE_ADMIN_LOOPBACK"), "the agent's calls come without a token");
        try (ServerProcess app = Containers.startJettyBaseThroughEntrypoint("kserve-multi-base", env)) {
            // Empty, as the pod starts: the probe passes, so KServe can mark the InferenceService ready and add models.
            awaitStatus(app, readiness, 200);
            assertEquals(503, get(app, "/v2/health/ready").statusCode(), "why readiness cannot wait for a model");

            // What the agent does for a TrainedModel: its files in <dir>/<name>/, a SUCCESS.<sha256> marker, then load.
            Path dir = Files.createDirectories(models.resolve("penguin-mass"));
            Files.copy(PENGUINS.resolve("body-mass-regressor.onnx"), dir.resolve("body-mass-regressor.onnx"));
            Files.writeString(dir.resolve("SUCCESS.0123456789abcdef"), "{\"storageUri\":\"gs://b/m\"}");
            HttpResponse<String> load =
                    DeploymentChecks.send(HttpRequest.newBuilder(uri(app, "/v2/repository/models/penguin-mass/load"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build());
            assertEquals(200, load.statusCode(), "from loopback without a token, as the agent calls: " + load.body());
            assertEquals(200, get(app, "/v2/models/penguin-mass/ready").statusCode(), "loaded when load answers");
            awaitStatus(app, "/v2/health/ready", 200);

            // Deleting the TrainedModel: the agent removes the directory, then calls unload.
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            HttpResponse<String> unload =
                    DeploymentChecks.send(HttpRequest.newBuilder(uri(app, "/v2/repository/models/penguin-mass/unload"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build());
            assertEquals(200, unload.statusCode(), unload.body());
            assertEquals(404, get(app, "/v2/models/penguin-mass/ready").statusCode(), "gone when unload answers");
            HttpResponse<String> install = DeploymentChecks.send(HttpRequest.newBuilder(uri(app, "/admin/models/other"))
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofString("x"))
                    .build());
            assertEquals(404, install.statusCode(), "every other admin route still needs the token (none is set)");
        }
    }

    private static URI uri(ServerProcess app, String path) {
        return app.base().resolve(path.substring(1));
    }

    private static HttpResponse<String> get(ServerProcess app, String path) throws IOException, InterruptedException {
        return DeploymentChecks.send(
                HttpRequest.newBuilder(uri(app, path)).GET().build());
    }

    /**
     * Waits for a status, the server listening or not yet (a guard against a hang, not a measure of speed: the start
     * and the poll interval set the pace).
     */
    private static void awaitStatus(ServerProcess app, String path, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> answer = get(app, path);
                if (answer.statusCode() == status) {
                    return;
                }
                last = answer.statusCode() + " " + answer.body();
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            if (!app.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(path + ": not " + status + " but " + last + "\n" + app.log());
    }
}
