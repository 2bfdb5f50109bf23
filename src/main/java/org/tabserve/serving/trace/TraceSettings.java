package org.tabserve.serving.trace;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Whether and how the server traces its answers, from OpenTelemetry's own settings (each an init-parameter, a system
 * property, or its standard variable): {@value #ENDPOINT} (the launcher's {@code --otel-endpoint}; variable
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT}), the collector's OTLP/HTTP base URL, whose {@code /v1/traces} the spans are
 * sent to; {@value #SERVICE_NAME} ({@code OTEL_SERVICE_NAME}, default {@code tabserve}); {@value #SAMPLER}
 * ({@code OTEL_TRACES_SAMPLER}, default {@code parentbased_traceidratio}) and {@value #SAMPLER_ARG}
 * ({@code OTEL_TRACES_SAMPLER_ARG}, the ratio, default 0.1); {@value #TIMEOUT} ({@code OTEL_EXPORTER_OTLP_TIMEOUT},
 * milliseconds, or {@value #TRACES_TIMEOUT}), the most one post of spans may take in all, body of the answer included
 * (tabserve's default {@link #DEFAULT_TIMEOUT}, not OpenTelemetry's 10 s).
 *
 * @param traces      the URL the spans are posted to
 * @param serviceName the {@code service.name} of the server's spans
 * @param parentBased whether a caller's sampled or unsampled {@code traceparent} decides, the ratio applying only to
 *                    requests that come without one
 * @param ratio       the share of requests sampled, from 0 to 1
 * @param exportTimeout the most one post of spans may take in all
 */
public record TraceSettings(
        URI traces, String serviceName, boolean parentBased, double ratio, java.time.Duration exportTimeout) {

    /** The collector's OTLP/HTTP base URL; unset, the server does not trace. */
    public static final String ENDPOINT = "otel.exporter.otlp.endpoint";
    /** The server's name in its spans. */
    public static final String SERVICE_NAME = "otel.service.name";
    /** Which requests are sampled: OpenTelemetry's sampler names. */
    public static final String SAMPLER = "otel.traces.sampler";
    /** The sampler's ratio. */
    public static final String SAMPLER_ARG = "otel.traces.sampler.arg";
    /** The most one post of spans may take, in milliseconds: connecting, the answer and its body. */
    public static final String TIMEOUT = "otel.exporter.otlp.timeout";
    /** The same for traces alone (OpenTelemetry's signal-specific name), which wins over {@link #TIMEOUT}. */
    public static final String TRACES_TIMEOUT = "otel.exporter.otlp.traces.timeout";
    /** The export timeout when none is given. */
    public static final java.time.Duration DEFAULT_TIMEOUT = java.time.Duration.ofSeconds(2);
    /** The share of requests sampled when no ratio is given: one in ten. */
    public static final double DEFAULT_RATIO = 0.1;

    /**
     * @param lookup a setting's value by name (init-parameter, system property, variable), or empty
     * @return the settings, or empty when no endpoint is given (tracing off)
     * @throws IllegalArgumentException naming the setting that is not valid, and why (never quoting a URL, which may
     *                                  hold a credential)
     */
    public static Optional<TraceSettings> resolve(Function<String, Optional<String>> lookup) {
        Optional<String> endpoint = lookup.apply(ENDPOINT).map(String::strip).filter(e -> !e.isEmpty());
        if (endpoint.isEmpty()) {
            return Optional.empty();
        }
        URI traces = traces(endpoint.get());
        String service = lookup.apply(SERVICE_NAME)
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .orElse("tabserve");
        String sampler = lookup.apply(SAMPLER)
                .map(s -> s.strip().toLowerCase(Locale.ROOT))
                .orElse("parentbased_traceidratio");
        double ratio = switch (sampler) {
            case "always_on", "parentbased_always_on" -> 1;
            case "always_off", "parentbased_always_off" -> 0;
            case "traceidratio", "parentbased_traceidratio" -> ratio(lookup.apply(SAMPLER_ARG));
            default ->
                throw new IllegalArgumentException("setting " + SAMPLER + " must be one of always_on, always_off,"
                        + " traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio;"
                        + " got '" + sampler + "'");
        };
        java.time.Duration timeout = timeout(lookup, TRACES_TIMEOUT)
                .or(() -> timeout(lookup, TIMEOUT))
                .orElse(DEFAULT_TIMEOUT);
        return Optional.of(new TraceSettings(traces, service, sampler.startsWith("parentbased_"), ratio, timeout));
    }

    /** A timeout in whole milliseconds, 1 to 600,000, else a refusal naming {@code setting}. */
    private static Optional<java.time.Duration> timeout(Function<String, Optional<String>> lookup, String setting) {
        Optional<String> given = lookup.apply(setting).map(String::strip).filter(v -> !v.isEmpty());
        if (given.isEmpty()) {
            return Optional.empty();
        }
        try {
            long millis = Long.parseLong(given.get());
            if (millis >= 1 && millis <= 600_000) {
                return Optional.of(java.time.Duration.ofMillis(millis));
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("setting " + setting + " must be a whole number of milliseconds from 1 to"
                + " 600000, got '" + given.get() + "'");
    }

    /** The traces' URL under the collector's base URL. */
    private static URI traces(String endpoint) {
        URI base;
        try {
            base = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("setting " + ENDPOINT + " must be a URL http://host:port (OTLP over"
                    + " HTTP, e.g. http://localhost:4318); it is not a URL");
        }
        if (base.getScheme() == null
                || !(base.getScheme().equalsIgnoreCase("http")
                        || base.getScheme().equalsIgnoreCase("https"))
                || base.getHost() == null
                || base.getRawUserInfo() != null
                || base.getRawQuery() != null
                || base.getRawFragment() != null) {
            throw new IllegalArgumentException("setting " + ENDPOINT + " must be a URL http://host:port or"
                    + " https://host:port (OTLP over HTTP, e.g. http://localhost:4318), with no user, query or"
                    + " fragment");
        }
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        return URI.create(base.getScheme() + "://" + base.getRawAuthority()
                + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path) + "/v1/traces");
    }

    private static double ratio(Optional<String> given) {
        if (given.isEmpty() || given.get().isBlank()) {
            return DEFAULT_RATIO;
        }
        try {
            double ratio = Double.parseDouble(given.get().strip());
            if (ratio >= 0 && ratio <= 1) {
                return ratio;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("setting " + SAMPLER_ARG + " must be a ratio from 0 to 1, got '"
                + given.get().strip() + "'");
    }
}
