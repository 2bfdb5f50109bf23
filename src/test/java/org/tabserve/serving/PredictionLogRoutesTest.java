package org.tabserve.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import inference.GRPCInferenceServiceGrpc;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.Multipart;

/**
 * The prediction log end to end ({@code --prediction-log DIR --prediction-log-mask sex}), on the bundled bank-note
 * model and the skl2onnx penguin pipeline: every route that scores (JSON, CSV upload, MLflow, v2 REST, gRPC) writes
 * one line per row it answered, carrying the caller's {@code X-Request-Id} (echoed), the model and version, what was
 * called, the row's inputs as the model took them and the answer the caller got; the masked column's values never
 * reach the file; {@code /metrics} counts the rows written.
 */
class PredictionLogRoutesTest {

    private static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    @TempDir
    static Path dir;

    static Path log;
    static TabserveServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        Path models = Files.createDirectory(dir.resolve("models"));
        Files.copy(Path.of("model.onnx"), models.resolve("banknote.onnx"));
        Files.copy(PENGUINS.resolve("species-zipmap.onnx"), models.resolve("penguins.onnx"));
        log = dir.resolve("log");
        server = TabserveServer.startReady(
                "--models",
                models.toString(),
                "--default-model",
                "banknote",
                "--prediction-log",
                log.toString(),
                "--prediction-log-mask",
                "sex");
        http = new Http(server);
        ModelDirectory.awaitReady(http, 2);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** The log's whole lines: the writer thread may be in the middle of the last one. */
    private static List<String> wholeLines(Path file) throws java.io.IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return text.substring(0, text.lastIndexOf('\n') + 1).lines().toList();
    }

    /** The log's lines of one request, waiting for the writer thread to write {@code count} of them. */
    private static List<JsonNode> lines(String requestId, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<JsonNode> found = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            found.clear();
            Path file = log.resolve("predictions.jsonl");
            if (Files.exists(file)) {
                for (String line : wholeLines(file)) {
                    JsonNode node = Http.JSON.readTree(line);
                    if (node.path("request_id").asText().equals(requestId)) {
                        found.add(node);
                    }
                }
            }
            if (found.size() >= count) {
                return found;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the log has " + found.size() + " of " + count + " lines of request " + requestId);
    }

    private static final String BANKNOTES = "{\"instances\": [{\"variance\": 3.6216, \"skewness\": 8.6661,"
            + " \"curtosis\": -2.8073, \"entropy\": -0.44699}, {\"variance\": -1.3971, \"skewness\": 3.3191,"
            + " \"curtosis\": -1.3927, \"entropy\": -1.9948}]}";

    @Test
    void aJsonBatchIsLoggedRowByRowWithTheCallersIdItsInputsAndTheAnswerItGot() throws Exception {
        Http.Response response = http.post(
                "/models/banknote/api/predict",
                "application/json",
                BANKNOTES.getBytes(StandardCharsets.UTF_8),
                "X-Request-Id",
                "client-42");
        assertEquals(200, response.status());
        assertEquals("client-42", response.headers().firstValue("X-Request-Id").orElse(""), "the id is echoed");
        JsonNode answer = response.json();
        JsonNode sent = Http.JSON.readTree(BANKNOTES).path("instances");
        List<JsonNode> lines = lines("client-42", 2);
        assertEquals(2, lines.size(), "one line per row");
        for (int row = 0; row < 2; row++) {
            JsonNode line = lines.get(row);
            assertEquals("banknote", line.path("model").asText());
            assertEquals(1, line.path("version").asLong());
            assertEquals("POST /models/banknote/api/predict", line.path("call").asText());
            assertTrue(line.path("latency_ms").asDouble() > 0, line::toString);
            assertFalse(line.path("time").asText().isEmpty());
            for (Iterator<Map.Entry<String, JsonNode>> f = sent.get(row).fields(); f.hasNext(); ) {
                Map.Entry<String, JsonNode> field = f.next();
                // the model takes floats: the log has the float the model scored, written in its shortest form
                assertEquals(
                        (float) field.getValue().asDouble(),
                        (float) line.path("inputs").path(field.getKey()).asDouble(),
                        line::toString);
            }
            JsonNode predicted = answer.path("predictions").get(row);
            assertEquals(predicted.path("label"), line.path("outputs").path("label"));
            assertEquals(predicted.path("probabilities"), line.path("outputs").path("probabilities"));
        }
    }

    @Test
    void aRequestWithoutAnIdIsGivenOneAndAnIdThatIsNoTokenIsReplaced() throws Exception {
        for (String sent : new String[] {null, "no spaces or \"quotes\" please"}) {
            String row = "{\"variance\": 1, \"skewness\": 2, \"curtosis\": 3, \"entropy\": 4}";
            Http.Response response = sent == null
                    ? http.postJson("/api/predict", row)
                    : http.post(
                            "/api/predict",
                            "application/json",
                            row.getBytes(StandardCharsets.UTF_8),
                            "X-Request-Id",
                            sent);
            assertEquals(200, response.status());
            String id = response.headers().firstValue("X-Request-Id").orElseThrow();
            assertTrue(id.matches("[0-9a-f-]{36}"), id);
            JsonNode line = lines(id, 1).get(0);
            assertEquals("POST /api/predict", line.path("call").asText());
            assertEquals(response.json().path("label"), line.path("outputs").path("label"));
        }
    }

    @Test
    void csvUploadsMlflowAndV2AreLoggedAsTheyAnswered() throws Exception {
        String csv = "variance,skewness,curtosis,entropy\n3.6216,8.6661,-2.8073,-0.44699\n-1.3971,3.3191,-1.3927,"
                + "-1.9948\n0.5,0.5,0.5,0.5\n";
        Http.Response upload = http.upload(
                "/models/banknote/predict_file?format=json",
                Multipart.csv(csv),
                "X-Request-Id",
                "upload-1",
                "Accept",
                "application/json");
        assertEquals(200, upload.status(), upload::toString);
        List<JsonNode> uploaded = lines("upload-1", 3);
        assertEquals(3, uploaded.size());
        assertEquals(
                "POST /models/banknote/predict_file",
                uploaded.get(0).path("call").asText());

        Http.Response mlflow = http.post(
                "/models/banknote/invocations",
                "text/csv",
                csv.getBytes(StandardCharsets.UTF_8),
                "X-Request-Id",
                "mlflow-1");
        assertEquals(200, mlflow.status());
        List<JsonNode> invoked = lines("mlflow-1", 3);
        for (int row = 0; row < 3; row++) {
            // MLflow's answer is the label alone
            assertEquals(
                    mlflow.json().path("predictions").get(row).asText(),
                    invoked.get(row).path("outputs").path("label").asText(),
                    mlflow::toString);
        }

        String v2 = "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [1, 4],"
                + " \"data\": [0.5, 0.5, 0.5, 0.5]}]}";
        Http.Response infer = http.post(
                "/v2/models/banknote/infer",
                "application/json",
                v2.getBytes(StandardCharsets.UTF_8),
                "X-Request-Id",
                "v2-1");
        assertEquals(200, infer.status());
        JsonNode line = lines("v2-1", 1).get(0);
        assertEquals("POST /v2/models/banknote/infer", line.path("call").asText());
        assertEquals(0.5, line.path("inputs").path("entropy").asDouble());
        assertEquals(invoked.get(2).path("outputs"), line.path("outputs"), "the same row answered alike");
    }

    @Test
    void grpcModelInferIsLoggedWithAnIdMadeForIt() throws Exception {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                        server.uri().getHost(), server.uri().getPort(), InsecureChannelCredentials.create())
                .build();
        try {
            ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("banknote");
            request.addInputsBuilder()
                    .setName("input")
                    .setDatatype("FP32")
                    .addShape(1)
                    .addShape(4)
                    .setContents(InferTensorContents.newBuilder()
                            .addFp32Contents(-4.25f)
                            .addFp32Contents(1.5f)
                            .addFp32Contents(2.25f)
                            .addFp32Contents(0.125f));
            GRPCInferenceServiceGrpc.newBlockingStub(channel).modelInfer(request.build());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (String text : wholeLines(log.resolve("predictions.jsonl"))) {
                JsonNode line = Http.JSON.readTree(text);
                if (line.path("call").asText().equals("grpc ModelInfer")) {
                    assertEquals(-4.25, line.path("inputs").path("variance").asDouble());
                    assertTrue(line.path("request_id").asText().matches("[0-9a-f-]{36}"), text);
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line of the gRPC call in the log");
    }

    @Test
    void theMaskedColumnNeverReachesTheFileAndTextAndMissingValuesAreLoggedAsTaken() throws Exception {
        String rows = "{\"instances\": [{\"island\": \"Biscoe\", \"bill_length_mm\": 45.2, \"bill_depth_mm\": 14.8,"
                + " \"flipper_length_mm\": 212, \"body_mass_g\": 5200, \"sex\": \"FEMALE\"},"
                + " {\"island\": \"Dream\", \"bill_length_mm\": null, \"bill_depth_mm\": 18.1,"
                + " \"flipper_length_mm\": 193, \"body_mass_g\": 3750, \"sex\": \"MALE\"}]}";
        Http.Response response = http.post(
                "/models/penguins/api/predict",
                "application/json",
                rows.getBytes(StandardCharsets.UTF_8),
                "X-Request-Id",
                "penguins-1");
        assertEquals(200, response.status(), response::toString);
        List<JsonNode> lines = lines("penguins-1", 2);
        for (int row = 0; row < 2; row++) {
            JsonNode line = lines.get(row);
            assertFalse(line.path("inputs").has("sex"), line::toString);
            assertEquals("[\"sex\"]", line.path("masked").toString());
            assertEquals(
                    response.json().path("predictions").get(row).path("label"),
                    line.path("outputs").path("label"));
        }
        assertEquals("Biscoe", lines.get(0).path("inputs").path("island").asText());
        assertTrue(lines.get(1).path("inputs").path("bill_length_mm").isNull(), "a missing number is null");
        String file = Files.readString(log.resolve("predictions.jsonl"), StandardCharsets.UTF_8);
        assertFalse(file.contains("FEMALE"), "a masked value was written");
    }

    @Test
    void aMaskedColumnsUnknownCategoryIsWarnedAboutWithoutItsValue() throws Exception {
        // the form's route, as a browser sends it: the value is a category the model has not seen
        Http.Response response = http.get(
                "/models/penguins/predict?island=Biscoe&bill_length_mm=45.2"
                        + "&bill_depth_mm=14.8&flipper_length_mm=212&body_mass_g=5200&sex=Secret-Sex-Value",
                "X-Request-Id",
                "penguins-masked-warning");
        assertEquals(200, response.status(), response::toString);
        JsonNode line = lines("penguins-masked-warning", 1).get(0);
        JsonNode warnings = line.path("outputs").path("warnings");
        assertEquals(1, warnings.size(), line::toString);
        assertEquals("sex", warnings.get(0).path("feature").asText());
        assertTrue(warnings.get(0).path("message").asText().contains("masked"), line::toString);
        String file = Files.readString(log.resolve("predictions.jsonl"), StandardCharsets.UTF_8);
        assertFalse(file.contains("Secret-Sex-Value"), "a masked value was written in a warning");
    }

    @Test
    void metricsCountTheRowsWritten() throws Exception {
        http.post(
                "/api/predict",
                "application/json",
                BANKNOTES.getBytes(StandardCharsets.UTF_8),
                "X-Request-Id",
                "metrics-1");
        lines("metrics-1", 2);
        String metrics = new String(http.get("/metrics").body(), StandardCharsets.UTF_8);
        long logged = Files.readAllLines(log.resolve("predictions.jsonl")).size();
        long written = metrics.lines()
                .filter(l -> l.startsWith("tabserve_prediction_log_rows_total{outcome=\"written\"}"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
        assertTrue(written >= 2 && written <= logged, "written " + written + ", lines " + logged + "\n" + metrics);
        assertTrue(metrics.contains("tabserve_prediction_log_rows_total{outcome=\"dropped\"} 0.0"), metrics);
    }
}
