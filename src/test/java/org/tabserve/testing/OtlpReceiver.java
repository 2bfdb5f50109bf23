package org.tabserve.testing;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A trace collector's OTLP/HTTP receiver for the tests: {@code POST /v1/traces} with an
 * {@code ExportTraceServiceRequest} in protobuf, decoded with opentelemetry-proto's generated classes (the wire format
 * the server's exporter sends, as a real collector reads it), its spans kept in order. Stopped, its port refuses.
 */
public final class OtlpReceiver implements AutoCloseable {

    /**
     * One span as received: its ids in hex, name, kind's number, status code's number, attributes as text, service and
     * W3C trace state (empty for none).
     */
    public record Received(
            String traceId,
            String spanId,
            String parentSpanId,
            String name,
            int kind,
            int status,
            String statusMessage,
            Map<String, String> attributes,
            String service,
            String traceState) {}

    private final HttpServer server;
    private final List<Received> spans = new CopyOnWriteArrayList<>();
    private volatile int padding;

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    /** {@link #start()} for a static field's initializer: an I/O failure unchecked. */
    public static OtlpReceiver started() {
        try {
            return start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return a random W3C trace-context id of {@code bytes} bytes (16 a trace's, 8 a span's), in lower-case hex */
    public static String randomId(int bytes) {
        byte[] id = new byte[bytes];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(id);
        return java.util.HexFormat.of().formatHex(id);
    }

    /** Starts a receiver on a free port of the loopback interface. */
    public static OtlpReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        OtlpReceiver receiver = new OtlpReceiver(server);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in.readAllBytes());
                receiver.keep(request);
                byte[] answer = receiver.answer();
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            } catch (IOException | RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
        return receiver;
    }

    private void keep(ExportTraceServiceRequest request) {
        HexFormat hex = HexFormat.of();
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service = text(resource.getResource().getAttributesList()).get("service.name");
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
                    spans.add(new Received(
                            hex.formatHex(span.getTraceId().toByteArray()),
                            hex.formatHex(span.getSpanId().toByteArray()),
                            hex.formatHex(span.getParentSpanId().toByteArray()),
                            span.getName(),
                            span.getKindValue(),
                            span.getStatus().getCodeValue(),
                            span.getStatus().getMessage(),
                            text(span.getAttributesList()),
                            service,
                            span.getTraceState()));
                }
            }
        }
    }

    private static Map<String, String> text(List<KeyValue> attributes) {
        Map<String, String> out = new LinkedHashMap<>();
        for (KeyValue attribute : attributes) {
            var value = attribute.getValue();
            out.put(
                    attribute.getKey(),
                    switch (value.getValueCase()) {
                        case STRING_VALUE -> value.getStringValue();
                        case INT_VALUE -> Long.toString(value.getIntValue());
                        case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
                        case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
                        default -> value.toString();
                    });
        }
        return out;
    }

    /** @return the collector's base URL, as {@code --otel-endpoint} takes it */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** @return every span received so far */
    public List<Received> spans() {
        return new ArrayList<>(spans);
    }

    /** @return the spans of trace {@code traceId} received so far */
    public List<Received> trace(String traceId) {
        return spans().stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    /**
     * Waits (within {@code timeout}) until the spans of {@code traceId} pass {@code done} (the exporter posts each
     * second); returns them either way, for the caller's assertions to say what is missing.
     */
    public List<Received> await(String traceId, Predicate<List<Received>> done, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        List<Received> got = trace(traceId);
        while (!done.test(got) && System.nanoTime() < end) {
            Thread.sleep(100);
            got = trace(traceId);
        }
        return got;
    }

    /**
     * Pads each answer with {@code bytes} bytes of a field the protocol does not define (a reader skips it, as
     * protobuf skips every unknown field): an answer with a body to trickle (the protocol's own answer is empty).
     */
    public void padAnswers(int bytes) {
        this.padding = bytes;
    }

    private byte[] answer() {
        ExportTraceServiceResponse.Builder answer = ExportTraceServiceResponse.newBuilder();
        if (padding > 0) {
            answer.setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                    .addField(
                            1000,
                            com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                                    .addLengthDelimited(com.google.protobuf.ByteString.copyFrom(new byte[padding]))
                                    .build())
                    .build());
        }
        return answer.build().toByteArray();
    }

    /** Stops the receiver: its port refuses from then on. */
    @Override
    public void close() {
        server.stop(0);
    }
}
