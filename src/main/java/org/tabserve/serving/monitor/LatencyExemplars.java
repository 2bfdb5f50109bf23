package org.tabserve.serving.monitor;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.MetricType;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The request-duration histogram with, in each bucket of each series, the latest traced request that fell in it as an
 * OpenMetrics exemplar (its trace id, span id, duration and time), so that a dashboard's slow bucket opens a trace.
 *
 * <p>The Prometheus client samples exemplars itself only with its static scheduler, whose thread outlives an undeployed
 * web app (see {@link TabserveMetrics}); so the histogram is built without them and this collector, registered in its
 * place, keeps one exemplar slot a bucket and adds what they hold to the histogram's snapshot when scraped. Only a
 * request whose span is sampled is kept: with tracing off there is none, and the snapshot is the histogram's own.
 */
final class LatencyExemplars implements Collector {

    private final Histogram histogram;
    private final String[] labelNames;
    private final double[] upperBounds;
    /** Each series' slots, one a bucket and the last for +Inf, by the series' labels. */
    private final Map<Labels, AtomicReferenceArray<Exemplar>> slots = new ConcurrentHashMap<>();

    /**
     * @param histogram   the classic histogram, built but not registered
     * @param labelNames  its label names, in its order
     * @param upperBounds its buckets' upper bounds, ascending, without +Inf
     */
    LatencyExemplars(Histogram histogram, String[] labelNames, double[] upperBounds) {
        this.histogram = histogram;
        this.labelNames = labelNames.clone();
        this.upperBounds = upperBounds.clone();
    }

    /**
     * Keeps a traced request's duration as its bucket's exemplar in the series of {@code labelValues}.
     *
     * @param traceparent the request's sampled span's W3C {@code traceparent} ({@code 00-<trace id>-<span id>-01})
     */
    void record(String[] labelValues, double seconds, String traceparent) {
        if (traceparent == null || traceparent.length() < 55 || traceparent.charAt(35) != '-') {
            return;
        }
        int bucket = 0;
        while (bucket < upperBounds.length && seconds > upperBounds[bucket]) {
            bucket++;
        }
        Exemplar exemplar = Exemplar.builder()
                .value(seconds)
                .traceId(traceparent.substring(3, 35))
                .spanId(traceparent.substring(36, 52))
                .timestampMillis(System.currentTimeMillis())
                .build();
        slots.computeIfAbsent(
                        Labels.of(labelNames, labelValues), l -> new AtomicReferenceArray<>(upperBounds.length + 1))
                .set(bucket, exemplar);
    }

    /** Forgets the exemplars of the series whose first label (the model) is {@code model}. */
    void forget(String model) {
        slots.keySet().removeIf(labels -> model.equals(labels.get(labelNames[0])));
    }

    @Override
    public HistogramSnapshot collect() {
        HistogramSnapshot snapshot = histogram.collect();
        if (slots.isEmpty()) {
            return snapshot;
        }
        HistogramSnapshot.Builder withExemplars = HistogramSnapshot.builder()
                .name(snapshot.getMetadata().getName())
                .help(snapshot.getMetadata().getHelp())
                .unit(snapshot.getMetadata().getUnit());
        for (HistogramDataPointSnapshot point : snapshot.getDataPoints()) {
            AtomicReferenceArray<Exemplar> kept = slots.get(point.getLabels());
            if (kept == null) {
                withExemplars.dataPoint(point);
                continue;
            }
            List<Exemplar> exemplars = new ArrayList<>(kept.length());
            for (int i = 0; i < kept.length(); i++) {
                if (kept.get(i) != null) {
                    exemplars.add(kept.get(i));
                }
            }
            HistogramDataPointSnapshot.Builder rebuilt =
                    HistogramDataPointSnapshot.builder().classicHistogramBuckets(point.getClassicBuckets());
            rebuilt.labels(point.getLabels()).sum(point.getSum()).exemplars(Exemplars.of(exemplars));
            if (point.hasCreatedTimestamp()) {
                rebuilt.createdTimestampMillis(point.getCreatedTimestampMillis());
            }
            withExemplars.dataPoint(rebuilt.build());
        }
        return withExemplars.build();
    }

    @Override
    public String getPrometheusName() {
        return histogram.getPrometheusName();
    }

    @Override
    public MetricType getMetricType() {
        return histogram.getMetricType();
    }

    @Override
    public Set<String> getLabelNames() {
        return histogram.getLabelNames();
    }

    @Override
    public MetricMetadata getMetadata() {
        return histogram.getMetadata();
    }
}
