package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tabserve.serving.monitor.TabserveMetrics;

/**
 * What the Kubernetes manifests need for a stop and a rollout that lose no request, and for scaling on requests: a
 * rolling update that never runs short of ready replicas, a preStop pause while the pod leaves the Service's endpoints
 * and a grace period that covers it and the image's graceful stop, and a KEDA ScaledObject on series tabserve
 * exports. It stands for the commands no build machine can run (there is no cluster):
 * {@code kubectl delete horizontalpodautoscaler tabserve} (the ScaledObject's HorizontalPodAutoscaler replaces
 * hpa.yaml's) and {@code kubectl apply -f deploy/kubernetes/keda/scaledobject.yaml}; RollingRestartIT proves the drain
 * itself.
 */
class StopManifestsTest {

    private static final List<String> DEPLOYMENTS = List.of("deployment.yaml", "with-models/deployment.yaml");

    @Test
    void aRollingUpdateStartsANewReplicaBeforeItStopsAnOldOne() throws IOException {
        for (String file : DEPLOYMENTS) {
            JsonNode strategy = KubernetesManifestsIT.read(file).path("spec").path("strategy");
            assertEquals("RollingUpdate", strategy.path("type").asText(), file);
            assertEquals(
                    0, strategy.path("rollingUpdate").path("maxUnavailable").asInt(-1), file);
            assertTrue(strategy.path("rollingUpdate").path("maxSurge").asInt() >= 1, file);
        }
    }

    @Test
    void theGracePeriodCoversThePreStopPauseAndTheImagesGracefulStop() throws IOException {
        Matcher stopTimeout = Pattern.compile("(?m)^jetty\\.server\\.stopTimeout=(\\d+)$")
                .matcher(Files.readString(Path.of("deploy", "jetty-base.sh")));
        assertTrue(stopTimeout.find(), "deploy/jetty-base.sh sets Jetty's stop timeout");
        long inFlightSeconds = Long.parseLong(stopTimeout.group(1)) / 1000;
        for (String file : DEPLOYMENTS) {
            JsonNode pod = KubernetesManifestsIT.read(file)
                    .path("spec")
                    .path("template")
                    .path("spec");
            List<String> preStop = textsOf(KubernetesManifestsIT.container(file)
                    .path("lifecycle")
                    .path("preStop")
                    .path("exec")
                    .path("command"));
            assertEquals("sleep", preStop.get(0), file + ": " + preStop);
            long pause = Long.parseLong(preStop.get(1));
            assertTrue(pause >= 1, file);
            long grace = pod.path("terminationGracePeriodSeconds").asLong();
            assertTrue(
                    grace > pause + inFlightSeconds,
                    file + ": " + grace + " s must cover the " + pause + " s pause and " + inFlightSeconds
                            + " s of requests in flight");
        }
    }

    @Test
    void theKedaScaledObjectScalesTheDeploymentOnSeriesTabserveExports() throws IOException {
        JsonNode scaled = KubernetesManifestsIT.read("keda/scaledobject.yaml");
        assertEquals("ScaledObject", scaled.path("kind").asText());
        assertEquals(
                KubernetesManifestsIT.read("deployment.yaml")
                        .path("metadata")
                        .path("name")
                        .asText(),
                scaled.path("spec").path("scaleTargetRef").path("name").asText());
        JsonNode trigger = scaled.path("spec").path("triggers").get(0);
        assertEquals("prometheus", trigger.path("type").asText());
        String query = trigger.path("metadata").path("query").asText();
        Set<String> exported = new TabserveMetrics()
                .registry().scrape().stream()
                        .map(MetricSnapshot::getMetadata)
                        .map(m -> m.getPrometheusName())
                        .collect(Collectors.toSet());
        List<String> named = Pattern.compile("tabserve_[a-z_]+")
                .matcher(query)
                .results()
                .map(java.util.regex.MatchResult::group)
                .toList();
        assertFalse(named.isEmpty(), query);
        for (String series : named) {
            assertTrue(exported.contains(series.replaceFirst("_total$", "")), series + " is not in /metrics");
        }
        assertTrue(named.contains("tabserve_model_requests_in_flight"), query);
    }

    private static List<String> textsOf(JsonNode array) {
        List<String> texts = new java.util.ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }
}
