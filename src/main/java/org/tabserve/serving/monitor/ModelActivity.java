package org.tabserve.serving.monitor;

import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * What each served model has done lately, by its name, for the models index: its requests of the last minutes and
 * of the last hour by minute (two {@link RecentRequests} rings), and when it was last loaded and how long that took. Fed where the metrics count requests
 * and loads ({@link TabserveMetrics}); the index reads {@link #of}.
 *
 * <p>A model's first {@link #WARM_UP_REQUESTS} requests after each load are its warm-up: counted, errors too, but
 * not timed into its p50 and p99, so that the JVM's first runs of a route (compiling, filling caches: a second and
 * more for a fresh server's first form, card or API document) do not paint a model that answers in milliseconds red
 * for the five minutes they stay in the window. Counted, not timed: a count holds on any machine, a time would not.
 */
public final class ModelActivity {

    /** The requests after a load that are not timed into the model's p50 and p99. */
    public static final int WARM_UP_REQUESTS = 10;

    /**
     * One model's figures.
     *
     * @param recent      its requests of the last {@link RecentRequests#WINDOW_SECONDS} seconds
     * @param lastHour    its requests in each of the last {@link RecentRequests#HOUR_BUCKETS} minutes, oldest first,
     *                    the last the minute under way
     * @param loadedAt    when its current version was loaded (at start-up, or at its last reload or swap); null if not
     * @param loadSeconds how long that load took, warm-up included
     */
    public record Summary(
            RecentRequests.Window recent, List<RecentRequests.Window> lastHour, Instant loadedAt, double loadSeconds) {}

    /** A model's two rings, fed together. */
    private record Rings(RecentRequests recent, RecentRequests lastHour) {

        Rings() {
            this(new RecentRequests(), RecentRequests.lastHour());
        }
    }

    private record Load(Instant at, double seconds) {}

    private final LongSupplier nanoClock;
    private final Clock clock;
    private final Map<String, Rings> requests = new ConcurrentHashMap<>();
    private final Map<String, Load> loads = new ConcurrentHashMap<>();
    /** Per model, the requests of its warm-up still to come, from {@link #WARM_UP_REQUESTS} at each load. */
    private final Map<String, AtomicInteger> warmUps = new ConcurrentHashMap<>();

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
        Rings rings = requests.get(name);
        if (rings == null) {
            rings = requests.computeIfAbsent(name, n -> new Rings());
        }
        long now = nanoClock.getAsLong();
        AtomicInteger warmUp = warmUps.get(name);
        boolean timed = warmUp == null || warmUp.get() <= 0 || warmUp.getAndDecrement() <= 0;
        rings.recent().record(now, failed, seconds, timed);
        rings.lastHour().record(now, failed, seconds, timed);
    }

    /**
     * Model {@code name} serves a newly loaded version from now on, which took {@code seconds} to load: its next
     * {@link #WARM_UP_REQUESTS} requests are its warm-up.
     */
    void loaded(String name, double seconds) {
        loads.put(name, new Load(clock.instant(), seconds));
        warmUps.put(name, new AtomicInteger(WARM_UP_REQUESTS));
    }

    /** Model {@code name} is gone: its figures go too. */
    void forget(String name) {
        requests.remove(name);
        loads.remove(name);
        warmUps.remove(name);
    }

    /** @return model {@code name}'s figures now (empty windows for a model that has answered nothing lately) */
    public Summary of(String name) {
        Rings rings = requests.get(name);
        long now = nanoClock.getAsLong();
        RecentRequests.Window window =
                rings == null ? RecentRequests.Window.NONE : rings.recent().window(now);
        List<RecentRequests.Window> lastHour = rings == null
                ? Collections.nCopies(RecentRequests.HOUR_BUCKETS, RecentRequests.Window.NONE)
                : rings.lastHour().buckets(now);
        Load load = loads.get(name);
        return new Summary(
                window, lastHour, load == null ? null : load.at(), load == null ? Double.NaN : load.seconds());
    }
}
