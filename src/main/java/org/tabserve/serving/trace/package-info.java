/**
 * Traces of the server's answers (issue 67): what a transport opens for each request ({@link
 * org.tabserve.serving.trace.Tracing}, its span a {@link org.tabserve.serving.trace.RequestSpan}) and the settings that
 * turn it on ({@link org.tabserve.serving.trace.TraceSettings}); off ({@link
 * org.tabserve.serving.trace.Tracing#OFF}) unless an OTLP endpoint is given. OpenTelemetry's SDK is named only below,
 * in {@code trace.otel}, which the wiring opens only when tracing is on, so that a server without it never loads it.
 */
package org.tabserve.serving.trace;
