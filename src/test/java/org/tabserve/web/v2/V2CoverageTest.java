package org.tabserve.web.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import inference.GRPCInferenceServiceGrpc;
import inference.InferParameter;
import inference.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tabserve.cli.ConformalServer;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.Http;
import org.tabserve.web.v2.grpc.OpenInferenceGrpcTest;

/**
 * The Open Inference Protocol's {@code coverage} parameter, over REST and gRPC alike: a regressor gains the outputs
 * {@code interval_lower} and {@code interval_upper}, a classifier {@code prediction_set} (BOOL, one column per class),
 * both {@code coverage} and {@code novelty_p_value}, with the same values as {@code /api/predict}'s; a coverage out of
 * range is refused naming {@code parameters.coverage}, with the same words on both transports.
 */
@ExtendWith(ConformalServer.class)
class V2CoverageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static TabserveServer server;
    static ManagedChannel channel;
    static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

    @BeforeAll
    static void start(TabserveServer shared) throws Exception {
        server = shared;
        channel = GrpcWire.channelTo(server);
        stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() throws Exception {
        GrpcWire.close(channel, null); // the server is the JVM's shared one
    }

    private static Map<String, Object> request(int columns, List<Double> data, Object coverage) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put(
                "inputs",
                List.of(Map.of(
                        "name",
                        "float_input",
                        "shape",
                        List.of(data.size() / columns, columns),
                        "datatype",
                        "FP32",
                        "data",
                        data)));
        request.put("parameters", Map.of("coverage", coverage));
        return request;
    }

    private static JsonNode rest(String model, Object body, int status) throws Exception {
        Http.Response response =
                new Http(server).postJson("/v2/models/" + model + "/infer", JSON.writeValueAsString(body));
        assertEquals(status, response.status(), response.text());
        return JSON.readTree(response.text());
    }

    private static Map<String, JsonNode> outputs(JsonNode answer) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        answer.path("outputs").forEach(o -> byName.put(o.path("name").asText(), o));
        return byName;
    }

    @Test
    void aRegressorGainsItsIntervalOutputsOnBothTransportsAlike() throws Exception {
        Map<String, Object> request = request(3, List.of(3.6216, 8.6661, -2.8073, -1.3971, 3.3191, -1.3927), 0.9);
        Map<String, JsonNode> outputs = outputs(rest("entropy", request, 200));
        assertEquals(
                List.of("variable", "interval_lower", "interval_upper", "coverage", "novelty_p_value"),
                List.copyOf(outputs.keySet()));
        JsonNode single = new Http(server)
                .postJson(
                        "/models/entropy/api/predict?coverage=0.9",
                        "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073}")
                .json();
        assertEquals(
                single.path("interval").path("upper").asDouble(),
                outputs.get("interval_upper").path("data").get(0).asDouble(),
                1e-6);
        ModelInferResponse grpc =
                stub.modelInfer(OpenInferenceGrpcTest.grpcRequest("entropy", request, false).toBuilder()
                        .putParameters(
                                "coverage",
                                InferParameter.newBuilder().setDoubleParam(0.9).build())
                        .build());
        assertEquals(
                List.copyOf(outputs.keySet()),
                grpc.getOutputsList().stream().map(o -> o.getName()).toList());
        assertEquals(
                outputs.get("interval_lower").path("data").get(1).asDouble(),
                grpc.getOutputs(1).getContents().getFp64Contents(1),
                0);
    }

    @Test
    void aClassifierGainsItsSetAsOneColumnPerClass() throws Exception {
        Map<String, Object> request = request(2, List.of(8.6661, -2.8073, 0.0, 0.0), "0.95");
        JsonNode set = outputs(rest("forged", request, 200)).get("prediction_set");
        assertEquals("BOOL", set.path("datatype").asText());
        assertEquals(List.of(2, 2), JSON.convertValue(set.path("shape"), List.class));
        assertTrue(set.path("data").get(0).asBoolean(), "the genuine note's set holds class 0: " + set);
        ModelInferResponse grpc =
                stub.modelInfer(OpenInferenceGrpcTest.grpcRequest("forged", request, false).toBuilder()
                        .putParameters(
                                "coverage",
                                InferParameter.newBuilder()
                                        .setStringParam("0.95")
                                        .build())
                        .build());
        ModelInferResponse.InferOutputTensor tensor = grpc.getOutputsList().stream()
                .filter(o -> o.getName().equals("prediction_set"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                JSON.convertValue(set.path("data"), List.class),
                tensor.getContents().getBoolContentsList());
    }

    @Test
    void aCoverageOutOfRangeIsRefusedWithTheSameWordsOnBothTransports() throws Exception {
        Map<String, Object> request = request(3, List.of(1.0, 2.0, 3.0), 0.999);
        String words = rest("entropy", request, 400).path("error").asText();
        assertTrue(words.contains("parameters.coverage"), words);
        StatusRuntimeException refused = assertThrows(
                StatusRuntimeException.class,
                () -> stub.modelInfer(OpenInferenceGrpcTest.grpcRequest("entropy", request, false).toBuilder()
                        .putParameters(
                                "coverage",
                                InferParameter.newBuilder()
                                        .setDoubleParam(0.999)
                                        .build())
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        assertEquals(words, refused.getStatus().getDescription());
    }
}
