package org.tabserve.web.v2.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inference.GRPCInferenceServiceGrpc;
import inference.ModelInferRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.GrpcWire;

/**
 * The call as an RPC's handler answers it ({@link V2GrpcIntake}), in-process: an answer to a call whose deadline
 * passed while it worked is dropped (and said so at FINE), not logged as a server fault. The server serves two requests at once, so that
 * calls still at work past their deadline hold it busy.
 */
class V2GrpcCancelledAnswerTest {

    /** The logger of the answers dropped, held so that the level set on it stays. */
    private static final java.util.logging.Logger DROPS =
            java.util.logging.Logger.getLogger(V2GrpcIntake.class.getName());

    private static TabserveServer server;
    private static ManagedChannel channel;
    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

    @BeforeAll
    static void start() {
        server = TabserveServer.startReady(java.util.Map.of("TABSERVE_MAX_CONCURRENT_REQUESTS", "2"));
        channel = GrpcWire.channelTo(server);
        stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() throws Exception {
        GrpcWire.close(channel, server);
    }

    /** Issue 34 item 16a: 20 calls whose deadline passes while their batch is scored (about 0.1 s here). */
    @Test
    void callsWhoseDeadlinePassesMidWorkAreNoServerFaultInTheLog() throws Exception {
        // Every server logger of this JVM (gRPC's and Jetty's too), not only the app's that the server's output keeps;
        // not the test's own client's (grpc-netty).
        List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler listening = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                boolean client =
                        record.getLoggerName() != null && record.getLoggerName().startsWith("io.grpc.netty");
                if (!client
                        && (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()
                                || record.getThrown() != null)) {
                    said.add(record.getLevel() + " " + record.getLoggerName() + ": " + record.getMessage() + " "
                            + record.getThrown());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Logger.getLogger("").addHandler(listening);
        List<String> dropped = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler counting = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getMessage() != null && record.getMessage().contains("the answer is dropped")) {
                    dropped.add(record.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Level level = DROPS.getLevel();
        DROPS.setLevel(java.util.logging.Level.FINE);
        DROPS.addHandler(counting);
        ModelInferRequest batch = GrpcWire.notes("", 10_000);
        int exceeded = 0;
        for (int i = 0; i < 20; i++) {
            long deadline = 10 + (i % 5) * 15;
            while (true) {
                try {
                    stub.withDeadlineAfter(deadline, TimeUnit.MILLISECONDS).modelInfer(batch);
                    break;
                } catch (StatusRuntimeException e) {
                    // This server's two slots may still be held by the calls before, at work past their deadline.
                    if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                        assertEquals(
                                Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e::toString);
                        exceeded++;
                        break;
                    }
                }
                Thread.sleep(50);
            }
        }
        assertTrue(exceeded > 0, "some deadlines passed");
        try {
            // The last calls, at work past their deadline, end (and say what they have to) in about 0.1 s.
            Thread.sleep(1_000);
        } finally {
            java.util.logging.Logger.getLogger("").removeHandler(listening);
            DROPS.removeHandler(counting);
            DROPS.setLevel(level);
        }
        assertTrue(!dropped.isEmpty(), "the answers of calls past their deadline were dropped, not written: " + said);
        // Left: gRPC's own servlet transport may still meet the stream its client reset between the call's last look
        // at its deadline and its write (its writer, AsyncServletOutputStreamWriter, logs SEVERE; ServerCallImpl logs
        // "Failed to frame message" as a WARNING). That race is gRPC's, one line a call at most, and was seen in 0 to 2
        // of these 20 calls; before issue 34 the same calls logged 7 SEVERE lines and 273 lines of stack traces.
        Predicate<String> grpcRace = line -> line.contains("AsyncServletOutputStreamWriter")
                || (line.contains("io.grpc.internal.ServerCallImpl") && line.contains("Failed to frame message"));
        List<String> ours = said.stream().filter(grpcRace.negate()).toList();
        assertTrue(ours.isEmpty(), () -> "a passed deadline is not a server fault: " + ours);
        long races = said.stream().filter(grpcRace).count();
        assertTrue(races <= 3, () -> "gRPC's transport logged its reset race " + races + " times in 20 calls: " + said);
    }
}
