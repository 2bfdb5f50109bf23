package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inference.GRPCInferenceServiceGrpc;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.H2cWire;

/**
 * {@code --grpc-port}: a second port that speaks HTTP/2 alone, on a thread pool of its own without reserved threads
 * (what makes a one-at-a-time caller's call cheaper there over TLS), answering as the shared port does and under the same
 * bounds: the header limit refuses a stream, the idle timeout closes a silent connection, the streams per connection
 * are capped, and an HTTP/1.1 request is not served.
 */
class GrpcPortTest {

    private static final String LIVE = "/inference.GRPCInferenceService/ServerLive";
    private static final Map<String, String> GRPC = Map.of("content-type", "application/grpc", "te", "trailers");

    private static TabserveServer server;
    private static ManagedChannel shared;
    private static ManagedChannel own;

    @BeforeAll
    static void start() {
        server = TabserveServer.startReady("--grpc-port", "0", "--idle-timeout", "2", "--max-concurrent-streams", "5");
        shared = GrpcWire.channelTo(server);
        own = Grpc.newChannelBuilderForAddress(
                        server.uri().getHost(), server.grpcPort(), InsecureChannelCredentials.create())
                .build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (own != null) {
            own.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        GrpcWire.close(shared, server);
    }

    private static URI grpcUri() {
        return URI.create("http://" + server.uri().getHost() + ":" + server.grpcPort() + "/");
    }

    @Test
    void theReadyLineNamesThePortAndAModelInferThereAnswersAsOnTheSharedPort() {
        assertTrue(server.grpcPort() > 0 && server.grpcPort() != server.uri().getPort(), "port " + server.grpcPort());
        assertTrue(
                server.output().stream()
                        .anyMatch(l -> l.startsWith("tabserve: serving ")
                                && l.endsWith(" and gRPC (HTTP/2 only) on port " + server.grpcPort())),
                server.output()::toString);
        ModelInferRequest request = ModelInferRequest.newBuilder()
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("input")
                        .setDatatype("FP32")
                        .addShape(2)
                        .addShape(4)
                        .setContents(InferTensorContents.newBuilder()
                                .addFp32Contents(3.6f)
                                .addFp32Contents(8.6f)
                                .addFp32Contents(-2.8f)
                                .addFp32Contents(-0.44f)
                                .addFp32Contents(-1.4f)
                                .addFp32Contents(-4.9f)
                                .addFp32Contents(3.2f)
                                .addFp32Contents(0.3f)))
                .build();
        ModelInferResponse onShared = GRPCInferenceServiceGrpc.newBlockingStub(shared)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .modelInfer(request);
        ModelInferResponse onOwn = GRPCInferenceServiceGrpc.newBlockingStub(own)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .modelInfer(request);
        assertEquals(2, onOwn.getOutputs(1).getShape(0), onOwn::toString);
        assertEquals(onShared, onOwn);
    }

    @Test
    void itRunsOnAPoolOfItsOwnWithoutReservedThreadsAndTheSharedPortKeepsTheServers() {
        Server jetty = server.jetty();
        ServerConnector grpc = ServerPorts.named(jetty, ServerPorts.GRPC).orElseThrow();
        ServerConnector main = (ServerConnector) jetty.getConnectors()[0];
        assertNotSame(grpc, main);
        assertEquals(2, jetty.getConnectors().length);
        assertEquals(jetty.getThreadPool(), main.getExecutor(), "the shared port keeps the server's pool");
        assertNotSame(jetty.getThreadPool(), grpc.getExecutor());
        QueuedThreadPool threads = (QueuedThreadPool) grpc.getExecutor();
        assertEquals(0, threads.getReservedThreads());
        assertTrue(threads.isRunning());
        assertEquals(List.of("h2c"), grpc.getProtocols(), "HTTP/2 alone");
    }

    @Test
    void anHttp11RequestThereIsNotServed() throws IOException {
        try (Socket socket = new Socket(server.uri().getHost(), server.grpcPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = socket.getInputStream().readAllBytes();
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            assertFalse(text.contains("HTTP/1.1"), text);
        }
    }

    @Test
    void headersPastTheLimitAreRefusedOnTheirStreamAndTheConnectionGoesOn() throws Exception {
        byte[] empty = H2cWire.grpcFrame(new byte[0]);
        try (H2cWire wire = new H2cWire(grpcUri())) {
            int call = wire.post(
                    LIVE,
                    Map.of("content-type", "application/grpc", "te", "trailers", "x-pad", "a".repeat(9_000)),
                    empty,
                    true);
            Map<String, String> refused = wire.answer(call).get(10, TimeUnit.SECONDS);
            assertEquals("8", refused.get("grpc-status"), refused::toString); // RESOURCE_EXHAUSTED
            assertTrue(refused.getOrDefault("grpc-message", "").contains("--max-header-bytes"), refused::toString);
            Map<String, String> answered =
                    wire.answer(wire.post(LIVE, GRPC, empty, true)).get(10, TimeUnit.SECONDS);
            assertEquals("0", answered.get("grpc-status"), answered::toString);
        }
    }

    @Test
    void itAdvertisesTheStreamLimitAndClosesASilentConnectionAtTheIdleTimeout() throws IOException {
        try (RawH2c raw = new RawH2c(grpcUri(), Map.of())) {
            long start = System.nanoTime();
            assertThrows(EOFException.class, () -> {
                while (true) {
                    raw.next(); // GOAWAY, then the end of the connection
                }
            });
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(seconds >= 1 && seconds < 10, "closed after " + seconds + " s, the idle timeout is 2 s");
            assertEquals(5, raw.serverSettings().get(RawH2c.MAX_CONCURRENT_STREAMS), "SETTINGS_MAX_CONCURRENT_STREAMS");
        }
    }
}
