package org.tabserve.serving.monitor;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.tabserve.model.Model;
import org.tabserve.model.live.LiveProfile;
import org.tabserve.model.signature.Batch;
import org.tabserve.repository.VersionKey;

/**
 * Each served model version's {@link LiveProfile}, fed where every route's scored batches are counted (by the
 * scoring entry point, above this package), so that {@code /metrics}, {@code GET /api/model} and the pages read the
 * same live counts and drift scores: made on a version's first batch, dropped when that version is unloaded. Each
 * version's worst drift is also kept minute by minute over the last hour ({@link DriftMinutes}), sampled wherever it
 * is computed: {@link #worst} and each scrape of the drift gauge. Each input's bins are series of their own
 * ({@link DriftBins}).
 */
public final class DriftMonitor {

    /**
     * A profile, the model instance it counts for, and its worst drift by minute: a reloaded version starts a new
     * profile and a new hour.
     */
    private record Entry(Model model, LiveProfile profile, DriftMinutes minutes) {}

    /**
     * The input whose values of the last hour are furthest from the card's training profile.
     *
     * @param psi its population stability index
     */
    public record Worst(String feature, double psi) {}

    /** {@link #worstByMinute} of a version that has scored nothing: every minute NaN. */
    public static final List<Double> NO_MINUTES =
            java.util.Collections.nCopies(RecentRequests.HOUR_BUCKETS, Double.NaN);

    private final Map<VersionKey, Entry> profiles = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    /** Registers the drift series in {@code registry}, read from the profiles at each scrape. */
    DriftMonitor(PrometheusRegistry registry) {
        this(registry, System::nanoTime);
    }

    /** @param nanoClock the minutes' clock, on {@link System#nanoTime()}'s scale (a test passes its own) */
    DriftMonitor(PrometheusRegistry registry, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        String[] labels = {"model", "version", "feature"};
        GaugeWithCallback.builder()
                .name("tabserve_feature_drift_psi")
                .help("Population stability index of each input's live values of the last hour against the card's"
                        + " training profile (0.1: moderate, 0.25: large), missing values a bin of their own; absent"
                        + " until the input has 32 values (missing ones included) per training bin beyond the first (at"
                        + " least 50)")
                .labelNames(labels)
                .callback(callback -> profiles.forEach((key, entry) -> {
                    List<LiveProfile.LiveFeature> features = entry.profile().snapshot();
                    for (LiveProfile.LiveFeature feature : features) {
                        if (!Double.isNaN(feature.recent().psi())) {
                            callback.call(
                                    feature.recent().psi(), key.name(), Long.toString(key.version()), feature.name());
                        }
                    }
                    sample(entry, features);
                }))
                .register(registry);
        counter(
                registry,
                "tabserve_feature_values",
                "Values of each input the model scored, missing ones included",
                LiveProfile.Window::values);
        counter(
                registry,
                "tabserve_feature_missing",
                "Missing values of each input the model scored",
                LiveProfile.Window::missing);
        counter(
                registry,
                "tabserve_feature_out_of_range",
                "Numbers below the first or above the last edge of the card's histogram",
                LiveProfile.Window::outOfRange);
        counter(
                registry,
                "tabserve_feature_unknown_category",
                "Categories the card's training data never had",
                LiveProfile.Window::unknown);
        DriftBins.register(registry, this::each);
    }

    private void counter(
            PrometheusRegistry registry, String name, String help, ToLongFunction<LiveProfile.Window> figure) {
        CounterWithCallback.builder()
                .name(name)
                .help(help + ", since the model version was loaded, by model, version" + " and feature")
                .labelNames("model", "version", "feature")
                .callback(callback -> each((key, feature) -> callback.call(
                        figure.applyAsLong(feature.sinceStart()),
                        key.name(),
                        Long.toString(key.version()),
                        feature.name())))
                .register(registry);
    }

    private void each(java.util.function.BiConsumer<VersionKey, LiveProfile.LiveFeature> action) {
        profiles.forEach((key, entry) -> entry.profile().snapshot().forEach(feature -> action.accept(key, feature)));
    }

    /** Counts {@code batch}, which {@code model}, version {@code version} of {@code name}, scored. */
    public void record(String name, long version, Model model, Batch batch) {
        VersionKey key = new VersionKey(name, version);
        Entry entry = profiles.get(key);
        if (entry == null || entry.model() != model) {
            entry = profiles.compute(
                    key,
                    (k, before) -> before != null && before.model() == model
                            ? before
                            : new Entry(model, new LiveProfile(model.signature(), model.card()), new DriftMinutes()));
        }
        entry.profile().record(batch);
    }

    /**
     * @return the live profile of version {@code version} of model {@code name} as it is served now ({@code model});
     *         empty before it has scored anything
     */
    public Optional<LiveProfile> of(String name, long version, Model model) {
        return Optional.ofNullable(entry(name, version, model)).map(Entry::profile);
    }

    /**
     * The input of version {@code version} of model {@code name}, as it is served now ({@code model}), that drifted
     * most over the last hour, kept as this minute's sample of its worst drift.
     *
     * @return empty before it has scored anything, or before any input has a score
     */
    public Optional<Worst> worst(String name, long version, Model model) {
        Entry entry = entry(name, version, model);
        return entry == null
                ? Optional.empty()
                : Optional.ofNullable(sample(entry, entry.profile().snapshot()));
    }

    /**
     * @return the worst drift of version {@code version} of model {@code name} (as served now, {@code model}) in each
     *         of the last {@link RecentRequests#HOUR_BUCKETS} minutes, oldest first, the last the minute under way;
     *         NaN where nothing sampled it
     */
    public List<Double> worstByMinute(String name, long version, Model model) {
        Entry entry = entry(name, version, model);
        return entry == null ? NO_MINUTES : entry.minutes().minutes(nanoClock.getAsLong());
    }

    private Entry entry(String name, long version, Model model) {
        Entry entry = profiles.get(new VersionKey(name, version));
        return entry == null || entry.model() != model ? null : entry;
    }

    /** @return the worst of {@code features} (null when none has a score), kept as the entry's sample of now */
    private Worst sample(Entry entry, List<LiveProfile.LiveFeature> features) {
        Worst worst = null;
        for (LiveProfile.LiveFeature feature : features) {
            double psi = feature.recent().psi();
            if (!Double.isNaN(psi) && (worst == null || psi > worst.psi())) {
                worst = new Worst(feature.name(), psi);
            }
        }
        if (worst != null) {
            entry.minutes().sample(nanoClock.getAsLong(), worst.psi());
        }
        return worst;
    }

    /** Version {@code version} of model {@code name} is no longer served: its profile goes. */
    public void forget(String name, long version) {
        profiles.remove(new VersionKey(name, version));
    }

    /** Model {@code name} is gone: the profiles of all its versions go too. */
    void forget(String name) {
        profiles.keySet().removeIf(key -> key.name().equals(name));
    }
}
