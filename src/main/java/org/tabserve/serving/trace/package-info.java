/**
 * Traces of the server's answers (issue 67): what a transport opens for each request ({@link
 * org.tabserve.serving.trace.Tracing}, its span a {@link org.tabserve.serving.trace.RequestSpan}) and the settings that
 * turn it on ({@link org.tabserve.serving.trace.TraceSettings}); off ({@link
 * org.tabserve.serving.trace.Tracing#OFF}) unless an OTLP endpoint is given. OpenTelemetry's SDK is named only below,
 * in {@code trace.otel}, which the wiring opens only when tracing is on, so that a server without it never loads it.
 *
 * <p>The traces (issue 67): {@code Tracing} opens each request's {@code RequestSpan} (the parent of its answer's
 * stages, {@code model.answer.AnswerTrace}), {@code TraceSettings} reads OpenTelemetry's settings; {@code Tracing.OFF}
 * unless an endpoint is given. Below it, {@code serving.trace.otel} is the one package that names OpenTelemetry, opened
 * by the wiring only then, so that its classes load only then.
 */
package org.tabserve.serving.trace;
