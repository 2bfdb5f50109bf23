package org.tabserve.serving.feedback;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.tabserve.repository.VersionKey;

/**
 * The feedback series that add up across replicas: each version's labels answered right (classifiers) and their
 * summed absolute error (regressors) since it was loaded, beside {@code tabserve_feedback_labels}' joined ones, so that
 * {@code sum by (model)} of their increases over an hour gives the fleet's live accuracy or error whichever replica
 * took each label; and the answers the shared store did not keep.
 */
final class FleetCounters {

    private FleetCounters() {}

    static void register(
            PrometheusRegistry registry,
            Consumer<BiConsumer<VersionKey, FeedbackMonitor.Entry>> each,
            Supplier<SharedAnswers> shared) {
        CounterWithCallback.builder()
                .name("tabserve_feedback_correct")
                .help("Labels joined to a classifier's answers that it answered right, since the model version was"
                        + " loaded: sum by (model) of its increase over that of tabserve_feedback_labels{outcome="
                        + "\"joined\"} is the fleet's live accuracy")
                .labelNames("model", "version")
                .callback(callback -> each.accept((key, entry) -> {
                    if (!entry.model().signature().classLabels().isEmpty()) {
                        callback.call(
                                entry.performance().sinceStart()[LivePerformance.Sum.CORRECT.ordinal()],
                                key.name(),
                                Long.toString(key.version()));
                    }
                }))
                .register(registry);
        CounterWithCallback.builder()
                .name("tabserve_feedback_absolute_error")
                .help("The summed absolute error of a regressor's answers that labels were joined to, since the model"
                        + " version was loaded: sum by (model) of its increase over that of"
                        + " tabserve_feedback_labels{outcome=\"joined\"} is the fleet's live mean absolute error")
                .labelNames("model", "version")
                .callback(callback -> each.accept((key, entry) -> {
                    if (entry.model().signature().classLabels().isEmpty()) {
                        double error = entry.performance().sinceStart()[LivePerformance.Sum.ABSOLUTE_ERROR.ordinal()];
                        if (Double.isFinite(error)) {
                            callback.call(error, key.name(), Long.toString(key.version()));
                        }
                    }
                }))
                .register(registry);
        CounterWithCallback.builder()
                .name("tabserve_shared_state_skipped_keeps")
                .help("Answers not kept for labels in the shared store (--shared-state) because it was down, behind or"
                        + " full; the answers themselves were served")
                .callback(callback -> {
                    SharedAnswers store = shared.get();
                    if (store != null) {
                        callback.call(store.skipped());
                    }
                })
                .register(registry);
    }
}
