package org.tabserve.serving.monitor;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many rows each model's novelty was measured on and how many of them were flagged as unlike its calibration
 * rows (by the uncertainty of a request's rows, above this package), live: as counters in {@code /metrics} and, per
 * model, for its stats.
 */
public final class NoveltyCounts {

    /**
     * One model's counts since it was loaded.
     *
     * @param checked rows whose novelty was measured
     * @param novel   rows flagged as novel
     */
    public record Counts(long checked, long novel) {}

    /** One model's counts, with its two series looked up once (a request pays no label look-up). */
    private record Adders(
            LongAdder checked, LongAdder novel, CounterDataPoint checkedSeries, CounterDataPoint novelSeries) {}

    private final Counter checked;
    private final Counter novel;
    private final Map<String, Adders> byModel = new ConcurrentHashMap<>();

    NoveltyCounts(PrometheusRegistry registry) {
        checked = Counter.builder()
                .name("tabserve_novelty_checked_rows")
                .help("Rows whose novelty against the card's calibration rows was measured (requests that asked for"
                        + " coverage), by model")
                .labelNames("model")
                .withoutExemplars()
                .register(registry);
        novel = Counter.builder()
                .name("tabserve_novel_rows")
                .help("Rows flagged as unlike the card's calibration rows (novelty p-value under the card's"
                        + " threshold), by model")
                .labelNames("model")
                .withoutExemplars()
                .register(registry);
    }

    /** Counts {@code rows} rows of model {@code name} measured, {@code flagged} of them novel. */
    public void record(String name, int rows, int flagged) {
        Adders adders = byModel.get(name);
        if (adders == null) {
            adders = byModel.computeIfAbsent(
                    name,
                    n -> new Adders(new LongAdder(), new LongAdder(), checked.labelValues(n), novel.labelValues(n)));
        }
        adders.checked().add(rows);
        adders.checkedSeries().inc(rows);
        if (flagged > 0) {
            adders.novel().add(flagged);
            adders.novelSeries().inc(flagged);
        }
    }

    /** @return model {@code name}'s counts (zeros for one never measured) */
    public Counts of(String name) {
        Adders adders = byModel.get(name);
        return adders == null
                ? new Counts(0, 0)
                : new Counts(adders.checked().sum(), adders.novel().sum());
    }

    /**
     * Model {@code name} is gone: its counts and series go too, the series first. A request that looked them up
     * before their removal kept them in the entry that then goes, and one that looks up after the entry went finds
     * them live again; the other order left a request that came in between holding removed series for good.
     */
    void forget(String name) {
        forget(name, () -> removeSeries(name));
    }

    /** As {@link #forget(String)}, with {@code removal} run as the series' removal: NoveltyCountsForgetTest races it. */
    void forget(String name, Runnable removal) {
        removal.run();
        byModel.remove(name);
    }

    /** Removes model {@code name}'s two series from the registry (its looked-up ones stay: {@link #forget} drops them). */
    void removeSeries(String name) {
        checked.remove(name);
        novel.remove(name);
    }
}
