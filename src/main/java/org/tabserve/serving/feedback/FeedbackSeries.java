package org.tabserve.serving.feedback;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.tabserve.repository.VersionKey;

/**
 * The live performance series in {@code /metrics}, read from {@link FeedbackMonitor} at each scrape: the labels by
 * outcome, the live and estimated accuracy or error, and the card's figures beside them, by model and version.
 */
final class FeedbackSeries {

    private FeedbackSeries() {}

    static void register(PrometheusRegistry registry, FeedbackMonitor monitor) {
        String[] labels = {"model", "version"};
        CounterWithCallback.builder()
                .name("tabserve_feedback_labels")
                .help("Labels sent to POST /api/feedback since the model version was loaded, by outcome: joined (to"
                        + " the answer of its request id and row), unknown (no such answer kept), expired (its"
                        + " answer was over an hour old, or dropped for room), duplicate (the row had one) and refused (a regressor's"
                        + " true value beyond what a label can honestly be)")
                .labelNames("model", "version", "outcome")
                .callback(callback -> monitor.each((key, entry) -> {
                    double[] total = entry.performance().sinceStart();
                    String version = Long.toString(key.version());
                    callback.call(total[LivePerformance.Sum.LABELLED.ordinal()], key.name(), version, "joined");
                    callback.call(total[LivePerformance.Sum.UNKNOWN.ordinal()], key.name(), version, "unknown");
                    callback.call(total[LivePerformance.Sum.EXPIRED.ordinal()], key.name(), version, "expired");
                    callback.call(total[LivePerformance.Sum.DUPLICATE.ordinal()], key.name(), version, "duplicate");
                    callback.call(total[LivePerformance.Sum.REFUSED.ordinal()], key.name(), version, "refused");
                }))
                .register(registry);
        FleetCounters.register(registry, monitor::each, monitor::shared);
        CounterWithCallback.builder()
                .name("tabserve_feedback_reused_ids")
                .help("Answers not kept for labels because their request id (X-Request-Id) names an answer kept"
                        + " already, in any version of the model, here or in the shared store: an answer kept for"
                        + " labels is never replaced, and labels for an id join its first answer")
                .callback(callback -> callback.call(monitor.reusedIds()))
                .register(registry);
        gauge(
                monitor,
                registry,
                "tabserve_live_accuracy",
                "A classifier's accuracy on the labels joined to its answers in the"
                        + " last hour (absent without labels)",
                labels,
                (key, entry) -> monitor.of(key, entry).liveAccuracy());
        gauge(
                monitor,
                registry,
                "tabserve_live_mae",
                "A regressor's mean absolute error on the labels joined to its answers in"
                        + " the last hour (absent without labels)",
                labels,
                (key, entry) -> monitor.of(key, entry).liveMae());
        gauge(
                monitor,
                registry,
                "tabserve_estimated_accuracy",
                "A classifier's accuracy estimated without labels: the mean"
                        + " calibrated confidence of the rows it scored in the last hour (CBPE)",
                labels,
                (key, entry) -> monitor.of(key, entry).estimatedAccuracy());
        gauge(
                monitor,
                registry,
                "tabserve_card_accuracy",
                "A classifier's accuracy on its card's held-out rows, beside the live" + " figures",
                labels,
                (key, entry) -> entry.model().card().evaluation() == null
                        ? null
                        : entry.model().card().evaluation().accuracy());
        gauge(
                monitor,
                registry,
                "tabserve_card_mae",
                "A regressor's mean absolute error on its card's held-out rows, beside" + " the live figures",
                labels,
                (key, entry) -> entry.model().card().regression() == null
                        ? null
                        : entry.model().card().regression().mae());
    }

    private static void gauge(
            FeedbackMonitor monitor,
            PrometheusRegistry registry,
            String name,
            String help,
            String[] labels,
            java.util.function.BiFunction<VersionKey, FeedbackMonitor.Entry, Double> figure) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help + ", by model and version")
                .labelNames(labels)
                .callback(callback -> monitor.each((key, entry) -> {
                    Double value = figure.apply(key, entry);
                    if (value != null) {
                        callback.call(value, key.name(), Long.toString(key.version()));
                    }
                }))
                .register(registry);
    }
}
