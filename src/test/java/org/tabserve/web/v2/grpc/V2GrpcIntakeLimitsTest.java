package org.tabserve.web.v2.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inference.GRPCInferenceServiceGrpc;
import inference.ModelInferRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.H2cWire;
import org.tabserve.web.http.WebConfig;

/**
 * Issue 34's gRPC intake, in-process: calls hold a concurrency slot for as long as they are open and the call that
 * finds none is UNAVAILABLE in words (not an HTTP 503 page), a call its client leaves open without a word is ended by
 * the minimum body rate, a call that declares its length is answered, refusals quoting a huge field keep their words,
 * and values in two fields of {@code contents} are refused as ambiguous. The server serves two requests at once and
 * cuts a body slower than 1 KiB/s after one second.
 */
class V2GrpcIntakeLimitsTest {

    private static final int MAX_CONCURRENT = 2;

    private static TabserveServer server;
    private static ManagedChannel channel;
    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

    @BeforeAll
    static void start() {
        server = TabserveServer.startReady(
                Map.of("TABSERVE_MAX_CONCURRENT_REQUESTS", Integer.toString(MAX_CONCURRENT)),
                "--min-request-rate-grace",
                "1");
        channel = GrpcWire.channelTo(server);
        stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() throws Exception {
        GrpcWire.close(channel, server);
    }

    @Test
    void openCallsHoldTheirSlotsTheNextIsUnavailableNamingTheSettingAndLivenessStillPasses() throws Exception {
        // 16 KiB at once: at 1 KiB/s the minimum rate cuts these calls only after 16 s.
        byte[] large = GrpcWire.notes("", 1_000).toByteArray();
        List<OpenCall> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONCURRENT; i++) {
                open.add(OpenCall.start(channel, large));
            }
            StatusRuntimeException refused = awaitRefusal(open, large);
            assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused::toString);
            assertTrue(
                    refused.getStatus().getDescription().contains(WebConfig.MAX_CONCURRENT_REQUESTS),
                    refused::toString);
            assertEquals(503, awaitRestStatus(open, large), "REST shares the slots");
            assertEquals(200, get("/v2/health/live").statusCode());
        } finally {
            open.forEach(OpenCall::cancel);
        }
        for (OpenCall call : open) {
            call.closed.get(30, TimeUnit.SECONDS);
        }
        assertEquals(
                "0",
                awaitAnswer().getOutputs(0).getContents().getBytesContents(0).toStringUtf8(),
                "the slots are given back when the calls end");
        assertTrue(
                get("/metrics")
                        .body()
                        .lines()
                        .anyMatch(line -> line.startsWith("tabserve_http_requests_total{")
                                && line.contains("route=\"/inference.GRPCInferenceService/ServerReady\"")
                                && line.contains("status=\"UNAVAILABLE\"")),
                "the refusals are counted");
    }

    @Test
    void aCallLeftOpenWithoutAWordIsEndedByTheMinimumRateAndGivesItsSlotBack() throws Exception {
        OpenCall stalled = OpenCall.start(channel, GrpcWire.notes("", 1).toByteArray());
        Status ended = stalled.closed.get(60, TimeUnit.SECONDS);
        assertNotEquals(Status.Code.OK, ended.getCode(), ended::toString);
        assertEquals(
                "0",
                awaitAnswer().getOutputs(0).getContents().getBytesContents(0).toStringUtf8());
    }

    @Test
    void aCallThatDeclaresItsContentLengthIsAnswered() throws Exception {
        byte[] frame = H2cWire.grpcFrame(GrpcWire.notes("", 1).toByteArray());
        try (H2cWire wire = new H2cWire(server.uri())) {
            int stream = wire.post(
                    GRPCInferenceServiceGrpc.getModelInferMethod()
                            .getFullMethodName()
                            .replaceFirst("^", "/"),
                    Map.of(
                            "content-type",
                            "application/grpc",
                            "te",
                            "trailers",
                            "content-length",
                            Integer.toString(frame.length)),
                    frame,
                    true);
            Map<String, String> answer = wire.answer(stream).get(30, TimeUnit.SECONDS);
            assertEquals("0", answer.get("grpc-status"), answer::toString);
        }
    }

    @Test
    void aRefusalQuotingAHugeModelNameKeepsItsCodeAndItsWordsBounded() {
        String name = "m".repeat(200_000);
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> stub.modelInfer(
                        GrpcWire.notes("", 1).toBuilder().setModelName(name).build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e::toString);
        String description = e.getStatus().getDescription();
        assertTrue(description.startsWith("no model named 'mmm"), description);
        assertTrue(description.contains("characters left out"), description);
        assertTrue(description.length() < 512 + 64, description);
    }

    @Test
    void valuesInFp32AndFp64ContentsAtOnceAreInvalidArgumentNamingBoth() {
        ModelInferRequest.Builder both = GrpcWire.notes("", 1).toBuilder();
        both.getInputsBuilder(0)
                .getContentsBuilder()
                .addFp64Contents(1)
                .addFp64Contents(2)
                .addFp64Contents(3)
                .addFp64Contents(4);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(both.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e::toString);
        assertTrue(
                e.getStatus().getDescription().contains("contents.fp32_contents and contents.fp64_contents"),
                e::toString);
    }

    /** A call whose client sent {@code message} and neither ends its request nor cancels it until told. */
    private record OpenCall(ClientCall<byte[], byte[]> call, CompletableFuture<Status> closed) {
        /** The unary ModelInfer, as a client-streaming call from the client's side, so that it can stay open. */
        private static final MethodDescriptor<byte[], byte[]> STREAMING = RAW_MODEL_INFER.toBuilder()
                .setType(MethodDescriptor.MethodType.CLIENT_STREAMING)
                .build();

        static OpenCall start(ManagedChannel channel, byte[] message) {
            CompletableFuture<Status> closed = new CompletableFuture<>();
            ClientCall<byte[], byte[]> call = channel.newCall(STREAMING, CallOptions.DEFAULT);
            call.start(
                    new ClientCall.Listener<>() {
                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            closed.complete(status);
                        }
                    },
                    new Metadata());
            call.request(1);
            call.sendMessage(message);
            return new OpenCall(call, closed);
        }

        void cancel() {
            call.cancel("the test is done with it", null);
        }
    }

    /**
     * The refusal a call gets once the open calls hold every slot (they take theirs as their headers arrive). An open
     * call refused itself (the calls of the test before may still be giving their slots back) is opened again.
     */
    private static StatusRuntimeException awaitRefusal(List<OpenCall> open, byte[] message)
            throws InterruptedException {
        for (int attempt = 0; attempt < 200; attempt++) {
            open.replaceAll(call -> call.closed.isDone() ? OpenCall.start(channel, message) : call);
            try {
                stub.serverReady(inference.ServerReadyRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                return e;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("200 calls were served while " + MAX_CONCURRENT + " calls were open");
    }

    /**
     * The status of a REST request made while the calls hold both slots: when a call has ended meanwhile (the minimum
     * body rate, on a slow machine), it is opened again and the slots are seen held again ({@link #awaitRefusal})
     * before asking again, so that a 200 is never a slot that had just been given back.
     */
    private static int awaitRestStatus(List<OpenCall> open, byte[] message) throws Exception {
        for (int attempt = 0; ; attempt++) {
            int status = get("/api/model").statusCode();
            if (status == 503 || open.stream().noneMatch(call -> call.closed.isDone()) || attempt == 20) {
                return status;
            }
            awaitRefusal(open, message);
        }
    }

    /** A one-row prediction, once a slot is free again. */
    private static inference.ModelInferResponse awaitAnswer() throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                return stub.modelInfer(GrpcWire.notes("", 1));
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || attempt == 200) {
                    throw e;
                }
            }
            Thread.sleep(50);
        }
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(server.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** ModelInfer with its request and answer as bytes. */
    private static final MethodDescriptor<byte[], byte[]> RAW_MODEL_INFER =
            MethodDescriptor.<byte[], byte[]>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(
                            GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName())
                    .setRequestMarshaller(GrpcWire.BYTES)
                    .setResponseMarshaller(GrpcWire.BYTES)
                    .build();
}
