package org.tabserve.serving.trace.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.tabserve.outbound.ReadBound;
import org.tabserve.serving.trace.RequestSpan;
import org.tabserve.serving.trace.TraceSettings;
import org.tabserve.serving.trace.Tracing;

/**
 * Tracing over OpenTelemetry's SDK: each request's server span is the child of the caller's W3C trace context,
 * sampled by the settings' sampler, its spans batched in a bounded queue ({@value #MAX_QUEUE} spans; what does not fit
 * is dropped, and counted in {@code tabserve_trace_spans_dropped}) and posted to the collector's
 * {@code /v1/traces} in batches of at most {@value #MAX_BATCH}, each post given the settings' export timeout in all
 * ({@link TraceSettings#TIMEOUT}, 2 s by default: its connection, its answer and the answer's body, which
 * {@link BoundedPosts} bounds) without a retry: a collector that is slow, down, gone or trickling costs the answers
 * nothing but the spans it misses.
 */
public final class OtelTracing implements Tracing {

    /** The most spans waiting to be exported; a span ended past it is dropped. */
    static final int MAX_QUEUE = 2048;
    /** The most spans in one post. */
    static final int MAX_BATCH = 512;
    /** How often what is queued is posted. */
    static final Duration EXPORT_DELAY = Duration.ofSeconds(1);

    /** The one W3C trace context header read from a caller. */
    static final String TRACEPARENT = "traceparent";

    private static final TextMapGetter<Function<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> carrier) {
            return List.of(); // the W3C propagator asks for its two headers by name
        }

        /**
         * The caller's {@code traceparent}; never its {@code tracestate}, which the caller writes at will (a 6.6 KB one
         * was exported whole with every span, issue 76) and which no span of tabserve needs: spans carry none.
         */
        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier == null || !key.equals(TRACEPARENT) ? null : carrier.apply(key);
        }
    };

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final Duration timeout;

    private OtelTracing(SdkTracerProvider provider, Duration timeout) {
        this.provider = provider;
        this.tracer = provider.get("org.tabserve");
        this.timeout = timeout;
    }

    /**
     * Starts the exporter (it connects at its first post, so a collector that is not up yet is no failure), counts
     * the spans its queue drops in {@code registry}, and hands {@code abandonedReads} the count of its posts abandoned
     * past their deadline, as {@code otlp}.
     */
    public static Tracing open(
            TraceSettings settings,
            PrometheusRegistry registry,
            java.util.function.BiConsumer<String, java.util.function.LongSupplier> abandonedReads) {
        DroppedSpans dropped = new DroppedSpans();
        Duration timeout = settings.exportTimeout();
        ReadBound posts = new ReadBound(
                "a post of spans to the collector", timeout, TraceSettings.TIMEOUT, 0, TraceSettings.TIMEOUT, timeout);
        ComponentLoader classes = ComponentLoader.forClassLoader(OtelTracing.class.getClassLoader());
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(settings.traces().toString())
                .setTimeout(timeout)
                .setConnectTimeout(timeout)
                .setComponentLoader(
                        new ComponentLoader() { // the posts are BoundedPosts', not the JDK sender's
                            @Override
                            public <T> Iterable<T> load(Class<T> kind) {
                                if (kind == HttpSenderProvider.class) {
                                    HttpSenderProvider bounded = config -> new BoundedPosts(config, posts);
                                    return List.of(kind.cast(bounded));
                                }
                                return classes.load(kind);
                            }
                        })
                .setRetryPolicy(null) // a post that fails is not tried again: the queue stays bounded in time too
                .setMeterProvider(io.opentelemetry.api.metrics.MeterProvider::noop)
                .build();
        BatchSpanProcessor batches = BatchSpanProcessor.builder(exporter)
                .setMaxQueueSize(MAX_QUEUE)
                .setMaxExportBatchSize(MAX_BATCH)
                .setScheduleDelay(EXPORT_DELAY)
                .setExporterTimeout(timeout)
                .setMeterProvider(dropped)
                .build();
        Sampler ratio = Sampler.traceIdRatioBased(settings.ratio());
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.create(
                                Attributes.of(AttributeKey.stringKey("service.name"), settings.serviceName()))))
                .setSampler(settings.parentBased() ? Sampler.parentBased(ratio) : ratio)
                .addSpanProcessor(batches)
                .build();
        CounterWithCallback.builder()
                .name("tabserve_trace_spans_dropped")
                .help("Spans not exported because the exporter's queue was full (the collector slow or down)")
                .callback(callback -> callback.call(dropped.count()))
                .register(registry);
        abandonedReads.accept("otlp", posts::abandoned);
        return new OtelTracing(provider, timeout);
    }

    @Override
    public RequestSpan request(String name, boolean grpc, Function<String, String> headers) {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
        Span span = tracer.spanBuilder(name)
                .setSpanKind(SpanKind.SERVER)
                .setParent(parent)
                .startSpan();
        return new OtelRequestSpan(tracer, span, grpc);
    }

    @Override
    public void close() {
        provider.shutdown().join(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    }
}
