package org.tabserve.model.onnx.plain;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * {@link TreesAtTheFloorBenchmark}'s six measurements as the thread's own CPU time per row rather than wall time: on
 * a machine shared with other builds JMH's wall-clock scores swing with the load, a thread's CPU time much less. Each
 * measurement runs {@code seconds} of CPU after as long a warm-up, in rounds alternating the engines:
 * {@code java -cp target/test-classes:<deps> org.tabserve.model.onnx.plain.TreesCpuPerRow 3 5} (seconds, rounds).
 */
public final class TreesCpuPerRow {

    private TreesCpuPerRow() {}

    /** One measured call. */
    private interface Call {
        float run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        TreesAtTheFloorBenchmark b = new TreesAtTheFloorBenchmark();
        b.load();
        TreeWalker walker = new TreeWalker(b.definition());
        float[] scores = new float[2];
        int[] labels = new int[1];
        Call walk = () -> {
            walker.scoreFloats(b.nextRow(), 1, 4, scores, labels);
            return scores[1];
        };
        String[] names = {
            "walker single", "plain single", "plain batch", "ort single", "ort batch", "before single", "before batch"
        };
        Call[] calls = {
            walk,
            b::plainSingle,
            b::plainBatchOf1000,
            b::ortSingle,
            b::ortBatchOf1000,
            b::definitionSingle,
            b::definitionBatchOf1000
        };
        int[] rows = {1, 1, 1000, 1, 1000, 1, 1000};
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < calls.length; i++) {
            measure(calls[i], seconds, threads);
        }
        for (int round = 1; round <= rounds; round++) {
            StringBuilder line = new StringBuilder("round " + round + ":");
            for (int i = 0; i < calls.length; i++) {
                double ns = measure(calls[i], seconds, threads) / rows[i];
                line.append(String.format(Locale.ROOT, "  %s %,.0f", names[i], ns));
            }
            System.out.println(line + " (ns CPU/row)");
        }
        b.close();
    }

    private static double measure(Call call, double seconds, ThreadMXBean threads) throws Exception {
        long start = threads.getCurrentThreadCpuTime();
        long deadline = start + (long) (seconds * 1e9);
        long calls = 0;
        long now;
        float sink = 0;
        do {
            for (int i = 0; i < 64; i++) { // the clock read is a system call: once per 64 calls, not per row
                sink += call.run();
            }
            calls += 64;
            now = threads.getCurrentThreadCpuTime();
        } while (now < deadline);
        if (sink == 42.4242f) {
            System.out.print("");
        }
        return (double) (now - start) / calls;
    }
}
