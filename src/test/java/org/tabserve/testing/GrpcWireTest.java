package org.tabserve.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GrpcWire}'s calls send their whole message on every attempt of a call that grpc-java makes again: a retry
 * asks the request's marshaller for its bytes once more, as the transparent retry after a GOAWAY does (Jetty's idle
 * timeout sent one under load, and HostileServerIT's case 14 got INVALID_ARGUMENT for the empty message that followed).
 * Here a real grpc-java server refuses each call's first attempt with UNAVAILABLE and echoes the second's bytes, and the
 * client's channel retries UNAVAILABLE once.
 */
class GrpcWireTest {

    private final AtomicInteger attempts = new AtomicInteger();
    private Server server;
    private GrpcWire wire;

    @BeforeEach
    void start() throws IOException {
        MethodDescriptor<byte[], byte[]> echo = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(GrpcWire.SERVICE, "ModelInfer"))
                .setRequestMarshaller(GrpcWire.BYTES)
                .setResponseMarshaller(GrpcWire.BYTES)
                .build();
        ServerServiceDefinition service = ServerServiceDefinition.builder(GrpcWire.SERVICE)
                .addMethod(echo, ServerCalls.asyncUnaryCall((request, answer) -> {
                    if (attempts.incrementAndGet() % 2 == 1) {
                        answer.onError(Status.UNAVAILABLE
                                .withDescription("first attempt")
                                .asRuntimeException());
                    } else {
                        answer.onNext(request);
                        answer.onCompleted();
                    }
                }))
                .build();
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(service)
                .build()
                .start();
        Map<String, Object> retryOnce = Map.of(
                "methodConfig",
                List.of(Map.of(
                        "name", List.of(Map.of("service", GrpcWire.SERVICE)),
                        "retryPolicy",
                                Map.of(
                                        "maxAttempts",
                                        2.0,
                                        "initialBackoff",
                                        "0.01s",
                                        "maxBackoff",
                                        "0.01s",
                                        "backoffMultiplier",
                                        1.0,
                                        "retryableStatusCodes",
                                        List.of("UNAVAILABLE")))));
        wire = new GrpcWire(
                Grpc.newChannelBuilderForAddress("localhost", server.getPort(), InsecureChannelCredentials.create())
                        .defaultServiceConfig(retryOnce)
                        .enableRetry()
                        .build());
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (wire != null) {
            wire.close();
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRetriedCallSendsItsBytesAgain() {
        byte[] message = "any bytes at all".getBytes(StandardCharsets.US_ASCII);
        GrpcWire.Outcome outcome = wire.call("bytes", "ModelInfer", message);
        assertEquals(Status.Code.OK, outcome.code(), outcome::toString);
        assertEquals(2, attempts.get(), "the call was made twice");
        assertArrayEquals(message, outcome.answer(), "the second attempt's message");
    }

    @Test
    void aRetriedGeneratedCallGeneratesItsBytesAgain() {
        GrpcWire.Outcome outcome = wire.callGenerated("generated", "ModelInfer", 100_000, (byte) 7);
        assertEquals(Status.Code.OK, outcome.code(), outcome::toString);
        assertEquals(2, attempts.get(), "the call was made twice");
        byte[] expected = new byte[100_000];
        Arrays.fill(expected, (byte) 7);
        assertArrayEquals(expected, outcome.answer(), "the second attempt's message");
    }
}
