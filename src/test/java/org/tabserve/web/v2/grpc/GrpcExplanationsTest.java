package org.tabserve.web.v2.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import inference.GRPCInferenceServiceGrpc;
import inference.InferParameter;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.FixtureCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.CostlyExplanations;
import org.tabserve.testing.GrpcWire;
import org.tabserve.web.v2.TypedModelsV2Test;

/**
 * Issue 24: ModelInfer explains when its parameters say {@code explain} (a bool_param), with the same three outputs as
 * REST v2's {@code "parameters": {"explain": true}} and the same values, on models carded by the real {@code card}
 * command (the bank-note model; the penguins species classifier, text inputs as BYTES); a model whose card has no
 * background sample, and {@code explain} as text, are refused with REST's words.
 */
class GrpcExplanationsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURES = Path.of("src/test/resources/org/tabserve/fixtures");
    private static final InferParameter TRUE =
            InferParameter.newBuilder().setBoolParam(true).build();

    @TempDir
    static Path dir;

    static TabserveServer server;
    static ManagedChannel channel;
    static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

    @BeforeAll
    static void start() throws Exception {
        Path models = Files.createDirectory(dir.resolve("models"));
        Path cards = Files.createDirectory(dir.resolve("cards"));
        FixtureCards.banknote(models);
        Files.copy(FixtureCards.card(cards, "species-zipmap", "species"), models.resolve("species.onnx"));
        Files.copy(Path.of("model.onnx"), models.resolve("plain.onnx"));
        CostlyExplanations.card(models.resolve("wide10.onnx"));
        // The default limit on model rows a request's explanations may evaluate (4,000,000): 36 rows of the
        // 10-column model by coalitions fit (3.7 M), 40 do not.
        server = TabserveServer.startReady(
                CostlyExplanations.BY_COALITIONS, "--models", models.toString(), "--default-model", "banknote");
        for (String name : List.of("banknote", "species", "plain", "wide10")) {
            awaitReady(name);
        }
        channel = GrpcWire.channelTo(server);
        stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() throws Exception {
        GrpcWire.close(channel, server);
    }

    @Test
    void bankNotesAreExplainedAsRestV2ExplainsThem() throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", "notes");
        request.put(
                "inputs",
                List.of(Map.of(
                        "name",
                        "input",
                        "shape",
                        List.of(3, 4),
                        "datatype",
                        "FP32",
                        "data",
                        List.of(
                                3.6216, 8.6661, -2.8073, -0.44699, -1.3971, 3.3191, -1.3927, -1.9948, 0.32924, -4.4552,
                                4.5718, -0.9888))));
        assertExplainedAlike("banknote", request, 3, 4);
    }

    @Test
    void penguinsWithTextInputsAreExplainedAsRestV2ExplainsThem() throws Exception {
        ObjectNode expected = (ObjectNode) JSON.readTree(
                FIXTURES.resolve("penguins/species-zipmap.expected.json").toFile());
        ArrayNode rows = JSON.createArrayNode();
        for (int r = 0; r < 4; r++) {
            rows.add(expected.path("rows").get(r));
        }
        expected.set("rows", rows);
        Map<String, Object> request = JSON.convertValue(
                TypedModelsV2Test.inferRequest(expected),
                JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
        assertExplainedAlike("species", request, 4, expected.path("inputs").size());
    }

    @Test
    void aModelWithoutABackgroundSampleAndExplainAsTextAreRefusedWithRestsWords() throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put(
                "inputs",
                List.of(Map.of(
                        "name",
                        "input",
                        "shape",
                        List.of(1, 4),
                        "datatype",
                        "FP32",
                        "data",
                        List.of(3.6, 8.6, -2.8, -0.44))));
        request.put("parameters", Map.of("explain", true));
        String rest = restError("plain", request);
        StatusRuntimeException plain = assertThrows(
                StatusRuntimeException.class,
                () -> stub.modelInfer(OpenInferenceGrpcTest.grpcRequest("plain", request, false).toBuilder()
                        .putParameters("explain", TRUE)
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, plain.getStatus().getCode());
        assertEquals(rest, plain.getStatus().getDescription());
        assertTrue(rest.contains("card command"), rest);

        request.put("parameters", Map.of("explain", "true"));
        String text = restError("banknote", request);
        StatusRuntimeException asText = assertThrows(
                StatusRuntimeException.class,
                () -> stub.modelInfer(OpenInferenceGrpcTest.grpcRequest("banknote", request, false).toBuilder()
                        .putParameters(
                                "explain",
                                InferParameter.newBuilder()
                                        .setStringParam("true")
                                        .build())
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, asText.getStatus().getCode());
        assertEquals(text, asText.getStatus().getDescription());
    }

    /**
     * Issue 34, item 6: a call whose deadline passes stops its explanation. 36 rows of the 10-column model (3.7 M
     * model rows, seconds of CPU) are asked for with a 300 ms deadline: the call ends DEADLINE_EXCEEDED, the server
     * counts the explanation as cancelled, and the model rows it evaluated stop short of what it needed (before the
     * fix it ran to its end, long after its caller had gone).
     */
    @Test
    void anExplanationStopsWhenItsCallsDeadlinePasses() throws Exception {
        double rowsBefore = metric("tabserve_explanation_model_rows_total");
        double cancelledBefore = metric("tabserve_explanations_total{outcome=\"cancelled\"}");
        StatusRuntimeException late = assertThrows(
                StatusRuntimeException.class,
                () -> stub.withDeadlineAfter(300, java.util.concurrent.TimeUnit.MILLISECONDS)
                        .modelInfer(wideRows(36)));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, late.getStatus().getCode());
        CostlyExplanations.await(
                () -> metric("tabserve_explanations_total{outcome=\"cancelled\"}") > cancelledBefore,
                "the explanation to be counted as cancelled");
        double evaluated = metric("tabserve_explanation_model_rows_total") - rowsBefore;
        assertTrue(evaluated < 36 * WIDE_ROW_COST, "stopped after " + evaluated + " of " + 36 * WIDE_ROW_COST);
        assertEquals(1, stub.modelInfer(wideRows(1)).getOutputs(0).getShape(0), "the server answers as ever");
    }

    /**
     * Explanations that would evaluate more model rows than {@code tabserve.max-explain-model-rows} are refused before
     * any is evaluated: REST's 413 naming {@code explain} and the setting, gRPC's RESOURCE_EXHAUSTED with its words.
     */
    @Test
    void moreModelRowsThanTheLimitAreRefusedBeforeAnyIsEvaluated() throws Exception {
        double rowsBefore = metric("tabserve_explanation_model_rows_total");
        StatusRuntimeException refused = assertThrows(
                StatusRuntimeException.class,
                () -> stub.modelInfer(wideRows(CostlyExplanations.ROWS_OVER_DEFAULT_LIMIT)));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
        String words = refused.getStatus().getDescription();
        assertTrue(words.contains("tabserve.max-explain-model-rows") && words.contains("4000000"), words);
        HttpResponse<String> rest = OpenInferenceGrpcTest.send(
                server,
                "POST",
                "/models/wide10/api/predict?explain=true",
                Map.of(
                        "instances",
                        java.util.Collections.nCopies(
                                CostlyExplanations.ROWS_OVER_DEFAULT_LIMIT, CostlyExplanations.row(0))));
        assertEquals(413, rest.statusCode(), rest.body());
        JsonNode problem = JSON.readTree(rest.body());
        assertEquals("explain", problem.path("errors").get(0).path("field").asText(), rest.body());
        assertTrue(problem.path("detail").asText().contains("TABSERVE_MAX_EXPLAIN_MODEL_ROWS"), rest.body());
        assertEquals(rowsBefore, metric("tabserve_explanation_model_rows_total"), "nothing evaluated");
    }

    private static final long WIDE_ROW_COST = CostlyExplanations.ROW_COST;

    private static ModelInferRequest wideRows(int rows) {
        return CostlyExplanations.grpc("wide10", rows);
    }

    private static double metric(String sample) throws Exception {
        return CostlyExplanations.metric(server, sample);
    }

    /**
     * The gRPC answer with {@code explain} holds REST's explained answer: the same outputs in the same order, names,
     * datatypes and shapes, the explanation's values within 1e-9, and the model's own outputs exactly.
     */
    private static void assertExplainedAlike(String model, Map<String, Object> request, int rows, int features)
            throws Exception {
        Map<String, Object> explained = new LinkedHashMap<>(request);
        explained.put("parameters", Map.of("explain", true));
        JsonNode rest = restAnswer(model, explained);
        ModelInferRequest grpcRequest = OpenInferenceGrpcTest.grpcRequest(model, request, false).toBuilder()
                .putParameters("explain", TRUE)
                .build();
        ModelInferResponse grpc = stub.modelInfer(grpcRequest);
        JsonNode outputs = rest.path("outputs");
        assertEquals(outputs.size(), grpc.getOutputsCount(), rest::toString);
        assertEquals(
                List.of("explanation_base_value", "explanation_output", "explanation_contributions"),
                grpc.getOutputsList().subList(grpc.getOutputsCount() - 3, grpc.getOutputsCount()).stream()
                        .map(ModelInferResponse.InferOutputTensor::getName)
                        .toList());
        for (int o = 0; o < outputs.size(); o++) {
            JsonNode want = outputs.get(o);
            ModelInferResponse.InferOutputTensor got = grpc.getOutputs(o);
            assertEquals(want.path("name").asText(), got.getName());
            assertEquals(want.path("datatype").asText(), got.getDatatype());
            List<Long> shape = JSON.convertValue(
                    want.path("shape"), JSON.getTypeFactory().constructCollectionType(List.class, Long.class));
            assertEquals(shape, got.getShapeList(), got.getName());
            if (!got.getName().startsWith("explanation_")) {
                continue; // the model's own outputs: OpenInferenceGrpcTest compares them
            }
            assertEquals("FP64", got.getDatatype());
            assertEquals(
                    got.getName().equals("explanation_contributions")
                            ? List.of((long) rows, (long) features)
                            : List.of((long) rows),
                    got.getShapeList());
            InferTensorContents contents = got.getContents();
            assertEquals(want.path("data").size(), contents.getFp64ContentsCount(), got.getName());
            for (int i = 0; i < contents.getFp64ContentsCount(); i++) {
                assertEquals(
                        want.path("data").get(i).asDouble(),
                        contents.getFp64Contents(i),
                        1e-9,
                        got.getName() + " " + i);
            }
        }
        for (String parameter : List.of("explanation_explained", "explanation_method")) {
            assertTrue(rest.path("parameters").path(parameter).isTextual(), parameter + ": " + rest);
            assertEquals(
                    rest.path("parameters").path(parameter).asText(),
                    grpc.getParametersOrThrow(parameter).getStringParam(),
                    parameter);
        }
        ModelInferResponse unexplained = stub.modelInfer(OpenInferenceGrpcTest.grpcRequest(model, request, false));
        assertEquals(grpc.getOutputsCount() - 3, unexplained.getOutputsCount(), "not asked, not explained");
        assertEquals(
                java.util.Set.of("model_sha256"),
                unexplained.getParametersMap().keySet(),
                "nothing explained, nothing said (the served file's digest aside)");
        assertEquals(unexplained.getOutputsList(), grpc.getOutputsList().subList(0, unexplained.getOutputsCount()));
        assertEquals(
                grpc,
                stub.modelInfer(OpenInferenceGrpcTest.grpcRequest(model, request, true).toBuilder()
                        .putParameters("explain", TRUE)
                        .build()),
                "raw_input_contents explained alike");
    }

    private static void awaitReady(String name) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (OpenInferenceGrpcTest.send(server, "GET", "/v2/models/" + name + "/ready", null)
                            .statusCode()
                    == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(name + " never became ready");
    }

    private static JsonNode restAnswer(String model, Object body) throws Exception {
        HttpResponse<String> response =
                OpenInferenceGrpcTest.send(server, "POST", "/v2/models/" + model + "/infer", body);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static String restError(String model, Object body) throws Exception {
        HttpResponse<String> response =
                OpenInferenceGrpcTest.send(server, "POST", "/v2/models/" + model + "/infer", body);
        assertEquals(400, response.statusCode(), response.body());
        return JSON.readTree(response.body()).path("error").asText();
    }
}
