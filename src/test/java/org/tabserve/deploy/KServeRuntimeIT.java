package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.TabserveProcess;

/**
 * The packaged WAR run with deploy/kserve's runtime args, on /mnt/models as KServe fills it: the storage initializer's
 * copy of a storageUri for one model, and the model agent's per-TrainedModel directories for many. Only what a test
 * must change is changed: the directory, and loopback on a free port instead of 0.0.0.0:8080.
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

    /** The runtime's args for this machine: {{.Name}} filled in as KServe does, then the test's directory and port. */
    static List<String> args(String runtime, Path models) throws IOException {
        JsonNode container = KServeManifestsTest.runtime(runtime)
                .path("spec")
                .path("containers")
                .get(0);
        List<String> args = KServeManifestsTest.launcherArgs(container).stream()
                .map(a -> a.equals("/mnt/models") ? models.toString() : a)
                .map(a -> a.equals("0.0.0.0") ? "127.0.0.1" : a)
                .map(a -> a.equals("8080") ? "0" : a)
                .toList();
        assertEquals(
                List.of(),
                args.stream()
                        .filter(a -> a.contains("/mnt/models") || a.equals("8080"))
                        .toList());
        return args;
    }

    @Test
    void theOneModelRuntimeServesTheInferenceServicesModelOnItsProbesAndV2Routes() throws Exception {
        // A storageUri directory in Triton's layout, as the storage initializer copies it into /mnt/models.
        Path models = Containers.freshDirectory("kserve-one").resolve("mnt-models");
        Files.createDirectories(models.resolve(KServeManifestsTest.SAMPLE_NAME + "/1"));
        Files.copy(Path.of("model.onnx"), models.resolve(KServeManifestsTest.SAMPLE_NAME + "/1/model.onnx"));
        JsonNode container = KServeManifestsTest.runtime("tabserve")
                .path("spec")
                .path("containers")
                .get(0);
        try (TabserveProcess app = TabserveProcess.start(args("tabserve", models), Map.of())) {
            app.awaitReady(Duration.ofSeconds(60));
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
            // --default-model {{.Name}}: the root routes answer with the InferenceService's model.
            HttpResponse<String> prediction = DeploymentChecks.send(HttpRequest.newBuilder(app.uri("/api/predict"))
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
            // grpc-v2 on the same, h2c-named port: ModelInfer on the InferenceService's model, as REST v2 answers.
            GrpcCalls.assertModelInferAnswersAsRestV2(app.uri(), KServeManifestsTest.SAMPLE_NAME);
        }
    }

    @Test
    void theMultiModelRuntimeIsReadyEmptyAndFollowsTheAgentsDirectories() throws Exception {
        Path models = Files.createDirectories(
                Containers.freshDirectory("kserve-multi").resolve("mnt-models"));
        JsonNode container = KServeManifestsTest.runtime("tabserve-multi")
                .path("spec")
                .path("containers")
                .get(0);
        String readiness =
                container.path("readinessProbe").path("httpGet").path("path").asText();
        Map<String, String> env = new java.util.HashMap<>();
        container.path("env").forEach(e -> {
            if (e.path("name").asText().startsWith("TABSERVE_")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            }
        });
        assertEquals("true", env.get("TABSERVE_ADMIN_LOOPBACK"), "the agent's calls come without a token");
        try (TabserveProcess app = TabserveProcess.start(args("tabserve-multi", models), env)) {
            app.awaitReady(Duration.ofSeconds(60));
            // Empty, as the pod starts: the probe passes, so KServe can mark the InferenceService ready and add models.
            assertEquals(200, get(app, readiness).statusCode(), readiness);
            assertEquals(503, get(app, "/v2/health/ready").statusCode(), "why readiness cannot wait for a model");

            // What the agent does for a TrainedModel: its files in <dir>/<name>/, a SUCCESS.<sha256> marker, then load.
            Path dir = Files.createDirectories(models.resolve("penguin-mass"));
            Files.copy(PENGUINS.resolve("body-mass-regressor.onnx"), dir.resolve("body-mass-regressor.onnx"));
            Files.writeString(dir.resolve("SUCCESS.0123456789abcdef"), "{\"storageUri\":\"gs://b/m\"}");
            HttpResponse<String> load =
                    DeploymentChecks.send(HttpRequest.newBuilder(app.uri("/v2/repository/models/penguin-mass/load"))
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
                    DeploymentChecks.send(HttpRequest.newBuilder(app.uri("/v2/repository/models/penguin-mass/unload"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build());
            assertEquals(200, unload.statusCode(), unload.body());
            assertEquals(404, get(app, "/v2/models/penguin-mass/ready").statusCode(), "gone when unload answers");
            HttpResponse<String> install = DeploymentChecks.send(HttpRequest.newBuilder(app.uri("/admin/models/other"))
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofString("x"))
                    .build());
            assertEquals(404, install.statusCode(), "every other admin route still needs the token (none is set)");
        }
    }

    private static HttpResponse<String> get(TabserveProcess app, String path) throws IOException, InterruptedException {
        return DeploymentChecks.send(HttpRequest.newBuilder(app.uri(path)).GET().build());
    }

    /** Waits for a status (a guard against a hang, not a measure of speed: the poll interval sets the pace). */
    private static void awaitStatus(TabserveProcess app, String path, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> last = get(app, path);
        while (last.statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(200);
            last = get(app, path);
        }
        assertEquals(status, last.statusCode(), path + ": " + last.body() + "\n" + String.join("\n", app.output()));
    }
}
