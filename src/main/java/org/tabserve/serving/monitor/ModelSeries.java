package org.tabserve.serving.monitor;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The series every answer bumps, by model: requests by route, status and protocol, their latency, rows scored and
 * predictions by class; each series is looked up in its metric once per model and labels, not at every request (a
 * look-up by a list of label values, about 1-2 % of a single row's CPU: bench/RESULTS.notes.md, "Single-row CPU,
 * round 4").
 *
 * <p>An unloaded model's series leave the registry ({@link #forget}), and its looked-up series must leave with them:
 * a request would otherwise count, for good, into series that {@code /metrics} no longer shows. So {@link #forget}
 * removes the series first and the model's looked-up series after: a request that looked one up before the removal
 * kept it in the entry that then goes, and one that looks up after the entry went finds the series live again.
 */
final class ModelSeries {

    /** A REST status's label, made once: {@code Integer.toString} at every request is an allocation. */
    private static final String[] STATUS_LABELS = new String[600];

    static {
        for (int status = 0; status < STATUS_LABELS.length; status++) {
            STATUS_LABELS[status] = Integer.toString(status);
        }
    }

    /** The latency's buckets' upper bounds, in seconds. */
    private static final double[] LATENCY_BOUNDS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };
    /** The latency's labels. */
    private static final String[] LATENCY_LABELS = {"model", "route", "method", "protocol"};

    // The protocol label is last so that the model stays the first label, which forget removes series by.
    private final Counter requests;
    private final Histogram latency;
    /** The latency's latest traced request a bucket, its exemplars; registered in the histogram's place. */
    private final LatencyExemplars exemplars;

    private final Counter predictions;
    private final Counter rows;
    private final Map<String, Series> byModel = new ConcurrentHashMap<>();

    /** Registers the four metrics in {@code registry}, in this order (the order {@code /metrics} lists them in). */
    ModelSeries(PrometheusRegistry registry) {
        // Without exemplars and the histogram classic only: see TabserveMetrics, on the client's static scheduler.
        requests = Counter.builder()
                .name("tabserve_http_requests")
                .help("HTTP requests and gRPC calls answered, by model (empty for routes of none), route (the servlet"
                        + " mapping, not the raw path; a gRPC call's method path), status (a gRPC call's status code"
                        + " name) and protocol (rest or grpc)")
                .labelNames("model", "route", "method", "status", "protocol")
                .withoutExemplars()
                .register(registry);
        latency = Histogram.builder()
                .name("tabserve_http_request_duration_seconds")
                .help("Time from the request reaching the app to the answer being written (a gRPC call: to its"
                        + " status), by route and protocol")
                .unit(null)
                .classicOnly()
                .classicUpperBounds(LATENCY_BOUNDS)
                .labelNames(LATENCY_LABELS)
                .withoutExemplars()
                .build();
        exemplars = new LatencyExemplars(latency, LATENCY_LABELS, LATENCY_BOUNDS);
        registry.register(exemplars);
        predictions = Counter.builder()
                .name("tabserve_predictions")
                .help("Predictions made, by model and predicted class label")
                .labelNames("model", "class")
                .withoutExemplars()
                .register(registry);
        rows = Counter.builder()
                .name("tabserve_rows_scored")
                .help("Rows scored, by model, over every route")
                .labelNames("model")
                .withoutExemplars()
                .register(registry);
    }

    /** @return {@code status} as its label ({@code "200"}) */
    static String statusLabel(int status) {
        return status >= 0 && status < STATUS_LABELS.length ? STATUS_LABELS[status] : Integer.toString(status);
    }

    /** @return the series of {@code model} (empty for a request of no model) */
    Series of(String model) {
        Series series = byModel.get(model);
        return series != null ? series : byModel.computeIfAbsent(model, Series::new);
    }

    /** Model {@code model} is gone: its series leave the registry, then the looked-up ones (see the class's note). */
    void forget(String model) {
        forget(model, () -> removeSeries(model));
    }

    /** As {@link #forget(String)}, with {@code removal} run as the series' removal: ModelSeriesTest races it. */
    void forget(String model, Runnable removal) {
        removal.run();
        byModel.remove(model);
    }

    /** Removes model {@code model}'s series from the registry (their look-ups stay: {@link #forget} drops those). */
    void removeSeries(String model) {
        rows.remove(model);
        predictions.removeIf(labels -> labels.get(0).equals(model));
        requests.removeIf(labels -> labels.get(0).equals(model));
        latency.removeIf(labels -> labels.get(0).equals(model));
        exemplars.forget(model);
    }

    /** The labels of a request's series below its model's. */
    private record RequestLabels(String route, String method, String status, String protocol) {}

    /** A request's two series: its count (by status) and its latency. */
    private record RequestSeries(CounterDataPoint count, DistributionDataPoint latency) {}

    /** One model's series looked up so far. */
    final class Series {

        private final String model;
        private final Map<RequestLabels, RequestSeries> requestSeries = new ConcurrentHashMap<>();
        private final Map<String, CounterDataPoint> classSeries = new ConcurrentHashMap<>();
        /** Looked up at the first rows scored, not before: a model only refused has no rows series. */
        private volatile CounterDataPoint rowsSeries;

        private Series(String model) {
            this.model = model;
        }

        /**
         * Counts one request answered with {@code status} after {@code seconds}.
         *
         * @param traceparent the request's span's {@code traceparent} when it is sampled (kept as its latency bucket's
         *                    exemplar), else null
         */
        void request(String route, String method, String status, String protocol, double seconds, String traceparent) {
            RequestLabels labels = new RequestLabels(route, method, status, protocol);
            RequestSeries series = requestSeries.get(labels);
            if (series == null) {
                series = requestSeries.computeIfAbsent(
                        labels,
                        l -> new RequestSeries(
                                requests.labelValues(model, route, method, status, protocol),
                                latency.labelValues(model, route, method, protocol)));
            }
            series.count().inc();
            series.latency().observe(seconds);
            if (traceparent != null) {
                exemplars.record(new String[] {model, route, method, protocol}, seconds, traceparent);
            }
        }

        /** Counts {@code count} more rows scored. */
        void rows(long count) {
            CounterDataPoint series = rowsSeries;
            if (series == null) {
                series = rows.labelValues(model); // two threads may both look it up: the same series
                rowsSeries = series;
            }
            series.inc(count);
        }

        /** Counts {@code count} more predictions of class {@code label}. */
        void predictions(String label, long count) {
            if (label == null) { // no map takes it: the metric refuses it, as it always did
                predictions.labelValues(model, label).inc(count);
                return;
            }
            CounterDataPoint series = classSeries.get(label);
            if (series == null) {
                series = classSeries.computeIfAbsent(label, l -> predictions.labelValues(model, l));
            }
            series.inc(count);
        }
    }
}
