package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.OtlpReceiver;

/**
 * Every runtime of the deployment suite traces its answers (docs/operations.md, "Traces") to the suite's own trace
 * receiver ({@link #RECEIVER}, one per test JVM, up before any runtime starts, named in {@link #ENVIRONMENT}): an
 * answer whose caller sampled it (a W3C {@code traceparent}) reaches it as a span of the caller's trace. The exporter
 * builds its HTTP client on the JVM's TLS context, which a container can leave impossible to make (GlassFish 8:
 * docs/deploy.md), so this is a check of each container, not of the exporter.
 */
interface TraceChecks {

    /** The suite's trace receiver, one per test JVM. */
    OtlpReceiver RECEIVER = OtlpReceiver.started();

    /** The variable that turns tracing on in every runtime the suite starts, at the suite's receiver. */
    Map<String, String> ENVIRONMENT = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", RECEIVER.endpoint());

    /** @return the deployed app's base URI, ending in {@code /} */
    URI deployed();

    /** @return why the runtime is not traced to the suite's receiver, when it cannot be: the case is skipped so */
    default Optional<String> noTracesBecause() {
        return Optional.empty();
    }

    @Test
    default void anAnswerItsCallerSampledIsTracedToTheCollector() throws Exception {
        noTracesBecause().ifPresent(why -> Assumptions.assumeTrue(false, why));
        String traceId = OtlpReceiver.randomId(16);
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(deployed().resolve("api/predict"))
                                .header("Authorization", "Bearer " + DeploymentChecks.KEY)
                                .header("Content-Type", "application/json")
                                .header("traceparent", "00-" + traceId + "-" + OtlpReceiver.randomId(8) + "-01")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer::body);
        List<OtlpReceiver.Received> spans = RECEIVER.await(traceId, got -> !got.isEmpty(), Duration.ofSeconds(30));
        assertFalse(spans.isEmpty(), "no span of the sampled answer's trace reached the receiver within 30 s");
    }
}
