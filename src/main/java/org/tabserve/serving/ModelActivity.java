package org.tabserve.serving;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What each served model has done lately, by its name, for the models index: its requests of the last minutes
 * ({@link RecentRequests}) and when it was last loaded and how long that took. Fed where the metrics count requests
 * and loads ({@link TabserveMetrics}); the index reads {@link #of}.
 */
public final class ModelActivity {

    /**
     * One model's figures.
     *
     * @param recent      its requests of the last {@link RecentRequests#WINDOW_SECONDS} seconds
     * @param loadedAt    when its current version was loaded (at start-up, or at its last reload or swap); null if not
     * @param loadSeconds how long that load took, warm-up included
     */
    public record Summary(RecentRequests.Window recent, Instant loadedAt, double loadSeconds) {
    }

    private record Load(Instant at, double seconds) {
    }

    private final LongSupplier nanoClock;
    private final Clock clock;
    private final Map<String, RecentRequests> requests = new ConcurrentHashMap<>();
    private final Map<String, Load> loads = new ConcurrentHashMap<>();

    ModelActivity() {
        this(System::nanoTime, Clock.systemUTC());
    }

    /** @param nanoClock the window's clock, on {@link System#nanoTime()}'s scale; {@code clock} dates the loads */
    ModelActivity(LongSupplier nanoClock, Clock clock) {
        this.nanoClock = nanoClock;
        this.clock = clock;
    }

    /**
     * Counts one request (or gRPC call) answered by model {@code name}, which failed or not: a map look-up and a few
     * atomic adds, nothing allocated.
     */
    void request(String name, boolean failed, double seconds) {
        RecentRequests recent = requests.get(name);
        if (recent == null) {
            recent = requests.computeIfAbsent(name, n -> new RecentRequests());
        }
        recent.record(nanoClock.getAsLong(), failed, seconds);
    }

    /** Model {@code name} serves a newly loaded version from now on, which took {@code seconds} to load. */
    void loaded(String name, double seconds) {
        loads.put(name, new Load(clock.instant(), seconds));
    }

    /** Model {@code name} is gone: its figures go too. */
    void forget(String name) {
        requests.remove(name);
        loads.remove(name);
    }

    /** @return model {@code name}'s figures now (empty windows for a model that has answered nothing lately) */
    public Summary of(String name) {
        RecentRequests recent = requests.get(name);
        RecentRequests.Window window = recent == null ? new RecentRequests.Window(0, 0, Double.NaN, Double.NaN)
                : recent.window(nanoClock.getAsLong());
        Load load = loads.get(name);
        return new Summary(window, load == null ? null : load.at(), load == null ? Double.NaN : load.seconds());
    }
}
