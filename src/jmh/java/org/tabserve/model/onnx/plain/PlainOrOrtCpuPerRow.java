package org.tabserve.model.onnx.plain;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * {@link PlainOrOrtBenchmark}'s measurements as the thread's own CPU time per row, the engines alternating in rounds
 * within one JVM (on a machine shared with other builds JMH's wall-clock scores swing with the load, a thread's CPU
 * time much less): {@code java -Xss8m -cp target/test-classes:target/classes:<deps>
 * org.tabserve.model.onnx.plain.PlainOrOrtCpuPerRow 2 3 svm linear trees} (seconds a measurement, rounds, models).
 */
public final class PlainOrOrtCpuPerRow {

    private PlainOrOrtCpuPerRow() {}

    /** One measured call. */
    private interface Call {
        float run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String[] models = args.length > 2
                ? java.util.Arrays.copyOfRange(args, 2, args.length)
                : new String[] {"svm", "linear", "trees"};
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (String model : models) {
            PlainOrOrtBenchmark b = new PlainOrOrtBenchmark();
            b.model = model;
            b.load();
            String[] names = {"plain single", "ort single", "plain batch", "ort batch", "before single", "before batch"
            };
            Call[] calls = {
                b::plainSingle,
                b::ortSingle,
                b::plainBatchOf1000,
                b::ortBatchOf1000,
                b::beforeSingle,
                b::beforeBatchOf1000
            };
            int[] rows = {1, 1, PlainOrOrtBenchmark.BATCH, PlainOrOrtBenchmark.BATCH, 1, PlainOrOrtBenchmark.BATCH};
            int count = b.isSvm() ? calls.length : 4;
            for (int i = 0; i < count; i++) {
                measure(calls[i], seconds, threads);
            }
            for (int round = 1; round <= rounds; round++) {
                StringBuilder line = new StringBuilder(model + " round " + round + ":");
                for (int i = 0; i < count; i++) {
                    double ns = measure(calls[i], seconds, threads) / rows[i];
                    line.append(String.format(Locale.ROOT, "  %s %,.0f", names[i], ns));
                }
                System.out.println(line + " (ns CPU/row; load " + loadAverage() + ")");
            }
            b.close();
        }
    }

    private static String loadAverage() {
        return String.format(
                Locale.ROOT,
                "%.1f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static double measure(Call call, double seconds, ThreadMXBean threads) throws Exception {
        long start = threads.getCurrentThreadCpuTime();
        long deadline = start + (long) (seconds * 1e9);
        long calls = 0;
        long now;
        float sink = 0;
        do {
            for (int i = 0; i < 16; i++) { // the clock read is a system call: once per 16 calls
                sink += call.run();
            }
            calls += 16;
            now = threads.getCurrentThreadCpuTime();
        } while (now < deadline);
        if (sink == 42.4242f) {
            System.out.print("");
        }
        return (double) (now - start) / calls;
    }
}
