package org.tabserve.serving.monitor;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What counting one answered request for the models page costs (issue 39, item 6): the five minutes' ring alone, as
 * before the last hour by minute, and {@link ModelActivity#request}, which records into it and the hour's ring (a map
 * look-up and a few atomic adds each, nothing allocated); on one thread and on two at once, sharing the model's
 * rings. Run: {@code mvn -B -Pjmh test-compile exec:exec -Djmh.args="ActivityHook"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ActivityHookBenchmark {

    private final RecentRequests fiveMinutes = new RecentRequests();
    private final ModelActivity activity = new ModelActivity();

    @Benchmark
    @Threads(1)
    public RecentRequests fiveMinutesRingAlone() {
        fiveMinutes.record(System.nanoTime(), false, 0.0012);
        return fiveMinutes;
    }

    @Benchmark
    @Threads(1)
    public ModelActivity bothRings() {
        activity.request("bench", false, 0.0012);
        return activity;
    }

    @Benchmark
    @Threads(2)
    public RecentRequests fiveMinutesRingAloneTwoThreads() {
        return fiveMinutesRingAlone();
    }

    @Benchmark
    @Threads(2)
    public ModelActivity bothRingsTwoThreads() {
        return bothRings();
    }
}
