package org.tabserve.web.v2.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import inference.GRPCInferenceServiceGrpc;
import inference.ModelInferRequest;
import inference.ModelStatisticsRequest;
import inference.ModelStatisticsResponse;
import inference.RepositoryIndexRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.ModelDirectory;

/**
 * The statistics extension over gRPC (ModelStatistics) against REST's
 * {@code GET /v2/models[/{name}[/versions/{v}]]/stats} on the same server, the launcher's embedded Jetty over a
 * {@code --models} directory with two versions of the bank-note model and two penguin models, driven by grpc-java's
 * generated stub: after inferences over REST and gRPC on both versions, and refusals on both transports, the same
 * versions with the same figures (rows, model calls, last inference, the count and nanoseconds of the requests that
 * scored and that failed) for one model, one version and every model (an empty name, as Triton reads it); a model or
 * version that does not serve is NOT_FOUND with REST's words; the call is counted under its model in the metrics.
 */
class V2GrpcStatisticsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final List<Double> NOTE = List.of(3.6216, 8.6661, -2.8073, -0.44699);

    private static ModelDirectory dir;
    private static TabserveServer server;
    private static ManagedChannel channel;
    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void start() throws Exception {
        dir = ModelDirectory.withFourModels();
        server = TabserveServer.startReady("--models", dir.root().toString());
        channel = GrpcWire.channelTo(server);
        stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // a guard against a hang, not a measure
        while (stub.repositoryIndex(RepositoryIndexRequest.newBuilder()
                                .setReady(true)
                                .build())
                        .getModelsCount()
                < 4) {
            assertTrue(System.nanoTime() < deadline, "the models never loaded");
            Thread.sleep(200);
        }

        // Version 1: 2 rows over REST, 3 over gRPC; version 2 (the highest, which a name alone asks for): 1 row over
        // gRPC and 1 over REST; one refusal on each transport, on version 2.
        assertEquals(200, post("/v2/models/banknote/versions/1/infer", notes(2)).statusCode());
        stub.modelInfer(OpenInferenceGrpcTest.grpcRequest("banknote", notes(3), false).toBuilder()
                .setModelVersion("1")
                .build());
        stub.modelInfer(OpenInferenceGrpcTest.grpcRequest("banknote", notes(1), false));
        assertEquals(200, post("/v2/models/banknote/infer", notes(1)).statusCode());
        Map<String, Object> wrongShape = notes(1);
        ((Map<String, Object>) ((List<?>) wrongShape.get("inputs")).get(0)).put("shape", List.of(1, 3));
        assertEquals(400, post("/v2/models/banknote/infer", wrongShape).statusCode());
        ModelInferRequest wrong = OpenInferenceGrpcTest.grpcRequest("banknote", notes(1), false);
        assertThrows(
                StatusRuntimeException.class,
                () -> stub.modelInfer(wrong.toBuilder()
                        .setInputs(0, wrong.getInputs(0).toBuilder().setDatatype("BYTES"))
                        .build()));
    }

    @AfterAll
    static void stop() throws Exception {
        GrpcWire.close(channel, server);
    }

    @Test
    void oneModelsStatisticsAreRestsFieldByField() throws Exception {
        List<String> rest = settledRest("/v2/models/banknote/stats");
        ModelStatisticsResponse grpc = statistics("banknote", "");
        assertEquals(rest, entries(grpc));
        assertEquals(
                List.of("banknote 1", "banknote 2"),
                grpc.getModelStatsList().stream()
                        .map(s -> s.getName() + " " + s.getVersion())
                        .toList());
        inference.ModelStatistics first = grpc.getModelStats(0);
        assertEquals(5, first.getInferenceCount(), "2 rows over REST and 3 over gRPC");
        assertEquals(2, first.getExecutionCount());
        assertEquals(2, first.getInferenceStats().getSuccess().getCount());
        assertTrue(first.getInferenceStats().getSuccess().getNs() > 0);
        assertEquals(0, first.getInferenceStats().getFail().getCount());
        assertTrue(first.getLastInference() > 0);
        inference.ModelStatistics second = grpc.getModelStats(1);
        assertEquals(2, second.getInferenceCount(), "a row over gRPC and one over REST");
        assertEquals(2, second.getInferenceStats().getSuccess().getCount());
        assertEquals(2, second.getInferenceStats().getFail().getCount(), "the refusals over REST and over gRPC");
        assertTrue(second.getInferenceStats().getFail().getNs() > 0);
        assertFalse(
                second.getInferenceStats().hasQueue()
                        || second.getInferenceStats().hasComputeInfer(),
                "the phases tabserve does not time apart are left unset, as REST leaves them out");
        assertEquals(0, second.getBatchStatsCount());
        assertEquals(0, second.getResponseStatsCount());

        assertEquals(settledRest("/v2/models/banknote/versions/2/stats"), entries(statistics("banknote", "2")));
        assertEquals(1, statistics("banknote", "2").getModelStatsCount());
    }

    @Test
    void anEmptyNameAsksForEveryModelsStatisticsAsRestsModelsStats() throws Exception {
        List<String> rest = settledRest("/v2/models/stats");
        ModelStatisticsResponse grpc = statistics("", "");
        assertEquals(rest, entries(grpc));
        assertEquals(
                List.of("banknote 1", "banknote 2", "mass 1", "species 1"),
                grpc.getModelStatsList().stream()
                        .map(s -> s.getName() + " " + s.getVersion())
                        .toList());
        assertEquals(0, grpc.getModelStats(2).getInferenceCount(), "an idle model has zeros");
        assertEquals(0, grpc.getModelStats(2).getLastInference());
    }

    @Test
    void aModelOrVersionThatDoesNotServeIsNotFoundWithRestsWords() throws Exception {
        assertNotFound("/v2/models/nope/stats", "nope", "");
        assertNotFound("/v2/models/banknote/versions/7/stats", "banknote", "7");
        assertNotFound("/v2/models/banknote/versions/01/stats", "banknote", "01");
        StatusRuntimeException noName = assertThrows(StatusRuntimeException.class, () -> statistics("", "1"));
        assertEquals(Status.Code.INVALID_ARGUMENT, noName.getStatus().getCode());
        assertTrue(noName.getStatus().getDescription().startsWith("version: "), noName::toString);
    }

    @Test
    void theCallIsCountedUnderTheModelItNames() throws Exception {
        String before = rest("/metrics").body();
        statistics("banknote", "");
        statistics("", "");
        assertThrows(StatusRuntimeException.class, () -> statistics("no-such-model", ""));
        String after = rest("/metrics").body();
        String route = ",protocol=\"grpc\",route=\"/inference.GRPCInferenceService/ModelStatistics\"";
        assertEquals(1, rise(before, after, "method=\"POST\",model=\"banknote\"" + route + ",status=\"OK\""));
        assertEquals(
                1,
                rise(before, after, "method=\"POST\",model=\"\"" + route + ",status=\"OK\""),
                "every model's statistics are no one model's");
        assertEquals(1, rise(before, after, "method=\"POST\",model=\"\"" + route + ",status=\"NOT_FOUND\""));
        assertFalse(after.contains("no-such-model"), "a name a client made up never becomes a label value");
    }

    private static ModelStatisticsResponse statistics(String name, String version) {
        return stub.modelStatistics(ModelStatisticsRequest.newBuilder()
                .setName(name)
                .setVersion(version)
                .build());
    }

    private static void assertNotFound(String path, String name, String version) throws Exception {
        HttpResponse<String> response = rest(path);
        assertEquals(404, response.statusCode(), response.body());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> statistics(name, version));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e::toString);
        assertEquals(
                JSON.readTree(response.body()).path("error").asText(),
                e.getStatus().getDescription());
    }

    /** Each version's figures, one line each, as {@link #settledRest} writes REST's. */
    private static List<String> entries(ModelStatisticsResponse response) {
        return response.getModelStatsList().stream()
                .map(s -> String.join(
                        " ",
                        s.getName(),
                        s.getVersion(),
                        "last=" + s.getLastInference(),
                        "rows=" + s.getInferenceCount(),
                        "calls=" + s.getExecutionCount(),
                        "success=" + duration(s.getInferenceStats().getSuccess()),
                        "fail=" + duration(s.getInferenceStats().getFail()),
                        "batches=" + s.getBatchStatsCount()))
                .toList();
    }

    private static String duration(inference.StatisticDuration duration) {
        return duration.getCount() + "/" + duration.getNs();
    }

    /**
     * REST's figures once they hold still: a REST request is counted as its exchange ends, which may be just after
     * its client has the answer, so the statistics are read until two reads agree.
     */
    private static List<String> settledRest(String path) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // a guard against a hang, not a measure
        List<String> previous = restEntries(path);
        while (true) {
            List<String> now = restEntries(path);
            if (now.equals(previous)) {
                return now;
            }
            assertTrue(System.nanoTime() < deadline, "the statistics never held still: " + now);
            previous = now;
        }
    }

    private static List<String> restEntries(String path) throws Exception {
        HttpResponse<String> response = rest(path);
        assertEquals(200, response.statusCode(), response.body());
        List<String> entries = new ArrayList<>();
        for (JsonNode s : JSON.readTree(response.body()).path("model_stats")) {
            JsonNode success = s.path("inference_stats").path("success");
            JsonNode fail = s.path("inference_stats").path("fail");
            entries.add(String.join(
                    " ",
                    s.path("name").asText(),
                    s.path("version").asText(),
                    "last=" + s.path("last_inference").asLong(),
                    "rows=" + s.path("inference_count").asLong(),
                    "calls=" + s.path("execution_count").asLong(),
                    "success=" + success.path("count").asLong() + "/"
                            + success.path("ns").asLong(),
                    "fail=" + fail.path("count").asLong() + "/"
                            + fail.path("ns").asLong(),
                    "batches=" + s.path("batch_stats").size()));
        }
        return entries;
    }

    /** A v2 infer body of {@code rows} copies of one genuine bank note, as one FP32 tensor named {@code input}. */
    private static Map<String, Object> notes(int rows) {
        List<Double> data = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            data.addAll(NOTE);
        }
        Map<String, Object> input = new java.util.LinkedHashMap<>(
                Map.of("name", "input", "datatype", "FP32", "shape", List.of(rows, 4), "data", data));
        return new java.util.LinkedHashMap<>(Map.of("inputs", List.of(input)));
    }

    private static double rise(String before, String after, String labels) {
        return sample(after, labels) - sample(before, labels);
    }

    private static double sample(String metrics, String labels) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "^" + java.util.regex.Pattern.quote("tabserve_http_requests_total{" + labels + "}")
                                + " (\\S+)$",
                        java.util.regex.Pattern.MULTILINE)
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static HttpResponse<String> post(String path, Object body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(server.uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> rest(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
