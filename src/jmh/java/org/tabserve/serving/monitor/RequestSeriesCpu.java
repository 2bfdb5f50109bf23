package org.tabserve.serving.monitor;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;
import org.tabserve.model.onnx.plain.CpuRounds;

/**
 * What the metrics of one answered single-row request cost (its request count and latency, its row, its class), in
 * the thread's CPU time and allocated bytes: each series looked up by its label values at every call, as
 * {@link TabserveMetrics} did before {@link ModelSeries} (built the same way on a registry of its own), against the
 * series looked up once ({@link ModelSeries}), alternating in rounds in one JVM:
 * {@code java -cp target/test-classes:target/classes:<deps> org.tabserve.serving.monitor.RequestSeriesCpu 2 5}
 * (seconds of CPU per measurement, rounds).
 */
public final class RequestSeriesCpu {

    private static final String MODEL = "banknote-authenticator";
    private static final String ROUTE = "/api/predict";

    private RequestSeriesCpu() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter requests = Counter.builder()
                .name("tabserve_http_requests")
                .labelNames("model", "route", "method", "status", "protocol")
                .withoutExemplars()
                .register(registry);
        Histogram latency = Histogram.builder()
                .name("tabserve_http_request_duration_seconds")
                .unit(null)
                .classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .labelNames("model", "route", "method", "protocol")
                .withoutExemplars()
                .register(registry);
        Counter predictions = Counter.builder()
                .name("tabserve_predictions")
                .labelNames("model", "class")
                .withoutExemplars()
                .register(registry);
        Counter rows = Counter.builder()
                .name("tabserve_rows_scored")
                .labelNames("model")
                .withoutExemplars()
                .register(registry);
        ModelSeries series = new ModelSeries(new PrometheusRegistry());
        // The label values as a request has them: a constant route and method, a status made from its number, a class
        // label that is the model's (one string kept by the model, not a constant of this class).
        String label = new String("1");
        CpuRounds.Call lookedUpEachTime = () -> {
            int status = 200;
            requests.labelValues(MODEL, ROUTE, "POST", Integer.toString(status), TabserveMetrics.REST)
                    .inc();
            latency.labelValues(MODEL, ROUTE, "POST", TabserveMetrics.REST).observe(0.0004);
            rows.labelValues(MODEL).inc(1);
            predictions.labelValues(MODEL, label).inc(1);
            return 1;
        };
        CpuRounds.Call lookedUpOnce = () -> {
            ModelSeries.Series of = series.of(MODEL);
            of.request(ROUTE, "POST", ModelSeries.statusLabel(200), TabserveMetrics.REST, 0.0004, null);
            ModelSeries.Series scored = series.of(MODEL); // TabserveMetrics.scored looks the model up again
            scored.rows(1);
            scored.predictions(label, 1);
            return 1;
        };
        String[] names = {"labelValues", "looked-up-once"};
        CpuRounds.Call[] calls = {lookedUpEachTime, lookedUpOnce};
        CpuRounds.print("", names, calls, new int[] {1, 1}, seconds, rounds);
        for (int i = 0; i < calls.length; i++) {
            System.out.printf(
                    Locale.ROOT, "%s: %.1f bytes allocated a call%n", names[i], CpuRounds.allocatedPerCall(calls[i]));
        }
    }
}
