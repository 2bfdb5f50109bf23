package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import inference.GRPCInferenceServiceGrpc;
import inference.ModelInferResponse;
import inference.ServerLiveRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.tabserve.web.v2.grpc.OpenInferenceGrpcTest;

/**
 * The Open Inference Protocol over gRPC against a deployed WAR, on its HTTP port (HTTP/2 cleartext by prior knowledge,
 * grpc-java's plaintext channel), each call beside the REST v2 request it stands for, both with the suite's API key
 * ({@link DeploymentChecks#KEY}, as {@code authorization} metadata on gRPC).
 */
final class GrpcCalls {

    /** The bundled model's name, under /v2/models/ and in gRPC's model_name. */
    static final String MODEL = "banknote-authenticator";
    /** Two bank notes (a genuine and a forged one) as one REST v2 request. */
    static final Map<String, Object> NOTES = Map.of(
            "id",
            "notes",
            "inputs",
            List.of(Map.of(
                    "name",
                    "input",
                    "shape",
                    List.of(2, 4),
                    "datatype",
                    "FP32",
                    "data",
                    List.of(3.6216, 8.6661, -2.8073, -0.44699, -1.3971, 3.3191, -1.3927, -1.9948))));

    private GrpcCalls() {}

    /** {@link #assertModelInferAnswersAsRestV2(URI, String)} on the bundled model. */
    static void assertModelInferAnswersAsRestV2(URI base) throws Exception {
        assertModelInferAnswersAsRestV2(base, MODEL);
    }

    /** ServerLive is true and ModelInfer on the bank notes answers exactly what POST /v2/models/NAME/infer answers. */
    static void assertModelInferAnswersAsRestV2(URI base, String model) throws Exception {
        JsonNode rest = okJson(base, "/v2/models/" + model + "/infer");
        withStub(base, stub -> {
            assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
            ModelInferResponse answer = stub.modelInfer(OpenInferenceGrpcTest.grpcRequest(model, NOTES, false));
            OpenInferenceGrpcTest.assertSameAnswer(rest, answer);
            assertEquals(
                    "0", answer.getOutputs(0).getContents().getBytesContents(0).toStringUtf8(), answer.toString());
        });
    }

    /** What REST v2 and gRPC answer to an inference on an unknown model: REST's message and gRPC's status. */
    record Refusal(String restMessage, Status grpc) {}

    /** ModelInfer on a model the server does not have, after the same REST v2 request; the channel still works after. */
    static Refusal unknownModelInfer(URI base) throws Exception {
        HttpResponse<String> rest = post(base, "/v2/models/no-such-model/infer");
        assertEquals(404, rest.statusCode(), rest.body());
        Status[] status = new Status[1];
        withStub(base, stub -> {
            status[0] = assertThrows(
                            StatusRuntimeException.class,
                            () -> stub.modelInfer(OpenInferenceGrpcTest.grpcRequest("no-such-model", NOTES, false)))
                    .getStatus();
            assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive(), "the channel still works");
        });
        return new Refusal(
                DeploymentChecks.JSON.readTree(rest.body()).path("error").asText(), status[0]);
    }

    private static JsonNode okJson(URI base, String path) throws Exception {
        HttpResponse<String> rest = post(base, path);
        assertEquals(200, rest.statusCode(), rest.body());
        return DeploymentChecks.JSON.readTree(rest.body());
    }

    private static HttpResponse<String> post(URI base, String path) throws Exception {
        return DeploymentChecks.send(HttpRequest.newBuilder(base.resolve(path.substring(1)))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + DeploymentChecks.KEY)
                .POST(HttpRequest.BodyPublishers.ofString(
                        DeploymentChecks.JSON.writeValueAsString(NOTES), StandardCharsets.UTF_8))
                .build());
    }

    /** Calls on a fresh plaintext channel to the server, with a deadline. */
    interface Calls {
        void run(GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub) throws Exception;
    }

    static void withStub(URI base, Calls calls) throws Exception {
        withStub(base, DeploymentChecks.KEY, calls);
    }

    /** Calls with {@code key} as the {@code authorization} metadata (none when null). */
    static void withStub(URI base, String key, Calls calls) throws Exception {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                        base.getHost(), base.getPort(), InsecureChannelCredentials.create())
                .build();
        try {
            GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub =
                    GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            if (key != null) {
                Metadata metadata = new Metadata();
                metadata.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
                stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
            }
            calls.run(stub);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
