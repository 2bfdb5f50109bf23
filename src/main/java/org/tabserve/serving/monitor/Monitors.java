package org.tabserve.serving.monitor;

import org.tabserve.model.Model;
import org.tabserve.model.live.LiveProfile;
import org.tabserve.serving.feedback.FeedbackMonitor;

/**
 * What each served model version is doing beyond the metrics' counts, fed by the scoring entry point and read by the
 * routes and pages: its live inputs and drift, its answers kept for labels and live performance, its inference
 * statistics. Their series go into the metrics' registry, beside the metrics.
 *
 * @param drift      each served model version's live inputs and drift
 * @param feedback   each served model version's live performance: labels joined to answers, and the estimate without
 * @param statistics each served model version's inference statistics since it was loaded
 */
public record Monitors(DriftMonitor drift, FeedbackMonitor feedback, ModelStatistics statistics) {

    /** @return new monitors, their series registered in {@code metrics}' registry (once per registry) */
    public static Monitors of(TabserveMetrics metrics) {
        return new Monitors(
                new DriftMonitor(metrics.registry()), new FeedbackMonitor(metrics.registry()), new ModelStatistics());
    }

    /**
     * @param model version {@code version} of model {@code name}, leased
     * @return its live profile (an empty one before it has scored anything)
     */
    public LiveProfile live(String name, long version, Model model) {
        return drift.of(name, version, model).orElseGet(() -> new LiveProfile(model.signature(), model.card()));
    }

    /** Version {@code version} of model {@code name} is no longer served: its live inputs, answers and figures go. */
    public void forget(String name, long version) {
        drift.forget(name, version);
        feedback.forget(name, version);
        statistics.forget(name, version);
    }

    /** Model {@code name} is gone: the live inputs and answers of all its versions go too, and their series. */
    public void forget(String name) {
        drift.forget(name);
        feedback.forget(name);
    }
}
