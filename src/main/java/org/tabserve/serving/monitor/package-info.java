/**
 * What the served models are doing, as {@code /metrics}, the API and the pages read it: the Prometheus metrics
 * ({@link org.tabserve.serving.monitor.TabserveMetrics}), each version's drift and statistics, each model's recent
 * requests, novelty counts and requests in flight; it stands on the model and {@code feedback} (whose live performance
 * it holds beside the rest).
 */
package org.tabserve.serving.monitor;
