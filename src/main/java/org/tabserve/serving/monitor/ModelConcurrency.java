package org.tabserve.serving.monitor;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each model's requests in flight, waiting in a queue and refused as too many, as Prometheus series: what an
 * autoscaler (a HorizontalPodAutoscaler on custom metrics, KEDA's Prometheus trigger) scales replicas on, since CPU
 * lags behind a burst and says nothing of which model it is for. A model's series are there, at 0, from its load, so
 * that a query over them has a value before the first request.
 */
public final class ModelConcurrency {

    /** The {@code reason} of a request refused because every request slot was taken. */
    public static final String NO_SLOT = "concurrency";
    /** The {@code reason} of a request refused because every explanation thread was busy and their queue full. */
    public static final String EXPLANATIONS_BUSY = "explanations";

    private final Map<String, AtomicLong> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> queued = new ConcurrentHashMap<>();
    private final Counter refused;

    ModelConcurrency(PrometheusRegistry registry) {
        GaugeWithCallback.builder()
                .name("tabserve_model_requests_in_flight")
                .help("Requests (REST and gRPC) using each model now, from the moment they take it until they are"
                        + " answered")
                .labelNames("model")
                .callback(gauge -> inFlight.forEach((model, count) -> gauge.call(count.get(), model)))
                .register(registry);
        GaugeWithCallback.builder()
                .name("tabserve_model_requests_queued")
                .help("Requests of each model waiting in a queue now: for an explanation thread (the request slots"
                        + " queue nothing; a request that finds none is refused)")
                .labelNames("model")
                .callback(gauge -> queued.forEach((model, count) -> gauge.call(count.get(), model)))
                .register(registry);
        refused = Counter.builder()
                .name("tabserve_model_requests_refused")
                .help("Requests refused 503 (gRPC UNAVAILABLE) as the server was too busy, by model (the one the path"
                        + " names, or the default model on the root routes; empty for a request that names none that is"
                        + " served, such as a gRPC call) and reason: concurrency (no request slot free,"
                        + " tabserve.max-concurrent-requests) or explanations (every explanation thread busy and the"
                        + " queue full)")
                .labelNames("model", "reason")
                .withoutExemplars()
                .register(registry);
    }

    /**
     * Counts one request of {@code model} in flight until the returned count is decremented.
     *
     * @return the count to decrement, once, when the request has been answered
     */
    public AtomicLong enter(String model) {
        return counted(inFlight, model);
    }

    /**
     * Counts one request of {@code model} waiting in a queue until the returned count is decremented.
     *
     * @return the count to decrement, once, when the request leaves the queue (started, refused or cancelled)
     */
    public AtomicLong queue(String model) {
        return counted(queued, model);
    }

    /** Adds one to a model's count under the map's lock, so that {@link #unloaded} cannot drop it in between. */
    private static AtomicLong counted(Map<String, AtomicLong> counts, String model) {
        return counts.compute(model, (name, count) -> {
            AtomicLong held = count == null ? new AtomicLong() : count;
            held.incrementAndGet();
            return held;
        });
    }

    /**
     * Counts one request refused as too many, under {@code model} if it is served, else under none: the name comes
     * from a path a client wrote, and a label value for every name sent would grow the series without bound.
     */
    public void refused(String model, String reason) {
        refused.labelValues(inFlight.containsKey(model) ? model : "", reason).inc();
    }

    /** Model {@code name} serves from now on: its gauges show 0 until it has requests. */
    void loaded(String name) {
        inFlight.computeIfAbsent(name, n -> new AtomicLong());
        queued.computeIfAbsent(name, n -> new AtomicLong());
    }

    /** Model {@code name} is gone: its series go, but not a count that requests still in flight hold. */
    void unloaded(String name) {
        inFlight.computeIfPresent(name, (n, count) -> count.get() == 0 ? null : count);
        queued.computeIfPresent(name, (n, count) -> count.get() == 0 ? null : count);
        refused.removeIf(labels -> labels.get(0).equals(name));
    }
}
