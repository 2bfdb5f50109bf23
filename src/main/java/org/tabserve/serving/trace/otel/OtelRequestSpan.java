package org.tabserve.serving.trace.otel;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import org.tabserve.serving.trace.RequestSpan;

/**
 * One request's server span over OpenTelemetry, and its answer's stages as its children (started from any thread:
 * the parent is this span, never the thread's current context). A request that is not sampled has a span that
 * records nothing, whose stages are {@link Stage#NONE}.
 */
final class OtelRequestSpan implements RequestSpan {

    private final Tracer tracer;
    private final Span span;
    /** The request's span as its stages' parent; null when it records nothing (no stage is started then). */
    private final Context context;

    private final boolean grpc;
    /** Whether a refusal made the span an error, with its title. */
    private volatile boolean errored;

    OtelRequestSpan(Tracer tracer, Span span, boolean grpc) {
        this.tracer = tracer;
        this.span = span;
        this.context = span.isRecording() ? Context.root().with(span) : null;
        this.grpc = grpc;
    }

    @Override
    public Stage stage(String name) {
        if (context == null) {
            return Stage.NONE;
        }
        return new OtelStage(tracer.spanBuilder(name).setParent(context).startSpan());
    }

    @Override
    public Stage call(String name) {
        if (context == null) {
            return Stage.NONE;
        }
        return new OtelStage(tracer.spanBuilder(name)
                .setParent(context)
                .setSpanKind(SpanKind.CLIENT)
                .startSpan());
    }

    @Override
    public String traceId() {
        return context == null ? null : span.getSpanContext().getTraceId();
    }

    @Override
    public RequestSpan attribute(String key, String value) {
        span.setAttribute(AttributeKeys.text(key), value);
        return this;
    }

    @Override
    public RequestSpan attribute(String key, long value) {
        span.setAttribute(AttributeKeys.number(key), value);
        if (key.equals(HTTP_STATUS) && value >= 500 && !errored) {
            span.setStatus(StatusCode.ERROR);
        }
        return this;
    }

    @Override
    public void refused(int status, String title) {
        errored = grpc || status >= 500;
        // An HTTP server's span is an error for a 5xx alone (a 4xx is the client's); a gRPC call's for any code.
        if (grpc || status >= 500) {
            span.setStatus(StatusCode.ERROR, title);
        }
        span.setAttribute("tabserve.problem.title", title);
    }

    @Override
    public String traceparent() {
        SpanContext own = span.getSpanContext();
        return "00-" + own.getTraceId() + "-" + own.getSpanId() + "-"
                + own.getTraceFlags().asHex();
    }

    @Override
    public void end() {
        span.end();
    }

    /** One stage: a child span of the request's. */
    private record OtelStage(Span span) implements Stage {
        @Override
        public Stage attribute(String key, String value) {
            span.setAttribute(AttributeKeys.text(key), value);
            return this;
        }

        @Override
        public Stage attribute(String key, long value) {
            span.setAttribute(AttributeKeys.number(key), value);
            return this;
        }

        @Override
        public void failed(String why) {
            span.setStatus(StatusCode.ERROR, why);
        }

        @Override
        public void close() {
            if (span.isRecording()) { // false once ended: a second close changes nothing
                span.end();
            }
        }
    }
}
