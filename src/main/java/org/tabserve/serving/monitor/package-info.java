/**
 * What the served models are doing, as {@code /metrics}, the API and the pages read it: the Prometheus metrics
 * ({@link org.tabserve.serving.monitor.TabserveMetrics}) with each model's recent requests, novelty counts and requests
 * in flight, and beside them ({@link org.tabserve.serving.monitor.Monitors}) each version's drift, live performance and
 * statistics; it stands on the model and {@code feedback} (whose live performance the monitors hold).
 *
 * <p>What the served models are doing: {@code TabserveMetrics} (the Prometheus registry and the counts),
 * {@code Monitors} (what is not a count, built beside it on its registry: {@code DriftMonitor},
 * {@code FeedbackMonitor}, {@code ModelStatistics}), {@code DriftMonitor} (each version's live profile, its worst drift
 * by minute in {@code DriftMinutes}), {@code ModelStatistics}, {@code ModelActivity} and {@code RecentRequests},
 * {@code NoveltyCounts}, {@code ModelConcurrency} (each model's requests in flight, queued and refused),
 * {@code LiveJson} (an input's live figures as the API writes them). Stands on {@code feedback}.
 */
package org.tabserve.serving.monitor;
