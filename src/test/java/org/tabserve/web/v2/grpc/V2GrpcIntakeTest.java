package org.tabserve.web.v2.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.H2cWire;

/**
 * {@link V2GrpcIntake}'s refusal of a message that is not protobuf, in-process and frame by frame: answered only once
 * the request has all arrived, so that the container never resets the stream to stop the rest. Answered before, the
 * reset that follows the answer overtook it now and then under load, and grpc-java's client got CANCELLED without the
 * words (HostileServerIT case 13 in CI, at load 12 to 20).
 */
class V2GrpcIntakeTest {

    private static final String MODEL_INFER = V2GrpcService.PATH + "/ModelInfer";
    private static final Map<String, String> GRPC = Map.of("content-type", "application/grpc", "te", "trailers");

    private static TabserveServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TabserveServer.startReady();
        // gRPC is built at its first call (FirstRequestServlet), seconds on a loaded machine: built before the case
        // below, whose early answer, if any, comes at once.
        try (H2cWire wire = new H2cWire(server.uri())) {
            int live = wire.post(V2GrpcService.PATH + "/ServerLive", GRPC, H2cWire.grpcFrame(new byte[0]), true);
            Map<String, String> answer = wire.answer(live).get(60, TimeUnit.SECONDS);
            assertEquals("0", answer.get("grpc-status"), answer::toString);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aMessageThatIsNotProtobufIsAnsweredInWordsOnceTheRequestHasAllArrivedAndWhatFollowsItIsDropped()
            throws Exception {
        byte[] text = H2cWire.grpcFrame("this is not protobuf".getBytes(StandardCharsets.US_ASCII));
        try (H2cWire wire = new H2cWire(server.uri())) {
            int stream = wire.post(MODEL_INFER, GRPC, text, false);
            // The refusal must wait for the request's end. A second passes without one: an answer in it came early.
            assertThrows(
                    TimeoutException.class,
                    () -> wire.answer(stream).get(1, TimeUnit.SECONDS),
                    () -> "answered while the request was still open: " + wire.fieldsSoFar(stream));
            // Two more messages (a unary call's own handler asks for two): read and dropped, the refusal stands.
            wire.data(stream, text, false);
            wire.data(stream, text, false);
            wire.endStream(stream);
            Map<String, String> answer = wire.answer(stream).get(30, TimeUnit.SECONDS);
            assertFalse(answer.containsKey(":reset"), answer::toString);
            assertEquals("3", answer.get("grpc-status"), () -> "INVALID_ARGUMENT: " + answer);
            assertTrue(answer.getOrDefault("grpc-message", "").contains("the message"), answer::toString);
        }
    }
}
