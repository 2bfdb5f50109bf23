package org.tabserve.launcher.guard;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.RawH2c;
import org.tabserve.launcher.TabserveServer;

/**
 * A request the client gives up on (an HTTP/2 stream it resets half-way through its body) is the client's doing: the
 * access log shows it as 499, the status nginx and Jetty's own logs give a client that went away, not as a 500, and
 * {@code /metrics} counts it.
 */
class ClientAbortTest {

    @Test
    void aStreamTheClientResetsHalfWayIsLoggedAs499NotAsAServerError() throws Exception {
        try (TabserveServer server = TabserveServer.startReady();
                RawH2c h2 = new RawH2c(server.uri(), Map.of())) {
            // A gRPC call whose message has 5 of its 100 bytes, and a JSON body of 1000 bytes that has 21.
            h2.request(
                    1,
                    "POST",
                    "/inference.GRPCInferenceService/ModelInfer",
                    false,
                    "content-type",
                    "application/grpc",
                    "te",
                    "trailers");
            h2.data(1, new byte[] {0, 0, 0, 0, 100, 10, 8}, false);
            h2.request(3, "POST", "/api/predict", false, "content-type", "application/json", "content-length", "1000");
            h2.data(3, "{\"variance\": 3.6216, ".getBytes(StandardCharsets.US_ASCII), false);
            Thread.sleep(300); // the app is waiting for the rest of each body
            h2.reset(1, RawH2c.CANCEL);
            h2.reset(3, RawH2c.CANCEL);
            String grpc = accessLogLine(server, "\"POST /inference.GRPCInferenceService/ModelInfer HTTP/2.0\"");
            String rest = accessLogLine(server, "\"POST /api/predict HTTP/2.0\"");
            assertTrue(grpc.contains("\" 499 ") && rest.contains("\" 499 "), grpc + "\n" + rest);
            String metrics = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(server.uri("/metrics"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(metrics.contains("\ntabserve_client_aborts_total 2.0\n"), metrics);
        }
    }

    /** The access log's line for {@code request}, once the server has written it. */
    private static String accessLogLine(TabserveServer server, String request) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            List<String> lines = server.output().stream()
                    .filter(line -> line.contains(request))
                    .toList();
            if (!lines.isEmpty()) {
                return lines.get(0);
            }
            Thread.sleep(50);
        }
        fail("no access log line for " + request + " in " + server.output());
        return null;
    }
}
