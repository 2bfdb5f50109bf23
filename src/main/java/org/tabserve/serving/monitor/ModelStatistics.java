package org.tabserve.serving.monitor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.tabserve.repository.VersionKey;

/**
 * Each served model version's cumulative inference statistics since it was loaded, in the terms of the Open Inference
 * Protocol's statistics extension ({@code GET /v2/models/{name}/stats}): rows scored, model calls, and the count and
 * total time of the requests that scored (success) and of those refused after naming the model (fail). Counted
 * where predictions are counted (by the scoring entry point, above this package), so every route and both transports
 * add to it; no lock.
 */
public final class ModelStatistics {

    /** One version's counters. */
    private static final class Counts {
        final LongAdder rows = new LongAdder();
        final LongAdder executions = new LongAdder();
        final LongAdder successes = new LongAdder();
        final LongAdder successNanos = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder failureNanos = new LongAdder();
        volatile long lastInferenceMillis;
    }

    /**
     * One version's figures as read.
     *
     * @param lastInferenceMillis when it last scored, in milliseconds since the epoch (0: never)
     * @param rows                rows scored ({@code inference_count})
     * @param executions          model calls ({@code execution_count}): a CSV upload's chunks are one each
     * @param successes           requests that scored, and their total time from reaching the route to the answer
     * @param failures            requests for it that were refused or failed before scoring, and their total time
     */
    public record Snapshot(
            String name,
            long version,
            long lastInferenceMillis,
            long rows,
            long executions,
            long successes,
            long successNanos,
            long failures,
            long failureNanos) {}

    private final Map<VersionKey, Counts> counts = new ConcurrentHashMap<>();

    private Counts counts(String name, long version) {
        return counts.computeIfAbsent(new VersionKey(name, version), k -> new Counts());
    }

    /** A model call of {@code rows} rows. */
    public void executed(String name, long version, int rows) {
        Counts c = counts(name, version);
        c.rows.add(rows);
        c.executions.increment();
        c.lastInferenceMillis = System.currentTimeMillis();
    }

    /** A request for the version ended: it scored ({@code scored}) or not, after {@code nanos}. */
    public void answered(String name, long version, boolean scored, long nanos) {
        Counts c = counts(name, version);
        (scored ? c.successes : c.failures).increment();
        (scored ? c.successNanos : c.failureNanos).add(nanos);
    }

    /** Drops an unloaded version's figures: a version loaded again starts from nothing, as its live profile does. */
    public void forget(String name, long version) {
        counts.remove(new VersionKey(name, version));
    }

    /** @return the figures of version {@code version} of {@code name}: zeros for one that has not been asked for */
    public Snapshot of(String name, long version) {
        Counts c = counts.get(new VersionKey(name, version));
        if (c == null) {
            return new Snapshot(name, version, 0, 0, 0, 0, 0, 0, 0);
        }
        return new Snapshot(
                name,
                version,
                c.lastInferenceMillis,
                c.rows.sum(),
                c.executions.sum(),
                c.successes.sum(),
                c.successNanos.sum(),
                c.failures.sum(),
                c.failureNanos.sum());
    }
}
