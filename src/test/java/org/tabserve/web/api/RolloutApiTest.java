package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.testing.ModelDirectory.NOTE;
import static org.tabserve.testing.ModelDirectory.PENGUINS;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import inference.GRPCInferenceServiceGrpc;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * A model's rollout through the real app on a model directory: version 1 of {@code banknote} is the bundled model,
 * version 2 another bank-note classifier (skl2onnx's {@code fixed-batch-4}: the same features and classes, other
 * weights), so the comparison has real differences to find; version 3 is the bundled model with its graph input
 * renamed (a canary of it would fail the Open Inference Protocol's requests), version 4 a file that fails to load. A shadow leaves every answer byte for byte as it was; a
 * canary answers its share with the version named in a header and the JSON; a bad rollout is refused in words; promote
 * and rollback under load fail no request; {@code rollout.json} is read by the poll, and a bad one shows. Waits for
 * states with a deadline; times nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutApiTest {

    private static final String TOKEN = "rollout-admin-token-0123456789abcdef";
    private static final String PREDICT = "/models/banknote/api/predict";
    private static final String STATUS = "/models/banknote/api/rollout";
    private static final String ADMIN = "/admin/models/banknote/rollout";

    private static final ModelDirectory DIR = directory();

    @RegisterExtension
    static final Http http = Http.startingTheApp(
            Map.of("TABSERVE_ADMIN_TOKEN", TOKEN), "--models", DIR.root().toString(), "--poll-seconds", "1");

    private static ModelDirectory directory() {
        try {
            ModelDirectory dir = ModelDirectory.withFourModels();
            dir.copy(PENGUINS.resolve("fixed-batch-4.onnx"), "banknote/2/model.onnx");
            dir.install(withInputNamed("notes"), "banknote/3/model.onnx");
            dir.install("not an ONNX file".getBytes(StandardCharsets.UTF_8), "banknote/4/model.onnx");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bundled model with its graph input renamed: the same features and classes, another tensor to name. */
    private static byte[] withInputNamed(String input) throws IOException {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(BankNotes.MODEL));
        String old = model.getGraph().getInput(0).getName();
        OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
        graph.setInput(0, graph.getInput(0).toBuilder().setName(input));
        for (OnnxMl.NodeProto.Builder node : graph.getNodeBuilderList()) {
            for (int i = 0; i < node.getInputCount(); i++) {
                if (node.getInput(i).equals(old)) {
                    node.setInput(i, input);
                }
            }
        }
        return model.toBuilder().setGraph(graph).build().toByteArray();
    }

    private static Http.Response admin(String method, String path, String json, String... auth) {
        List<String> headers = new ArrayList<>(List.of("Content-Type", "application/json"));
        headers.addAll(List.of(auth.length == 0 ? new String[] {"Authorization", "Bearer " + TOKEN} : auth));
        return http.send(
                method, path, java.net.http.HttpRequest.BodyPublishers.ofString(json), headers.toArray(String[]::new));
    }

    private static JsonNode set(String json) {
        return admin("PUT", ADMIN, json).json();
    }

    private static JsonNode awaitStatus(Predicate<JsonNode> test) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode status = http.get(STATUS).json();
        while (!test.test(status)) {
            assertTrue(System.nanoTime() < deadline, "the rollout never showed what was awaited: " + status);
            Thread.sleep(100);
            status = http.get(STATUS).json();
        }
        return status;
    }

    @Test
    @Order(1)
    void aShadowNeverChangesAnAnswerAndComparesTheRowsOnBothVersions() throws Exception {
        assertEquals(1, set("{\"serving\": 1}").path("serving").asLong());
        List<String> notes =
                BankNotes.mixed(40).stream().map(n -> n.json().toString()).toList();
        List<byte[]> without = new ArrayList<>();
        for (String note : notes) {
            Http.Response answer = http.postJson(PREDICT, note);
            assertEquals(200, answer.status());
            assertEquals("1", answer.header("X-Model-Version").orElseThrow(), "every answer names its version");
            without.add(answer.body());
        }
        JsonNode status = set("{\"serving\": 1, \"shadow\": {\"version\": 2}}");
        assertEquals(2, status.path("shadow").path("version").asLong());
        for (int i = 0; i < notes.size(); i++) {
            Http.Response answer = http.postJson(PREDICT, notes.get(i));
            assertArrayEquals(without.get(i), answer.body(), "the answer to " + notes.get(i) + " with a shadow");
            assertEquals("1", answer.header("X-Model-Version").orElseThrow(), "the shadow never answers");
        }
        JsonNode shadow = awaitStatus(s -> s.path("shadow").path("compared").asLong() == notes.size())
                .path("shadow");
        assertEquals(1, shadow.path("compared_with").asLong());
        double agreement = shadow.path("agreement").asDouble();
        assertTrue(agreement > 0.5 && agreement <= 1, "two bank-note classifiers mostly agree: " + shadow);
        assertTrue(
                shadow.path("difference").path("p99").asDouble() > 0, "other weights, other probabilities: " + shadow);
        assertTrue(
                shadow.path("difference").path("mean").asDouble()
                        <= shadow.path("difference").path("p99").asDouble() + 1e-12,
                shadow.toString());
        assertTrue(shadow.path("latency_ms").path("1").path("p50").isNumber(), shadow.toString());
        assertTrue(shadow.path("latency_ms").path("2").path("p99").isNumber(), shadow.toString());
        assertEquals(0, shadow.path("errors").path("2").asLong(), shadow.toString());
        JsonNode worst = shadow.path("disagreements");
        assertTrue(worst.size() >= 1 && worst.size() <= 5, shadow.toString());
        assertTrue(
                worst.get(0).path("difference").isNumber() && !worst.get(0).has("inputs"),
                "anonymous callers see how far apart, not whose row: " + worst);
        JsonNode rows = http.get(STATUS, "Authorization", "Bearer " + TOKEN)
                .json()
                .path("shadow")
                .path("disagreements");
        assertTrue(rows.get(0).path("inputs").has("variance"), "the rows they differ most on, for the admin: " + rows);
        String metrics = http.get("/metrics").text();
        assertTrue(
                metrics.contains("tabserve_rollout_compared_rows_total{model=\"banknote\",role=\"shadow\","
                        + "version=\"2\"} " + notes.size()),
                "the comparison in /metrics");
    }

    @Test
    @Order(2)
    void aCanaryAnswersItsShareByRequestIdAndEachAnswerNamesItsVersion() throws Exception {
        set("{\"serving\": 1, \"canary\": {\"version\": 2, \"percent\": 50}}");
        Set<String> versions = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            String id = "req-" + i;
            Http.Response first = http.send(
                    "POST",
                    PREDICT,
                    java.net.http.HttpRequest.BodyPublishers.ofString(NOTE),
                    "Content-Type",
                    "application/json",
                    "X-Request-Id",
                    id);
            Http.Response retry = http.send(
                    "POST",
                    PREDICT,
                    java.net.http.HttpRequest.BodyPublishers.ofString(NOTE),
                    "Content-Type",
                    "application/json",
                    "X-Request-Id",
                    id);
            String version = first.header("X-Model-Version").orElseThrow();
            assertEquals(version, retry.header("X-Model-Version").orElseThrow(), "a retried id, the same version");
            assertEquals(version, first.json().path("model_version").asText(), "the JSON names the version too");
            versions.add(version);
        }
        assertEquals(Set.of("1", "2"), versions, "both versions answer at 50 %");
        // gRPC's x-request-id keeps a retried call on its version as X-Request-Id does over REST.
        ManagedChannel channel = GrpcWire.channelTo(http.server());
        Set<String> grpcVersions = new HashSet<>();
        try {
            for (int i = 0; i < 20; i++) {
                io.grpc.Metadata headers = new io.grpc.Metadata();
                headers.put(
                        io.grpc.Metadata.Key.of("x-request-id", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                        "grpc-retry-" + i);
                var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
                String first = stub.modelInfer(NOTE_INFER).getModelVersion();
                assertEquals(
                        first, stub.modelInfer(NOTE_INFER).getModelVersion(), "a retried gRPC call, the same version");
                grpcVersions.add(first);
            }
        } finally {
            channel.shutdownNow();
        }
        assertEquals(Set.of("1", "2"), grpcVersions, "both versions answer gRPC calls at 50 %");
        // Counted as each request ends, which may come just after its answer reached the client.
        JsonNode canary = awaitStatus(s -> s.path("canary")
                                        .path("answered")
                                        .path("1")
                                        .asLong()
                                + s.path("canary").path("answered").path("2").asLong()
                        >= 120)
                .path("canary");
        assertEquals(
                120,
                canary.path("answered").path("1").asLong()
                        + canary.path("answered").path("2").asLong(),
                "each request counted once, under the version that answered it");
    }

    /** One bank note as a gRPC ModelInfer request of the unversioned model. */
    private static final ModelInferRequest NOTE_INFER = ModelInferRequest.newBuilder()
            .setModelName("banknote")
            .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                    .setName("input")
                    .setDatatype("FP32")
                    .addShape(1)
                    .addShape(4)
                    .setContents(InferTensorContents.newBuilder()
                            .addAllFp32Contents(List.of(3.6216f, 8.6661f, -2.8073f, -0.44699f))))
            .build();

    @Test
    @Order(3)
    void everyProtocolFollowsTheCanaryAndANamedVersionIsKept() throws Exception {
        set("{\"serving\": 1, \"canary\": {\"version\": 2, \"percent\": 100}}");
        Http.Response v2 = http.postJson(
                "/v2/models/banknote/infer",
                "{\"inputs\": [{\"name\": \"input\", \"shape\":"
                        + " [1, 4], \"datatype\": \"FP32\", \"data\": [3.6216, 8.6661, -2.8073, -0.44699]}]}");
        assertEquals("2", v2.json().path("model_version").asText(), v2.text());
        assertEquals("2", v2.header("X-Model-Version").orElseThrow());
        Http.Response mlflow = http.postJson("/models/banknote/invocations", "{\"dataframe_records\": [" + NOTE + "]}");
        assertEquals(200, mlflow.status(), mlflow.text());
        assertEquals("2", mlflow.header("X-Model-Version").orElseThrow());
        Http.Response named = http.postJson("/models/banknote/versions/1/api/predict", NOTE);
        assertEquals("1", named.header("X-Model-Version").orElseThrow(), "a named version is that version");
        assertTrue(named.json().path("model_version").isMissingNode(), "its answer is as it was: " + named.text());
        ManagedChannel channel = GrpcWire.channelTo(http.server());
        try {
            ModelInferResponse answer = GRPCInferenceServiceGrpc.newBlockingStub(channel)
                    .modelInfer(ModelInferRequest.newBuilder()
                            .setModelName("banknote")
                            .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                                    .setName("input")
                                    .setDatatype("FP32")
                                    .addShape(1)
                                    .addShape(4)
                                    .setContents(InferTensorContents.newBuilder()
                                            .addAllFp32Contents(List.of(3.6216f, 8.6661f, -2.8073f, -0.44699f))))
                            .build());
            assertEquals("2", answer.getModelVersion(), "gRPC follows the canary");
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    @Order(4)
    void aBadRolloutIsRefusedInWordsAndNeverApplied() {
        set("{\"serving\": 1}");
        JsonNode missing = admin("PUT", ADMIN, "{\"canary\": {\"version\": 9, \"percent\": 10}}")
                .problem(422);
        assertTrue(missing.path("detail").asText().contains("has no version 9"), missing.toString());
        JsonNode failed = admin("PUT", ADMIN, "{\"shadow\": {\"version\": 4}}").problem(422);
        assertTrue(failed.path("detail").asText().contains("version 4 is failed ("), failed.toString());
        JsonNode inputs = admin("PUT", ADMIN, "{\"serving\": 1, \"canary\": {\"version\": 3, \"percent\": 10}}")
                .problem(422);
        assertTrue(inputs.path("detail").asText().contains("[notes]"), "a canary must take v2 requests: " + inputs);
        List<String> fields = admin(
                        "PUT",
                        ADMIN,
                        "{\"canary\": {\"version\": 2, \"percent\": 140, \"weight\": 1}," + " \"mirror\": true}")
                .errorFields(400);
        assertEquals(
                List.of("canary.percent", "canary.weight", "mirror"),
                fields.stream().sorted().toList());
        admin("PUT", ADMIN, "{\"shadow\": {\"version\": 2}} trailing").problem(400);
        admin("PUT", ADMIN, "{\"shadow\": " + "[".repeat(10_000) + "}").problem(413);
        admin("PUT", ADMIN, "{\"shadow\": {\"version\": 2}}", "Authorization", "Bearer wrong")
                .problem(403);
        admin("PUT", ADMIN, "{\"shadow\": {\"version\": 2}}", "X-None", "none").problem(401);
        admin("PUT", "/admin/models/nosuch/rollout", "{}").problem(404);
        assertEquals(
                "{\"serving\":1}", http.get(STATUS).json().path("rollout").toString(), "nothing refused was applied");
        assertEquals(
                3,
                set("{\"serving\": 1, \"shadow\": {\"version\": 3}}")
                        .path("shadow")
                        .path("version")
                        .asLong(),
                "a shadow of other graph inputs is taken: its rows are checked again for it");
    }

    @Test
    @Order(5)
    void promoteAndRollbackUnderLoadFailNoRequest() throws Exception {
        set("{\"serving\": 1}");
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger answered = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            Thread client = new Thread(() -> {
                Http own = http.fresh();
                while (running.get()) {
                    Http.Response answer = own.postJson(PREDICT, NOTE);
                    if (answer.status() != 200) {
                        failures.add(answer.status() + " " + answer.text());
                    }
                    answered.incrementAndGet();
                }
            });
            client.start();
            clients.add(client);
        }
        try {
            awaitAnswered(answered, 30);
            set("{\"serving\": 1, \"canary\": {\"version\": 2, \"percent\": 30}}");
            awaitAnswered(answered, answered.get() + 30);
            assertEquals(
                    1,
                    admin("POST", ADMIN + "/rollback", "")
                            .json()
                            .path("serving")
                            .asLong());
            awaitAnswered(answered, answered.get() + 30);
            assertEquals(
                    "1", http.postJson(PREDICT, NOTE).header("X-Model-Version").orElseThrow());
            set("{\"serving\": 1, \"canary\": {\"version\": 2, \"percent\": 30}}");
            awaitAnswered(answered, answered.get() + 30);
            JsonNode promoted = admin("POST", ADMIN + "/promote", "").json();
            assertEquals(2, promoted.path("serving").asLong(), promoted.toString());
            awaitAnswered(answered, answered.get() + 30);
        } finally {
            running.set(false);
            for (Thread client : clients) {
                client.join();
            }
        }
        assertEquals(List.of(), List.copyOf(failures), "no request failed");
        for (int i = 0; i < 20; i++) {
            assertEquals(
                    "2", http.postJson(PREDICT, NOTE).header("X-Model-Version").orElseThrow(), "promoted");
        }
        assertEquals(
                "{\n  \"serving\" : 2,\n  \"promoted_from\" : 1\n}\n",
                Files.readString(DIR.resolve("banknote/rollout.json")),
                "the promoted version is kept in rollout.json with the one it replaced, and no model file was"
                        + " touched");
        assertTrue(Files.exists(DIR.resolve("banknote/1/model.onnx")));
    }

    @Test
    @Order(6)
    void rolloutJsonIsReadByThePollAndABadOneIsShownNotIgnored() throws Exception {
        DIR.install(
                "{\"serving\": 1, \"canary\": {\"version\": 2, \"percent\": 0}}".getBytes(), "banknote/rollout.json");
        awaitStatus(s -> s.path("canary").path("version").asLong() == 2
                && s.path("serving").asLong() == 1);
        DIR.install("{\"canary\": {\"version\": 2, \"percent\": \"ten\"}}".getBytes(), "banknote/rollout.json");
        JsonNode bad = awaitStatus(s -> !s.path("problem").isNull());
        assertTrue(bad.path("problem").asText().contains("canary.percent"), bad.toString());
        assertEquals(0.0, bad.path("canary").path("percent").asDouble(), "the rollout read before holds");
        assertTrue(
                http.get("/models")
                        .html()
                        .select("#rollouts-section .rollout-problem")
                        .text()
                        .contains("canary.percent"),
                "the /models page shows the bad rollout.json");
        assertTrue(
                http.get("/models/banknote/card")
                        .html()
                        .select("#rollout-section")
                        .text()
                        .contains("canary"),
                "so does the model's card");
        DIR.install(
                "{\"serving\": 1, \"canary\": {\"version\": 9, \"percent\": 5}}".getBytes(), "banknote/rollout.json");
        JsonNode missing = awaitStatus(s -> s.path("problem").asText().contains("has no version 9"));
        assertEquals(
                "1",
                http.postJson(PREDICT, NOTE).header("X-Model-Version").orElseThrow(),
                "a canary of a missing version answers nothing: " + missing);
        assertTrue(
                http.get("/models")
                        .html()
                        .select("#rollouts-section .rollout-problem")
                        .text()
                        .contains("has no version 9"),
                "a rollout of a missing version shows as such");
    }

    private static void awaitAnswered(AtomicInteger answered, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (answered.get() < count) {
            assertTrue(System.nanoTime() < deadline, "the clients stopped answering");
            Thread.sleep(20);
        }
    }
}
