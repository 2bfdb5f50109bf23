package org.tabserve.serving.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.OtlpReceiver;

/**
 * The request-duration histogram's buckets carry a sampled request's trace as an OpenMetrics exemplar: a real server
 * tracing to a real OTLP receiver, parent-based, so that a caller's sampled {@code traceparent} is sampled and an
 * unsampled one is not; a server without tracing shows none.
 */
class LatencyExemplarsTest {

    private static final OtlpReceiver RECEIVER = OtlpReceiver.started();

    /** Closes the receiver after the server below stopped (extensions end in reverse), so its last post finds it. */
    @RegisterExtension
    @Order(1)
    static final AfterAllCallback CLOSE_RECEIVER = context -> RECEIVER.close();

    @RegisterExtension
    @Order(2)
    static final Http traced = Http.startingTheApp("--otel-endpoint", RECEIVER.endpoint());

    @RegisterExtension
    static final Http untraced = Http.sharingTheApp();

    private static final String OPEN_METRICS = "application/openmetrics-text;version=1.0.0";
    private static final String BUCKET = "tabserve_http_request_duration_seconds_bucket{";

    /** Predicts one row under the caller's trace {@code trace}, sampled or not; @return the answer's traceparent */
    private static String predict(Http http, String trace, boolean sampled) {
        Http.Response answer = http.post(
                "/api/predict",
                "application/json",
                BankNotes.genuine().json().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "traceparent",
                "00-" + trace + "-" + OtlpReceiver.randomId(8) + (sampled ? "-01" : "-00"));
        assertEquals(200, answer.status(), answer.text());
        return answer.header("traceparent").orElse(null);
    }

    /** The bucket lines of the predict route's latency. */
    private static List<String> predictBuckets(String metrics) {
        return metrics.lines()
                .filter(line -> line.startsWith(BUCKET) && line.contains("route=\"/api/predict\""))
                .toList();
    }

    @Test
    void aSampledRequestsTraceIsItsLatencyBucketsExemplarInOpenMetrics() {
        String trace = OtlpReceiver.randomId(16);
        String traceparent = predict(traced, trace, true);
        assertTrue(traceparent.matches("00-" + trace + "-[0-9a-f]{16}-01"), traceparent);
        String span = traceparent.substring(36, 52);

        String metrics = traced.get("/metrics", "Accept", OPEN_METRICS).text();
        List<String> exemplified = predictBuckets(metrics).stream()
                .filter(line -> line.contains("trace_id=\"" + trace + "\""))
                .toList();
        assertEquals(1, exemplified.size(), "one bucket keeps it:\n" + String.join("\n", predictBuckets(metrics)));
        String line = exemplified.get(0);
        assertTrue(line.contains("span_id=\"" + span + "\""), "the server span's id: " + line);
        // name{labels} count # {span_id="...",trace_id="..."} seconds timestamp
        String[] exemplar = line.substring(line.indexOf(" # {")).split("} ")[1].split(" ");
        double seconds = Double.parseDouble(exemplar[0]);
        String upper = line.replaceAll(".*le=\"([^\"]+)\".*", "$1");
        assertTrue(upper.equals("+Inf") || seconds <= Double.parseDouble(upper), "within its bucket: " + line);
        assertEquals(2, exemplar.length, "with its timestamp: " + line);

        assertFalse(traced.get("/metrics").text().contains("trace_id"), "Prometheus' text format has no exemplars");
    }

    @Test
    void aRequestNotSampledIsNoExemplar() {
        String trace = OtlpReceiver.randomId(16);
        predict(traced, trace, false);
        assertFalse(traced.get("/metrics", "Accept", OPEN_METRICS).text().contains(trace));
    }

    @Test
    void withoutTracingNoBucketHasAnExemplar() {
        predict(untraced, OtlpReceiver.randomId(16), true);
        String metrics = untraced.get("/metrics", "Accept", OPEN_METRICS).text();
        assertFalse(predictBuckets(metrics).isEmpty(), metrics);
        assertFalse(metrics.contains(" # {"), "no exemplar without tracing");
    }
}
