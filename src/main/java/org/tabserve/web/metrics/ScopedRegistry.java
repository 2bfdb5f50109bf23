package org.tabserve.web.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.registry.PrometheusScrapeRequest;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.Scope;

/**
 * The registry as one caller may scrape it, for a client whose {@code metrics} scope covers some models only: of the
 * series labelled with a model, those of its models; of those labelled with a client (the quotas' counts), its own;
 * the server's own series (the JVM, the memory budget, refusals by reason) whole. A series left with no data point is
 * left out, so a scrape names no other model or client, not even as a family with nothing in it.
 *
 * <p>It answers every public {@code scrape} of {@link PrometheusRegistry} (the client's scrape handler calls one of
 * them, with the scrape's own name filter) from the registry it wraps; nothing is registered in it.
 * {@code AccessTest} scrapes a running server through the client's handler, in two formats and with a name filter, so
 * an upgrade whose handler calls another method fails it.
 */
final class ScopedRegistry extends PrometheusRegistry {

    private static final String MODEL = "model";
    private static final String CLIENT = "client";

    private final PrometheusRegistry registry;
    private final Caller caller;

    ScopedRegistry(PrometheusRegistry registry, Caller caller) {
        this.registry = registry;
        this.caller = caller;
    }

    @Override
    public MetricSnapshots scrape() {
        return visible(registry.scrape());
    }

    @Override
    public MetricSnapshots scrape(PrometheusScrapeRequest request) {
        return visible(registry.scrape(request));
    }

    @Override
    public MetricSnapshots scrape(Predicate<String> includedNames) {
        return visible(registry.scrape(includedNames));
    }

    @Override
    public MetricSnapshots scrape(Predicate<String> includedNames, PrometheusScrapeRequest request) {
        return visible(registry.scrape(includedNames, request));
    }

    /** @return the snapshots with only the data points the caller may see, and none left empty by that */
    MetricSnapshots visible(MetricSnapshots snapshots) {
        List<MetricSnapshot> kept = new ArrayList<>(snapshots.size());
        for (MetricSnapshot snapshot : snapshots) {
            MetricSnapshot seen = visible(snapshot);
            if (!seen.getDataPoints().isEmpty()) {
                kept.add(seen);
            }
        }
        return new MetricSnapshots(kept);
    }

    private MetricSnapshot visible(MetricSnapshot snapshot) {
        if (snapshot.getDataPoints().stream().allMatch(this::mayShow)) {
            return snapshot;
        }
        if (snapshot instanceof CounterSnapshot s) {
            return new CounterSnapshot(s.getMetadata(), kept(s.getDataPoints()));
        } else if (snapshot instanceof GaugeSnapshot s) {
            return new GaugeSnapshot(s.getMetadata(), kept(s.getDataPoints()));
        } else if (snapshot instanceof HistogramSnapshot s) {
            return new HistogramSnapshot(s.isGaugeHistogram(), s.getMetadata(), kept(s.getDataPoints()));
        } else if (snapshot instanceof SummarySnapshot s) {
            return new SummarySnapshot(s.getMetadata(), kept(s.getDataPoints()));
        } else if (snapshot instanceof InfoSnapshot s) {
            return new InfoSnapshot(s.getMetadata(), kept(s.getDataPoints()));
        } else if (snapshot instanceof StateSetSnapshot s) {
            return new StateSetSnapshot(s.getMetadata(), kept(s.getDataPoints()));
        } else if (snapshot instanceof UnknownSnapshot s) {
            return new UnknownSnapshot(s.getMetadata(), kept(s.getDataPoints()));
        }
        // A kind of series this class does not know yet: left out whole rather than shown whole.
        return new UnknownSnapshot(snapshot.getMetadata(), List.of());
    }

    private <T extends DataPointSnapshot> List<T> kept(List<T> points) {
        return points.stream().filter(this::mayShow).toList();
    }

    /** Whether the caller may see a data point: its model's, if it names one, and its own client's, if it names one. */
    private boolean mayShow(DataPointSnapshot point) {
        Labels labels = point.getLabels();
        String model = labels.get(MODEL);
        if (model != null && !caller.may(Scope.METRICS, model)) {
            return false;
        }
        String client = labels.get(CLIENT);
        return client == null || client.equals(caller.name());
    }
}
