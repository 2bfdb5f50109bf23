package org.tabserve.model.onnx.plain;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * Calls measured by the thread's own CPU time per row rather than wall time, alternating in rounds within one JVM: on
 * a machine shared with other builds JMH's wall-clock scores swing with the load, a thread's CPU time much less. The
 * harness of {@link PlainOrOrtCpuPerRow}, {@link TreesCpuPerRow} and serving.monitor's RequestSeriesCpu.
 */
public final class CpuRounds {

    /** One measured call; its result is summed so that the JIT cannot drop the call. */
    public interface Call {
        float run() throws Exception;
    }

    /** Calls between two reads of the thread's CPU clock, a system call. */
    private static final int CALLS_PER_CLOCK_READ = 64;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuRounds() {}

    /**
     * Warms each call up for {@code seconds} of CPU, then prints {@code rounds} lines of {@code label} and each call's
     * CPU nanoseconds per row ({@code rows[i]} rows a call), each measured over {@code seconds}.
     */
    public static void print(String label, String[] names, Call[] calls, int[] rows, double seconds, int rounds)
            throws Exception {
        for (Call call : calls) {
            measure(call, seconds);
        }
        for (int round = 1; round <= rounds; round++) {
            StringBuilder line = new StringBuilder(label + "round " + round + ":");
            for (int i = 0; i < calls.length; i++) {
                double ns = measure(calls[i], seconds) / rows[i];
                line.append(String.format(Locale.ROOT, "  %s %,.0f", names[i], ns));
            }
            System.out.println(line
                    + String.format(
                            Locale.ROOT,
                            " (ns CPU/row; load %.1f)",
                            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        }
    }

    private static double measure(Call call, double seconds) throws Exception {
        long start = THREADS.getCurrentThreadCpuTime();
        long deadline = start + (long) (seconds * 1e9);
        long calls = 0;
        long now;
        float sink = 0;
        do {
            for (int i = 0; i < CALLS_PER_CLOCK_READ; i++) {
                sink += call.run();
            }
            calls += CALLS_PER_CLOCK_READ;
            now = THREADS.getCurrentThreadCpuTime();
        } while (now < deadline);
        if (sink == 42.4242f) {
            System.out.print("");
        }
        return (double) (now - start) / calls;
    }

    /** The bytes the thread allocates per call of {@code call}, over a million calls after as many to warm up. */
    public static double allocatedPerCall(Call call) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int calls = 1_000_000;
        for (int i = 0; i < calls; i++) {
            call.run();
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < calls; i++) {
            call.run();
        }
        return (double) (threads.getCurrentThreadAllocatedBytes() - before) / calls;
    }
}
