package org.tabserve.model;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.tabserve.model.live.LiveProfile;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;

/**
 * What the live drift hook ({@link LiveProfile#record}) adds to a single-row prediction, in the request threads' own
 * CPU time rather than wall time: on a machine shared with other builds, {@code ScoringHooksBenchmark}'s wall-clock
 * scores swing with the load while a thread's CPU time holds still (as {@code CpuPerRow}). For one bank-note row and
 * one row of the carded penguin species pipeline, alternating in each round the prediction alone and with the hook,
 * on one thread and on two threads at once that share the model and its profile (so that contention on the profile's
 * counters would show as more CPU per call); and the hook alone, two threads doing nothing else being the worst case
 * for its shared counters:
 * {@code java -Xss8m -cp target/test-classes:target/classes:<deps> org.tabserve.model.DriftHookCpu 2 3}
 * (seconds of CPU per measurement and thread, rounds).
 */
public final class DriftHookCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private DriftHookCpu() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        for (String name : List.of("banknote", "penguins")) {
            try (Model model = OnnxModelLoader.load(
                    name.equals("banknote") ? Path.of("model.onnx") : BenchFixtures.carded("species"))) {
                Batch row = name.equals("banknote")
                        ? Batch.ofNumbers(model.signature(), new double[][] {{3.6216, 8.6661, -2.8073, -0.44699}})
                        : Batch.of(
                                model.signature(),
                                BenchFixtures.rows(
                                        model.signature(),
                                        BenchFixtures.FIXTURES.resolve("penguins/species-zipmap.inputs.csv"),
                                        1));
                LiveProfile live = new LiveProfile(model.signature(), model.card());
                Runnable alone = () -> model.predict(row);
                Runnable hooked = () -> {
                    model.predict(row);
                    live.record(row);
                };
                cpuPerCall(hooked, seconds, 2); // warm-up, both paths
                for (int round = 1; round <= rounds; round++) {
                    StringBuilder line = new StringBuilder(name + " round " + round + ":");
                    for (int threads : new int[] {1, 2}) {
                        boolean hookFirst = round % 2 == 0;
                        double first = cpuPerCall(hookFirst ? hooked : alone, seconds, threads);
                        double second = cpuPerCall(hookFirst ? alone : hooked, seconds, threads);
                        double without = hookFirst ? second : first;
                        double with = hookFirst ? first : second;
                        double hook = cpuPerCall(() -> live.record(row), seconds / 4, threads);
                        line.append(String.format(
                                "  %d thread%s: alone %,.0f ns, with the hook %,.0f ns (%+,.0f ns,"
                                        + " %+.1f %%), the hook alone %,.0f ns",
                                threads,
                                threads == 1 ? "" : "s",
                                without,
                                with,
                                with - without,
                                100 * (with - without) / without,
                                hook));
                    }
                    System.out.println(line);
                }
            }
        }
    }

    /** CPU nanoseconds per call over {@code threads} threads running {@code call} at once, each for its own CPU budget. */
    private static double cpuPerCall(Runnable call, double seconds, int threads) throws InterruptedException {
        AtomicLong cpu = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(
                    null,
                    () -> {
                        long start = THREADS.getCurrentThreadCpuTime();
                        long deadline = start + (long) (seconds * 1e9);
                        long n = 0;
                        long now;
                        do {
                            for (int i = 0; i < 100; i++) {
                                call.run();
                            }
                            n += 100;
                            now = THREADS.getCurrentThreadCpuTime();
                        } while (now < deadline);
                        cpu.addAndGet(now - start);
                        calls.addAndGet(n);
                    },
                    "drift-hook-cpu-" + t,
                    8 << 20);
            running.add(thread);
            thread.start();
        }
        for (Thread thread : running) {
            thread.join();
        }
        return (double) cpu.get() / calls.get();
    }
}
