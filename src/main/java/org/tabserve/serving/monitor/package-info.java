/**
 * What the served models are doing, as {@code /metrics}, the API and the pages read it: the Prometheus metrics
 * ({@link org.tabserve.serving.monitor.TabserveMetrics}) with each model's recent requests, novelty counts and requests
 * in flight, and beside them ({@link org.tabserve.serving.monitor.Monitors}) each version's drift, live performance and
 * statistics; it stands on the model and {@code feedback} (whose live performance the monitors hold).
 */
package org.tabserve.serving.monitor;
