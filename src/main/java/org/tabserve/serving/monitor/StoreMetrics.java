package org.tabserve.serving.monitor;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.tabserve.repository.ModelStore;

/**
 * The series of the store the models come from ({@code --models s3://...}), {@code tabserve_model_store_*}, read from
 * its state when scraped: its requests, failures, bytes downloaded, polls passed over while it failed, whether it
 * answers, and the model files its cache holds; its reads abandoned as {@code tabserve_outbound_reads_abandoned{read="model_store"}}.
 */
final class StoreMetrics {

    private StoreMetrics() {}

    static void register(
            PrometheusRegistry registry, Supplier<Optional<ModelStore.State>> state, OutboundReadMetrics outbound) {
        counter(
                registry,
                "tabserve_model_store_requests",
                "Requests sent to the model store (listings, downloads)",
                state,
                ModelStore.State::requests);
        counter(
                registry,
                "tabserve_model_store_failures",
                "Model store requests that failed (no answer, or an error" + " status)",
                state,
                ModelStore.State::failures);
        counter(
                registry,
                "tabserve_model_store_downloaded_bytes",
                "Bytes downloaded from the model store",
                state,
                ModelStore.State::bytes);
        counter(
                registry,
                "tabserve_model_store_backoffs",
                "Polls of the model store passed over because it had been"
                        + " failing (the wait doubles with each failure in a row)",
                state,
                ModelStore.State::backoffs);
        // Its reads abandoned are the outbound reads' family's, beside the issuer's, Redis' and the collector's.
        outbound.abandoned(
                "model_store",
                () -> state.get().map(ModelStore.State::readsAbandoned).orElse(0L));
        GaugeWithCallback.builder()
                .name("tabserve_model_store_up")
                .help("Whether the model store answered its last request (1) or not (0): the cache serves meanwhile")
                .callback(g -> state.get().ifPresent(s -> g.call(s.reachable() ? 1 : 0)))
                .register(registry);
        GaugeWithCallback.builder()
                .name("tabserve_model_store_cached_models")
                .help("Model files the model store's cache holds")
                .callback(g -> state.get().ifPresent(s -> g.call(s.cachedFiles())))
                .register(registry);
    }

    private static void counter(
            PrometheusRegistry registry,
            String name,
            String help,
            Supplier<Optional<ModelStore.State>> state,
            ToLongFunction<ModelStore.State> value) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .callback(c -> state.get().ifPresent(s -> c.call(value.applyAsLong(s))))
                .register(registry);
    }
}
