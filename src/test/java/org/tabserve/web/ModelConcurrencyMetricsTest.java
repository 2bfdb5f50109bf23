package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;

/**
 * Each model's requests in flight and refused in {@code /metrics}, the series an autoscaler scales on: a request
 * counts from when it takes its model until it is answered, and one refused for want of a slot counts under the
 * model its path names (or the default model, on the root routes). A chunked upload whose body never ends holds its
 * model and the one upload slot for as long as the test likes.
 */
class ModelConcurrencyMetricsTest {

    private static final String MODEL = "banknote-authenticator";

    @RegisterExtension
    static final Http http = Http.startingTheApp(Map.of("TABSERVE_MAX_CONCURRENT_UPLOADS", "1"));

    @Test
    void aHeldRequestIsInFlightUnderItsModelAndTheUploadsItCrowdsOutAreCountedAsRefused() throws Exception {
        assertEquals(
                0.0,
                series("tabserve_model_requests_in_flight{model=\"" + MODEL + "\"}"),
                "a served model's series is there, at 0, before any request");
        assertEquals(0.0, series("tabserve_model_requests_queued{model=\"" + MODEL + "\"}"));
        double refusedBefore = Double.isNaN(refused(MODEL)) ? 0 : refused(MODEL);
        try (Socket held = new Socket(http.uri("/").getHost(), http.uri("/").getPort())) {
            startChunkedUpload(held, "/models/" + MODEL + "/predict_file");
            awaitSeries("tabserve_model_requests_in_flight{model=\"" + MODEL + "\"}", 1.0);

            assertEquals("HTTP/1.1 503 Service Unavailable", refusedUpload("/models/" + MODEL + "/predict_file"));
            assertEquals("HTTP/1.1 503 Service Unavailable", refusedUpload("/predict_file"));
            assertEquals("HTTP/1.1 503 Service Unavailable", refusedUpload("/models/no-such-model/predict_file"));

            assertEquals(refusedBefore + 2, refused(MODEL), "the named model's and the default model's refusal");
            assertTrue(Double.isNaN(refused("no-such-model")), "a name no model is served under makes no series");
        }
        awaitSeries("tabserve_model_requests_in_flight{model=\"" + MODEL + "\"}", 0.0);
    }

    /** Sends a chunked CSV upload's headers and a first chunk, and leaves the body unfinished. */
    private static void startChunkedUpload(Socket socket, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n9\r\nvariance\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Sends a whole chunked upload on a connection of its own: the status line it is answered with. */
    private static String refusedUpload(String path) throws IOException {
        try (Socket socket = new Socket(http.uri("/").getHost(), http.uri("/").getPort())) {
            startChunkedUpload(socket, path);
            socket.getOutputStream().write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != -1 && b != '\r'; b = in.read()) {
                line.append((char) b);
            }
            return line.toString();
        }
    }

    private static double refused(String model) {
        return series("tabserve_model_requests_refused_total{model=\"" + model + "\",reason=\"concurrency\"}");
    }

    /** Waits until the series has the value (the held request reaches its model, or ends, on the server's time). */
    private static void awaitSeries(String series, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (series(series) != expected) {
            assertTrue(System.nanoTime() < deadline, series + " never became " + expected + ":\n" + metrics());
            Thread.sleep(20);
        }
    }

    /** A series' value in /metrics, NaN when it is not there. */
    private static double series(String series) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static String metrics() {
        return http.fresh().get("/metrics").text();
    }
}
