package org.tabserve.serving.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JVM's and the process's metrics are left out of a start and join the registry when {@code GET /metrics} first
 * asks for them, once (a start saved their builders' lambdas and classes: bench/RESULTS.notes.md, "Start to ready,
 * round 3"). MetricsTest checks that {@code /metrics} has them from its first scrape.
 */
class JvmMetricsAtFirstScrapeTest {

    private static List<String> jvmAndProcessNames(TabserveMetrics metrics) {
        return metrics.registry().scrape().stream()
                .map(snapshot -> snapshot.getMetadata().getPrometheusName())
                .filter(name -> name.startsWith("jvm_") || name.startsWith("process_"))
                .sorted()
                .toList();
    }

    @Test
    void aNewRegistryHasNoJvmMetricsUntilTheyAreAskedFor() {
        TabserveMetrics metrics = new TabserveMetrics();

        assertEquals(List.of(), jvmAndProcessNames(metrics), "registered at start");

        metrics.registerJvmMetrics();
        List<String> names = jvmAndProcessNames(metrics);
        assertTrue(names.contains("jvm_memory_used_bytes"), "the JVM's memory: " + names);
        assertTrue(names.contains("jvm_threads_current"), "the JVM's threads: " + names);
        assertTrue(names.contains("process_cpu_seconds"), "the process's CPU: " + names);
    }

    @Test
    void askingAgainRegistersNothingTwice() {
        TabserveMetrics metrics = new TabserveMetrics();
        metrics.registerJvmMetrics();
        List<String> once = jvmAndProcessNames(metrics);

        metrics.registerJvmMetrics(); // the Prometheus client throws on a name registered twice

        assertEquals(once, jvmAndProcessNames(metrics));
    }
}
