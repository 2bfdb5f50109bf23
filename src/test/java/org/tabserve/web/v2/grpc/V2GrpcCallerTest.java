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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.GrpcWire;
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
    private static final Metadata.Key<String> TRACESTATE =
            Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> X_REQUEST_ID =
            Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
    /** A caller's tracestate of 32 members of about 200 characters each, 6.6 KB: far past W3C's 512 characters. */
    private static final String LONG_TRACESTATE = java.util.stream.IntStream.range(0, 32)
            .mapToObj(i -> "vendor" + i + "=" + "x".repeat(196))
            .collect(java.util.stream.Collectors.joining(","));

    /** Calls ModelInfer for one bank note on {@code model} under a sampled caller's {@code trace}. */
    private static void infer(
            ManagedChannel channel,
            String model,
            String trace,
            AtomicReference<Metadata> headers,
            AtomicReference<Metadata> trailers) {
        infer(channel, model, trace, new Metadata(), headers, trailers);
    }

    /** {@link #infer(ManagedChannel, String, String, AtomicReference, AtomicReference)} sending {@code sent} too. */
    private static void infer(
            ManagedChannel channel,
            String model,
            String trace,
            Metadata sent,
            AtomicReference<Metadata> headers,
            AtomicReference<Metadata> trailers) {
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
        ManagedChannel channel = GrpcWire.channelTo(traced.server());
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
        ManagedChannel channel = GrpcWire.channelTo(traced.server());
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
            // In the order of their names, the same on every start (the trailers were copied by Map.copyOf, whose
            // order changes from one start to the next)
            List<String> names = new java.util.ArrayList<>();
            java.util.regex.Matcher name = java.util.regex.Pattern.compile("[(,]([a-z0-9-]+)=")
                    .matcher(trailers.get().toString());
            while (name.find()) {
                names.add(name.group(1));
            }
            assertTrue(names.containsAll(List.of("traceparent", "x-request-id", "x-frame-options")), names.toString());
            assertEquals(names.stream().sorted().toList(), names, "the trailers' order");
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Issue 76: a call's answer names its request id in {@code x-request-id}, as REST answers {@code X-Request-Id}: the
     * caller's own when it sent one, else the one the server made (before, a call sent without one could not be
     * labelled, since its id was never told); a refusal's trailers carry it too.
     */
    @Test
    void anAnswerNamesItsRequestIdTheCallersOrOneTheServerMade() throws Exception {
        ManagedChannel channel = GrpcWire.channelTo(traced.server());
        try {
            AtomicReference<Metadata> headers = new AtomicReference<>();
            AtomicReference<Metadata> trailers = new AtomicReference<>();
            infer(channel, "", OtlpReceiver.randomId(16), headers, trailers);
            String made = headers.get().get(X_REQUEST_ID);
            assertTrue(made != null && made.matches("[0-9a-f-]{36}"), "a new id: " + headers.get());

            Metadata sent = new Metadata();
            sent.put(X_REQUEST_ID, "caller-id-76");
            infer(channel, "", OtlpReceiver.randomId(16), sent, headers, trailers);
            assertEquals(List.of("caller-id-76"), list(headers.get().getAll(X_REQUEST_ID)), "the caller's own");

            StatusRuntimeException refused = assertThrows(
                    StatusRuntimeException.class,
                    () -> infer(channel, "no-such-model", OtlpReceiver.randomId(16), headers, trailers));
            assertEquals(io.grpc.Status.Code.NOT_FOUND, refused.getStatus().getCode(), refused.toString());
            String refusedId = trailers.get().get(X_REQUEST_ID);
            assertTrue(refusedId != null && !refusedId.equals(made), "a refusal's own id: " + trailers.get());
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Issue 76: a caller's 6.6 KB {@code tracestate} (REST header or gRPC metadata) is not exported with the spans, as
     * docs/operations.md says no header is recorded: every span of the request's trace, as a real collector receives
     * it, has no trace state, and the request's trace (its traceparent) is still followed.
     */
    @Test
    void aCallersTracestateIsNeverExported() throws Exception {
        String restTrace = OtlpReceiver.randomId(16);
        Http.Response answer = traced.post(
                "/api/predict",
                "application/json",
                "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "traceparent",
                "00-" + restTrace + "-" + OtlpReceiver.randomId(8) + "-01",
                "tracestate",
                LONG_TRACESTATE);
        assertEquals(200, answer.status(), answer.text());

        String grpcTrace = OtlpReceiver.randomId(16);
        ManagedChannel channel = GrpcWire.channelTo(traced.server());
        try {
            Metadata sent = new Metadata();
            sent.put(TRACESTATE, LONG_TRACESTATE);
            infer(channel, "", grpcTrace, sent, new AtomicReference<>(), new AtomicReference<>());
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        for (String trace : List.of(restTrace, grpcTrace)) {
            List<OtlpReceiver.Received> spans = RECEIVER.await(
                    trace, got -> got.stream().anyMatch(span -> span.kind() == 2), java.time.Duration.ofSeconds(20));
            assertTrue(spans.stream().anyMatch(span -> span.kind() == 2), "the server span of " + trace);
            for (OtlpReceiver.Received span : spans) {
                assertTrue(
                        span.traceState().isEmpty(),
                        span.name() + " carries a tracestate of "
                                + span.traceState().length() + " characters");
            }
        }
    }

    private static List<String> list(Iterable<String> values) {
        List<String> list = new java.util.ArrayList<>();
        values.forEach(list::add);
        return list;
    }
}
