package org.tabserve.serving.trace.otel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tabserve.serving.trace.RequestSpan;
import org.tabserve.serving.trace.TraceSettings;
import org.tabserve.serving.trace.Tracing;
import org.tabserve.testing.OtlpReceiver;
import org.tabserve.testing.TricklingProxy;

/**
 * The OTLP exporter against a collector that trickles its answer's body (OtlpReceiver, its answers padded to 200
 * bytes, behind TricklingProxy at a byte a second: 200 s an answer): the JDK HttpClient's request timeout ends when
 * the answer's head arrives, and the exporter read the body with no deadline, on a thread of its own. With
 * {@code otel.exporter.otlp.timeout} at 1 s, no thread is left reading the answer a few seconds on, the post is
 * counted as abandoned, and the spans themselves reached the collector.
 */
@Timeout(120)
class TricklingCollectorTest {

    @Test
    void aTricklingAnswerHoldsNoThreadPastTheExportTimeout() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start();
                TricklingProxy proxy = TricklingProxy.to(URI.create(receiver.endpoint()))) {
            receiver.padAnswers(200);
            proxy.slow(line -> line.contains("/v1/traces"), 1);
            Map<String, String> settings = Map.of(
                    TraceSettings.ENDPOINT, proxy.uri().toString(),
                    TraceSettings.SAMPLER, "always_on",
                    TraceSettings.TIMEOUT, "1000");
            TraceSettings traced = TraceSettings.resolve(key -> Optional.ofNullable(settings.get(key)))
                    .orElseThrow();
            assertEquals(Duration.ofSeconds(1), traced.exportTimeout());
            PrometheusRegistry registry = new PrometheusRegistry();
            Map<String, java.util.function.LongSupplier> abandonedReads =
                    new java.util.concurrent.ConcurrentHashMap<>();
            Tracing tracing = OtelTracing.open(traced, registry, abandonedReads::put);
            try {
                RequestSpan span = tracing.request("GET /trickled", false, header -> null);
                span.end();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (proxy.trickled() < 1) {
                    assertTrue(System.nanoTime() < deadline, "the exporter never posted through the proxy");
                    Thread.sleep(50);
                }
                long trickling = System.nanoTime();
                // The deadline (1 s), the watch's look (a quarter second) and room for a loaded machine; the trickle
                // lasts 200 s.
                List<String> reading = List.of();
                while (System.nanoTime() - trickling < Duration.ofSeconds(15).toNanos()) {
                    reading = readingAnAnswer();
                    if (reading.isEmpty() && abandonedReads.get("otlp").getAsLong() >= 1) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertEquals(
                        List.of(),
                        reading,
                        "threads still reading the collector's answer ("
                                + abandonedReads.get("otlp").getAsLong() + " abandoned, " + proxy.trickled()
                                + " trickled)");
                assertTrue(abandonedReads.get("otlp").getAsLong() >= 1, "the post is counted as abandoned");
                assertTrue(
                        receiver.spans().stream().anyMatch(s -> s.name().equals("GET /trickled")),
                        "the spans reached the collector: " + receiver.spans());
            } finally {
                tracing.close();
            }
        }
    }

    /** The threads whose stack is in a read of an HTTP answer's body (the JDK's answer stream). */
    private static List<String> readingAnAnswer() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> java.util.Arrays.stream(e.getValue())
                        .anyMatch(f -> f.getClassName().contains("HttpResponseInputStream")))
                .map(e -> e.getKey().getName())
                .toList();
    }
}
