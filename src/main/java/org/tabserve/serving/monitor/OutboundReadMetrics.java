package org.tabserve.serving.monitor;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;

/**
 * The reads from outside abandoned past their deadline or below their minimum rate, by kind of read, as
 * {@code tabserve_outbound_reads_abandoned_total{read}}: each kind's count read from its bound when scraped.
 */
final class OutboundReadMetrics {

    private final Map<String, LongSupplier> abandoned = new ConcurrentSkipListMap<>();

    OutboundReadMetrics(PrometheusRegistry registry) {
        CounterWithCallback.builder()
                .name("tabserve_outbound_reads_abandoned")
                .help("Reads from outside abandoned past their deadline or below their minimum rate, by kind of read"
                        + " (oidc_issuer: the OIDC issuer's discovery document and JWKS; model_store: an s3:// store's"
                        + " listings, HEADs, digests and objects; redis: calls to the shared store; otlp: posts of"
                        + " spans to the trace collector); the log names the setting")
                .labelNames("read")
                .callback(counter -> abandoned.forEach((read, count) -> counter.call(count.getAsLong(), read)))
                .register(registry);
    }

    /** Shows the count of {@code read}'s kind, as {@code count} says when scraped. */
    void abandoned(String read, LongSupplier count) {
        abandoned.put(read, count);
    }
}
