package org.tabserve.serving.trace.otel;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.tabserve.outbound.BoundedBody;
import org.tabserve.outbound.OutboundRead;
import org.tabserve.outbound.ReadAbandoned;
import org.tabserve.outbound.ReadBound;

/**
 * The OTLP exporter's posts, sent by the JDK's HttpClient with each post held to its total deadline: OpenTelemetry's
 * own JDK sender reads the collector's answer from a blocking stream after the request timeout has ended (it ends
 * with the answer's head), so a collector that trickled the answer's body held a thread of the exporter's, and its
 * connection, for as long as it trickled (the JDK 17 stream does not even take an interrupt). Here the answer is read
 * as it arrives ({@link BoundedBody}, no thread waiting on it), and a post past the deadline is cancelled, counted and
 * reported to the exporter as failed.
 */
final class BoundedPosts implements HttpSender {

    /** The most of a collector's answer read: the protocol's answer is a few bytes, a refusal a few hundred. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final HttpSenderConfig config;
    private final ReadBound bound;
    private final HttpClient client;

    BoundedPosts(HttpSenderConfig config, ReadBound bound) {
        this.config = config;
        this.bound = bound;
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(config.getConnectTimeout());
        // The exporter's own context when it was given one, else the JVM's default, or where a container leaves that
        // impossible to make (GlassFish 8), one of the default trust: without it the WAR failed to deploy there.
        client.sslContext(
                config.getSslContext() != null ? config.getSslContext() : org.tabserve.outbound.ClientTls.context());
        if (config.getProxyOptions() != null) {
            client.proxy(config.getProxyOptions().getProxySelector());
        }
        this.client = client.build();
    }

    @Override
    public void send(MessageWriter message, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
        HttpRequest.Builder request = HttpRequest.newBuilder(config.getEndpoint())
                .timeout(config.getTimeout())
                .header("Content-Type", config.getContentType());
        ByteArrayOutputStream body = new ByteArrayOutputStream(Math.max(64, message.getContentLength()));
        try {
            Compressor compressor = config.getCompressor();
            if (compressor == null) {
                message.writeMessage(body);
            } else {
                request.header("Content-Encoding", compressor.getEncoding());
                try (OutputStream compressed = compressor.compress(body)) {
                    message.writeMessage(compressed);
                }
            }
            Map<String, List<String>> headers = config.getHeadersSupplier() == null
                    ? null
                    : config.getHeadersSupplier().get();
            if (headers != null) {
                headers.forEach((name, values) -> values.forEach(value -> request.header(name, value)));
            }
        } catch (IOException | RuntimeException e) {
            onError.accept(e);
            return;
        }
        request.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        int most = (int) Math.min(MAX_ANSWER_BYTES, Math.max(1, config.getMaxResponseBodySize()));
        OutboundRead read = bound.begin();
        CompletableFuture<java.net.http.HttpResponse<byte[]>> answer;
        try {
            answer = client.sendAsync(request.build(), new BoundedBody(read, most, bound.what()));
        } catch (RuntimeException e) {
            read.close();
            onError.accept(e);
            return;
        }
        read.watch(() -> answer.cancel(true));
        answer.whenComplete((got, failed) -> {
            read.close();
            if (failed != null) {
                try {
                    read.check();
                } catch (ReadAbandoned abandoned) {
                    onError.accept(abandoned);
                    return;
                }
                onError.accept(failed);
                return;
            }
            onResponse.accept(new Answer(got.statusCode(), got.body()));
        });
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess(); // the client's threads end with it, unreferenced
    }

    /** A collector's answer as the exporter reads it. */
    private record Answer(int status, byte[] body) implements HttpResponse {

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        public String getStatusMessage() {
            return Integer.toString(status);
        }

        @Override
        public byte[] getResponseBody() {
            return body == null ? new byte[0] : body;
        }
    }
}
