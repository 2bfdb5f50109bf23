/**
 * Traces over OpenTelemetry's SDK (issue 67): the one package that names OpenTelemetry, opened by the wiring only when
 * an OTLP endpoint is given ({@code OtelTracing}), so that a server without one never
 * loads its classes. Spans are batched in a bounded queue and posted over OTLP/HTTP (protobuf) by the JDK's
 * HttpClient, off the answers' threads; what the queue drops is counted in the metrics.
 */
package org.tabserve.serving.trace.otel;
