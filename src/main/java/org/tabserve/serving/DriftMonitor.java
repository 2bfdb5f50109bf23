package org.tabserve.serving;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.tabserve.model.Batch;
import org.tabserve.model.LiveProfile;
import org.tabserve.model.Model;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * Each served model version's {@link LiveProfile}, fed where every route's scored batches are counted
 * ({@link ResolvedModel#counted}), so that {@code /metrics}, {@code GET /api/model} and the pages read the same live
 * counts and drift scores: made on a version's first batch, dropped when that version is unloaded.
 */
public final class DriftMonitor {

    private record Key(String name, long version) {
    }

    /** A profile and the model instance it counts for: a reloaded version starts a new profile. */
    private record Entry(Model model, LiveProfile profile) {
    }

    private final Map<Key, Entry> profiles = new ConcurrentHashMap<>();

    /** Registers the drift series in {@code registry}, read from the profiles at each scrape. */
    DriftMonitor(PrometheusRegistry registry) {
        String[] labels = {"model", "version", "feature"};
        GaugeWithCallback.builder().name("tabserve_feature_drift_psi")
                .help("Population stability index of each input's live values of the last hour against the card's"
                        + " training profile (0.1: moderate, 0.25: large), missing values a bin of their own; absent"
                        + " until the input has 32 values (missing ones included) per training bin beyond the first (at"
                        + " least 50)")
                .labelNames(labels).callback(callback -> each((key, feature) -> {
                    if (!Double.isNaN(feature.recent().psi())) {
                        callback.call(feature.recent().psi(), key.name(), Long.toString(key.version()), feature.name());
                    }
                })).register(registry);
        counter(registry, "tabserve_feature_values", "Values of each input the model scored, missing ones included",
                LiveProfile.Window::values);
        counter(registry, "tabserve_feature_missing", "Missing values of each input the model scored",
                LiveProfile.Window::missing);
        counter(registry, "tabserve_feature_out_of_range",
                "Numbers below the first or above the last edge of the card's histogram", LiveProfile.Window::outOfRange);
        counter(registry, "tabserve_feature_unknown_category", "Categories the card's training data never had",
                LiveProfile.Window::unknown);
    }

    private void counter(PrometheusRegistry registry, String name, String help,
                         ToLongFunction<LiveProfile.Window> figure) {
        CounterWithCallback.builder().name(name).help(help + ", since the model version was loaded, by model, version"
                        + " and feature").labelNames("model", "version", "feature")
                .callback(callback -> each((key, feature) -> callback.call(figure.applyAsLong(feature.sinceStart()),
                        key.name(), Long.toString(key.version()), feature.name())))
                .register(registry);
    }

    private void each(java.util.function.BiConsumer<Key, LiveProfile.LiveFeature> action) {
        profiles.forEach((key, entry) -> entry.profile().snapshot().forEach(feature -> action.accept(key, feature)));
    }

    /** Counts {@code batch}, which {@code model}, version {@code version} of {@code name}, scored. */
    void record(String name, long version, Model model, Batch batch) {
        Key key = new Key(name, version);
        Entry entry = profiles.get(key);
        if (entry == null || entry.model() != model) {
            entry = profiles.compute(key, (k, before) -> before != null && before.model() == model ? before
                    : new Entry(model, new LiveProfile(model.signature(), model.card())));
        }
        entry.profile().record(batch);
    }

    /**
     * @return the live profile of version {@code version} of model {@code name} as it is served now ({@code model});
     *         empty before it has scored anything
     */
    public Optional<LiveProfile> of(String name, long version, Model model) {
        Entry entry = profiles.get(new Key(name, version));
        return entry == null || entry.model() != model ? Optional.empty() : Optional.of(entry.profile());
    }

    /** Version {@code version} of model {@code name} is no longer served: its profile goes. */
    public void forget(String name, long version) {
        profiles.remove(new Key(name, version));
    }

    /** Model {@code name} is gone: the profiles of all its versions go too. */
    void forget(String name) {
        profiles.keySet().removeIf(key -> key.name().equals(name));
    }
}
