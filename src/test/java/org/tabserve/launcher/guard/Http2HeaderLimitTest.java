package org.tabserve.launcher.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inference.GRPCInferenceServiceGrpc;
import inference.ServerLiveRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.LauncherOptions;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.H2cWire;

/**
 * An HTTP/2 request whose headers are past {@code --max-header-bytes} is refused on its own stream, as HTTP/1.1
 * refuses one with its 431, and every other stream of its connection goes on: a REST request gets the 431 problem, a
 * gRPC call RESOURCE_EXHAUSTED naming the limit and its flag, and /metrics counts them. The limit counts as Jetty's
 * HPACK decoder did when it ended the connection instead. Only a header block past the connection's hard cap (four
 * times the limit) still ends the connection, as HPACK's shared state requires.
 */
class Http2HeaderLimitTest {

    private static final String LIVE = "/inference.GRPCInferenceService/ServerLive";
    private static final Map<String, String> GRPC = Map.of("content-type", "application/grpc", "te", "trailers");
    /** About 9 KB of one header: past the default limit of 8,192 bytes, well under the cap of 32 KiB. */
    private static final String NINE_KB = "a".repeat(9_000);

    private static TabserveServer server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() {
        server = TabserveServer.startReady();
        channel = GrpcWire.channelTo(server);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        GrpcWire.close(channel, server);
    }

    @Test
    void streamsWithHeadersPastTheLimitAreRefusedAloneAndTheirConnectionGoesOn() throws Exception {
        byte[] empty = H2cWire.grpcFrame(new byte[0]);
        try (H2cWire wire = new H2cWire(server.uri())) {
            // A call left open (no end of stream yet) while the oversized ones arrive on the same connection.
            int open = wire.post(LIVE, GRPC, new byte[0], false);
            int call = wire.post(LIVE, with(GRPC, "x-pad", NINE_KB), empty, true);
            int rest = wire.post(
                    "/invocations",
                    Map.of("content-type", "application/json", "x-pad", NINE_KB),
                    "{}".getBytes(),
                    true);

            Map<String, String> refusedCall = wire.answer(call).get(10, TimeUnit.SECONDS);
            assertEquals("8", refusedCall.get("grpc-status"), refusedCall::toString); // RESOURCE_EXHAUSTED
            assertTrue(
                    refusedCall.getOrDefault("grpc-message", "").contains("--max-header-bytes"), refusedCall::toString);
            Map<String, String> refusedRest = wire.answer(rest).get(10, TimeUnit.SECONDS);
            assertEquals("431", refusedRest.get(":status"), refusedRest::toString);
            assertEquals("application/problem+json", refusedRest.get("content-type"), refusedRest::toString);

            int after = wire.post(LIVE, GRPC, empty, true);
            Map<String, String> answered = wire.answer(after).get(10, TimeUnit.SECONDS);
            assertEquals("0", answered.get("grpc-status"), answered::toString);
            assertFalse(
                    wire.answer(open).isDone(),
                    () -> "the call open beside them ended: "
                            + wire.answer(open).join());
        }
        String metrics = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(server.uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher refused =
                Pattern.compile("\ntabserve_http2_headers_refused_total (\\d+)").matcher(metrics);
        assertTrue(refused.find() && Double.parseDouble(refused.group(1)) >= 2, metrics);
    }

    @Test
    void theLimitCountsAsHttp2sDecoderDidSoThatARequestAtItIsServedAndOneByteMoreRefused() throws Exception {
        byte[] empty = H2cWire.grpcFrame(new byte[0]);
        String authority = server.uri().getHost() + ":" + server.uri().getPort();
        // RFC 7541's size of the fields H2cWire sends besides x-pad: name and value plus 32 each.
        int others = (7 + 4 + 32)
                + (7 + 4 + 32)
                + (5 + LIVE.length() + 32)
                + (10 + authority.length() + 32)
                + (12 + 16 + 32)
                + (2 + 8 + 32)
                + (5 + 32);
        int atLimit = LauncherOptions.DEFAULT_MAX_HEADER_BYTES - others;
        try (H2cWire wire = new H2cWire(server.uri())) {
            int served = wire.post(LIVE, with(GRPC, "x-pad", "a".repeat(atLimit)), empty, true);
            assertEquals("0", wire.answer(served).get(10, TimeUnit.SECONDS).get("grpc-status"));
            int refused = wire.post(LIVE, with(GRPC, "x-pad", "a".repeat(atLimit + 1)), empty, true);
            Map<String, String> answer = wire.answer(refused).get(10, TimeUnit.SECONDS);
            assertEquals("8", answer.get("grpc-status"), answer::toString);
        }
    }

    @Test
    void aGrpcCallWithTooMuchMetadataIsResourceExhaustedNamingTheLimitAndTheChannelGoesOn() {
        Metadata metadata = new Metadata();
        metadata.put(Metadata.Key.of("x-pad", Metadata.ASCII_STRING_MARSHALLER), NINE_KB);
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub =
                GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        StatusRuntimeException refused = assertThrows(
                StatusRuntimeException.class,
                () -> stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata))
                        .serverLive(ServerLiveRequest.getDefaultInstance()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode(), refused::toString);
        String words = refused.getStatus().getDescription();
        assertTrue(
                words.contains("8192")
                        && words.contains("--max-header-bytes")
                        && words.contains(LauncherOptions.MAX_HEADER_BYTES_VARIABLE),
                words);
        assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
    }

    @Test
    void aHeaderBlockPastTheConnectionsCapEndsTheConnectionAndANewOneIsServed() throws Exception {
        byte[] empty = H2cWire.grpcFrame(new byte[0]);
        try (H2cWire wire = new H2cWire(server.uri())) {
            int call = wire.post(LIVE, with(GRPC, "x-pad", "a".repeat(40_000)), empty, true);
            assertTrue(wire.answer(call).get(10, TimeUnit.SECONDS).containsKey(":reset"));
        }
        try (H2cWire wire = new H2cWire(server.uri())) {
            int call = wire.post(LIVE, GRPC, empty, true);
            assertEquals("0", wire.answer(call).get(10, TimeUnit.SECONDS).get("grpc-status"));
        }
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put(name, value);
        return all;
    }
}
