package org.tabserve.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * When each test class ran and in which test JVM: one line a class ({@code pid, class, start ms, end ms, test JVM CPU
 * ms}, tab-separated) appended to {@code target/progress/class-times.tsv}, so that bench/ci-cpu/attribute.py can say
 * which class started the processes a fork's children were (a tabserve, a Jetty base, a Keycloak) and what the class
 * cost its own JVM (a fork runs one class at a time, so the JVM's CPU over the class is the class's, its compiler and
 * collector included). Registered for every test JVM through {@code META-INF/services}.
 */
public final class ClassTimes implements TestExecutionListener {

    /** The file the lines are appended to, under the project's directory. */
    static final Path FILE = ProgressLines.LEDGERS.resolve("class-times.tsv");

    private final Map<String, long[]> started = new ConcurrentHashMap<>();

    @Override
    public void executionStarted(TestIdentifier test) {
        ProgressLines.topLevelClass(test)
                .ifPresent(name -> started.put(name, new long[] {System.currentTimeMillis(), cpuMillis()}));
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        ProgressLines.topLevelClass(test).ifPresent(name -> {
            long[] start = started.remove(name);
            if (start == null) {
                return;
            }
            String line = line(
                    ProcessHandle.current().pid(),
                    name,
                    start[0],
                    System.currentTimeMillis(),
                    Math.max(0, cpuMillis() - start[1]));
            try {
                Files.createDirectories(FILE.getParent());
                // One short append a class: O_APPEND keeps the forks' lines whole.
                Files.writeString(
                        FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException | RuntimeException e) {
                // A timing line is for the CI's CPU table: one that cannot be written costs the line, never a test.
            }
        });
    }

    static String line(long pid, String className, long startMs, long endMs, long cpuMs) {
        return pid + "\t" + className + "\t" + startMs + "\t" + endMs + "\t" + cpuMs + "\n";
    }

    /** This JVM's CPU time so far (every thread's, user and system), in milliseconds; 0 where the JVM cannot say. */
    private static long cpuMillis() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime() / 1_000_000);
        }
        return 0;
    }
}
