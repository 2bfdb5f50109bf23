package org.tabserve.web.v2.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inference.GRPCInferenceServiceGrpc;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelMetadataRequest;
import inference.ModelMetadataResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.GrpcChannels;
import org.tabserve.testing.Http;
import org.tabserve.testing.OtlpReceiver;

/**
 * A traced gRPC call's answer carries its server span's {@code traceparent} back in its metadata, as a REST answer does
 * in its header: in the headers of an answer, and in the trailers of a refusal (its only headers); a real server
 * tracing to a real OTLP receiver, called over a real channel.
 */
class V2GrpcCallerTest {

    private static final OtlpReceiver RECEIVER = OtlpReceiver.started();

    /** Closes the receiver after the server below stopped (extensions end in reverse), so its last post finds it. */
    @RegisterExtension
    @Order(1)
    static final AfterAllCallback CLOSE_RECEIVER = context -> RECEIVER.close();

    @RegisterExtension
    @Order(2)
    static final Http traced = Http.startingTheApp("--otel-endpoint", RECEIVER.endpoint());

    private static final Metadata.Key<String> TRACEPARENT =
            Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

    /** Calls ModelInfer for one bank note on {@code model} under a sampled caller's {@code trace}. */
    private static void infer(
            ManagedChannel channel,
            String model,
            String trace,
            AtomicReference<Metadata> headers,
            AtomicReference<Metadata> trailers) {
        Metadata sent = new Metadata();
        sent.put(TRACEPARENT, "00-" + trace + "-" + OtlpReceiver.randomId(8) + "-01");
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(
                        channel)
                .withInterceptors(
                        MetadataUtils.newAttachHeadersInterceptor(sent),
                        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        ModelMetadataResponse metadata = GRPCInferenceServiceGrpc.newBlockingStub(channel)
                .modelMetadata(ModelMetadataRequest.newBuilder().build());
        stub.modelInfer(ModelInferRequest.newBuilder()
                .setModelName(model)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName(metadata.getInputs(0).getName())
                        .setDatatype("FP32")
                        .addShape(1)
                        .addShape(4)
                        .setContents(InferTensorContents.newBuilder()
                                .addFp32Contents(3.6216f)
                                .addFp32Contents(8.6661f)
                                .addFp32Contents(-2.8073f)
                                .addFp32Contents(-0.44699f)))
                .build());
    }

    @Test
    void anAnswersHeadersCarryTheServerSpansTraceparent() throws Exception {
        ManagedChannel channel = GrpcChannels.to(traced.server());
        try {
            String trace = OtlpReceiver.randomId(16);
            AtomicReference<Metadata> headers = new AtomicReference<>();
            AtomicReference<Metadata> trailers = new AtomicReference<>();
            infer(channel, "", trace, headers, trailers);
            String traceparent = headers.get().get(TRACEPARENT);
            assertTrue(
                    traceparent != null && traceparent.matches("00-" + trace + "-[0-9a-f]{16}-01"),
                    "the server span's, under the caller's trace: " + headers.get());
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRefusalsTrailersCarryIt() throws Exception {
        ManagedChannel channel = GrpcChannels.to(traced.server());
        try {
            String trace = OtlpReceiver.randomId(16);
            AtomicReference<Metadata> headers = new AtomicReference<>();
            AtomicReference<Metadata> trailers = new AtomicReference<>();
            StatusRuntimeException refused = assertThrows(
                    StatusRuntimeException.class, () -> infer(channel, "no-such-model", trace, headers, trailers));
            assertEquals(io.grpc.Status.Code.NOT_FOUND, refused.getStatus().getCode(), refused.toString());
            String traceparent = trailers.get().get(TRACEPARENT);
            assertTrue(
                    traceparent != null && traceparent.matches("00-" + trace + "-[0-9a-f]{16}-01"),
                    "the refusal's: " + trailers.get());
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
