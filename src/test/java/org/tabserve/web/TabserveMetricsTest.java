package org.tabserve.web;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.junit.jupiter.api.Test;
import org.tabserve.model.OnnxModel;
import org.tabserve.model.Prediction;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** tabserve's metrics never start a thread that would outlive the web app (hot redeploy stays flat). */
class TabserveMetricsTest {

    /** The name the Prometheus client gives the thread of its static scheduler. */
    private static final String SCHEDULER_THREAD = "prometheus-metrics-scheduler-";

    @Test
    void recordingEveryMetricNeverStartsThePrometheusClientsSchedulerThread() {
        // That thread cannot be stopped and keeps an undeployed app's class loader alive (see TabserveMetrics).
        TabserveMetrics metrics = new TabserveMetrics();
        List<String> classes = List.of("genuine", "forged");
        try (OnnxModel classifier = OnnxModel.load(Path.of("model.onnx"))) {
            metrics.modelLoaded(classifier, 0.25);
        }
        metrics.request("/api/predict", "POST", 200, 0.003);
        metrics.request("/api/predict", "POST", 400, 0.001);
        metrics.scored(List.of(new Prediction.Classification("genuine", classes, List.of(0.9, 0.1)),
                new Prediction.Classification("forged", classes, List.of(0.2, 0.8))));
        metrics.adminRefused("wrong_token");
        MetricSnapshots scraped = metrics.registry().scrape();

        assertTrue(scraped.stream().anyMatch(s -> s.getMetadata().getName().equals("tabserve_model_load_seconds")),
                "the load time gauge was scraped");
        assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith(SCHEDULER_THREAD)).toList(),
                "a metric handed work to the client's scheduler (exemplars or a native histogram reset)");
    }
}
