package org.tabserve.serving.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Prediction;

/** tabserve's metrics never start a thread that would outlive the web app (hot redeploy stays flat). */
class TabserveMetricsTest {

    /** The metrics hand out what counts alone: drift, live performance and statistics are {@link Monitors}' (issue 62). */
    @Test
    void theMetricsHandOutNoMonitor() {
        List<Class<?>> monitors =
                List.of(DriftMonitor.class, org.tabserve.serving.feedback.FeedbackMonitor.class, ModelStatistics.class);
        assertEquals(
                List.of(),
                java.util.Arrays.stream(TabserveMetrics.class.getMethods())
                        .filter(m -> monitors.contains(m.getReturnType()))
                        .map(java.lang.reflect.Method::getName)
                        .toList(),
                "Monitors hands them out");
        Monitors both = Monitors.of(new TabserveMetrics());
        assertTrue(both.drift() != null && both.feedback() != null && both.statistics() != null);
    }

    /** The name the Prometheus client gives the thread of its static scheduler. */
    private static final String SCHEDULER_THREAD = "prometheus-metrics-scheduler-";

    @Test
    void recordingEveryMetricNeverStartsThePrometheusClientsSchedulerThread() {
        // That thread cannot be stopped and keeps an undeployed app's class loader alive (see TabserveMetrics).
        TabserveMetrics metrics = new TabserveMetrics();
        Monitors.of(metrics); // the monitors' series too
        List<String> classes = List.of("genuine", "forged");
        try (Model classifier = OnnxModelLoader.load(Path.of("model.onnx"))) {
            metrics.modelLoaded("banknote", classifier, 0.25);
        }
        metrics.request(TabserveMetrics.REST, "banknote", "/api/predict", "POST", 200, 0.003);
        metrics.request(TabserveMetrics.REST, "", "/api/predict", "POST", 400, 0.001);
        metrics.scored(
                "banknote",
                List.of(
                        new Prediction.Classification("genuine", classes, List.of(0.9, 0.1)),
                        new Prediction.Classification("forged", classes, List.of(0.2, 0.8))));
        metrics.adminRefused("wrong_token");
        MetricSnapshots scraped = metrics.registry().scrape();

        assertTrue(
                scraped.stream().anyMatch(s -> s.getMetadata().getName().equals("tabserve_model_load_seconds")),
                "the load time gauge was scraped");
        assertEquals(
                List.of(),
                Thread.getAllStackTraces().keySet().stream()
                        .map(Thread::getName)
                        .filter(name -> name.startsWith(SCHEDULER_THREAD))
                        .toList(),
                "a metric handed work to the client's scheduler (exemplars or a native histogram reset)");
    }

    @Test
    void anUnloadedModelsSeriesGoAwayAndTheOthersStay() {
        TabserveMetrics metrics = new TabserveMetrics();
        List<String> classes = List.of("genuine", "forged");
        try (Model classifier = OnnxModelLoader.load(Path.of("model.onnx"))) {
            metrics.modelLoaded("a", classifier, 0.25);
            metrics.modelLoaded("b", classifier, 0.5);
        }
        for (String model : List.of("a", "b")) {
            metrics.request(TabserveMetrics.REST, model, "/models/*", "POST", 200, 0.003);
            metrics.scored(model, List.of(new Prediction.Classification("genuine", classes, List.of(0.9, 0.1))));
        }
        metrics.modelUnloaded("a");
        String text = scrape(metrics);
        for (String series : List.of(
                "tabserve_http_requests_total{",
                "tabserve_rows_scored_total{",
                "tabserve_predictions_total{",
                "tabserve_model_info{",
                "tabserve_model_load_seconds{")) {
            assertTrue(text.lines().anyMatch(l -> l.startsWith(series) && l.contains("model=\"b\"")), series + " b");
            assertTrue(text.lines().noneMatch(l -> l.startsWith(series) && l.contains("model=\"a\"")), series + " a");
        }
    }

    @Test
    void countsEachClassOfABatchWhetherItsRowsComeInRunsOrNot() {
        TabserveMetrics metrics = new TabserveMetrics();
        List<String> classes = List.of("genuine", "forged");
        Prediction genuine = new Prediction.Classification("genuine", classes, List.of(0.9, 0.1));
        // An equal label that is another string, as a model's label output gives one per row.
        Prediction forged = new Prediction.Classification(new String("forged"), classes, List.of(0.2, 0.8));
        Prediction forgedToo = new Prediction.Classification(new String("forged"), classes, List.of(0.3, 0.7));
        java.util.List<Prediction> scored =
                new java.util.ArrayList<>(List.of(genuine, genuine, forged, forgedToo, genuine));
        scored.add(null); // a row whose scores were not finite
        scored.addAll(List.of(forged, genuine, genuine));
        metrics.scored("banknote", scored);
        String text = scrape(metrics);
        assertTrue(
                text.lines()
                        .anyMatch(
                                l -> l.equals("tabserve_predictions_total{class=\"genuine\",model=\"banknote\"} 5.0")),
                text);
        assertTrue(
                text.lines()
                        .anyMatch(l -> l.equals("tabserve_predictions_total{class=\"forged\",model=\"banknote\"} 3.0")),
                text);
        assertTrue(text.lines().anyMatch(l -> l.equals("tabserve_rows_scored_total{model=\"banknote\"} 9.0")), text);
    }

    private static String scrape(TabserveMetrics metrics) {
        return org.tabserve.testing.MetricsText.of(metrics.registry());
    }
}
