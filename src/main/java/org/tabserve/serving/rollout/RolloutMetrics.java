package org.tabserve.serving.rollout;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The rollouts' series in {@code /metrics}, read from the live comparisons at each scrape, by model, role
 * ({@code shadow} or {@code canary}) and version, so that a dashboard or an alert can follow a rollout as the API does:
 * rows compared, agreement, the answers' difference, each version's scoring time, errors and answers, batches skipped,
 * and whether a model's rollout has a problem.
 */
final class RolloutMetrics {

    private static final String[] QUANTILES = {"0.5", "0.99"};

    private final Rollouts rollouts;

    RolloutMetrics(Rollouts rollouts) {
        this.rollouts = rollouts;
    }

    void register(PrometheusRegistry registry) {
        String[] byCandidate = {"model", "role", "version"};
        CounterWithCallback.builder()
                .name("tabserve_rollout_compared_rows")
                .help("Rows scored on both versions of a rollout, by model, role and candidate version")
                .labelNames(byCandidate)
                .callback(c -> each((name, v) -> c.call(v.compared(), name, v.role(), Long.toString(v.candidate()))))
                .register(registry);
        GaugeWithCallback.builder()
                .name("tabserve_rollout_agreement")
                .help("Share of compared rows whose labels the two versions agree on (classifiers), by model, role"
                        + " and candidate version")
                .labelNames(byCandidate)
                .callback(c -> each((name, v) -> {
                    if (!Double.isNaN(v.agreement())) {
                        c.call(v.agreement(), name, v.role(), Long.toString(v.candidate()));
                    }
                }))
                .register(registry);
        GaugeWithCallback.builder()
                .name("tabserve_rollout_difference")
                .help(
                        "Quantiles of the largest class-probability (or value) difference between the two versions' answers"
                                + " to the same row, over a sample of the rows compared")
                .labelNames("model", "role", "version", "quantile")
                .callback(c -> each((name, v) -> {
                    for (String q : QUANTILES) {
                        double value = v.differenceQuantile(Double.parseDouble(q));
                        if (!Double.isNaN(value)) {
                            c.call(value, name, v.role(), Long.toString(v.candidate()), q);
                        }
                    }
                }))
                .register(registry);
        GaugeWithCallback.builder()
                .name("tabserve_rollout_scoring_seconds")
                .help("Quantiles of the time each version of a rollout took to score the compared batches, by model,"
                        + " role and version (both the primary and the candidate)")
                .labelNames("model", "role", "version", "quantile")
                .callback(c -> each((name, v) -> {
                    for (long version : new long[] {v.primary(), v.candidate()}) {
                        for (String q : QUANTILES) {
                            double ms = v.latencyQuantile(version, Double.parseDouble(q));
                            if (!Double.isNaN(ms)) {
                                c.call(ms / 1000, name, v.role(), Long.toString(version), q);
                            }
                        }
                    }
                }))
                .register(registry);
        CounterWithCallback.builder()
                .name("tabserve_rollout_errors")
                .help("Compared batches a version of a rollout failed to score (not ready, or the model threw), by"
                        + " model, role and version")
                .labelNames(byCandidate)
                .callback(c -> each((name, v) -> {
                    c.call(v.errors(v.primary()), name, v.role(), Long.toString(v.primary()));
                    c.call(v.errors(v.candidate()), name, v.role(), Long.toString(v.candidate()));
                }))
                .register(registry);
        CounterWithCallback.builder()
                .name("tabserve_rollout_answers")
                .help("Unversioned requests of a canary rollout answered by each version, by model and version")
                .labelNames(byCandidate)
                .callback(c -> each((name, v) -> {
                    if (v.role().equals(Rollouts.CANARY)) {
                        c.call(v.answeredBy(v.primary()), name, v.role(), Long.toString(v.primary()));
                        c.call(v.answeredBy(v.candidate()), name, v.role(), Long.toString(v.candidate()));
                    }
                }))
                .register(registry);
        CounterWithCallback.builder()
                .name("tabserve_rollout_skipped_batches")
                .help("Batches not compared because the comparison queue was full, the batch too large, or the"
                        + " memory budget without room for it, by model, role and candidate version")
                .labelNames(byCandidate)
                .callback(
                        c -> each((name, v) -> c.call(v.skippedCount(), name, v.role(), Long.toString(v.candidate()))))
                .register(registry);
        GaugeWithCallback.builder()
                .name("tabserve_rollout_problem")
                .help("1 when a model's rollout does not do all it says (a bad rollout.json, a version it names not"
                        + " ready: see /models/{name}/api/rollout), else 0")
                .labelNames("model")
                .callback(c -> rollouts.models().forEach(name -> c.call(rollouts.problem(name) == null ? 0 : 1, name)))
                .register(registry);
    }

    private void each(BiConsumer<String, VersionComparison> action) {
        for (Map.Entry<String, List<VersionComparison>> model :
                rollouts.comparisons().entrySet()) {
            model.getValue().forEach(comparison -> action.accept(model.getKey(), comparison));
        }
    }
}
