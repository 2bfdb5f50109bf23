package org.tabserve.serving.trace;

import java.util.function.Function;

/**
 * Opens each request's span, the child of the caller's W3C trace context ({@code traceparent} and {@code tracestate}
 * as a REST header or gRPC metadata), and stops the exporter with the app. {@link #OFF} when tracing is off.
 */
public interface Tracing extends AutoCloseable {

    /** No tracing: every request's span is {@link RequestSpan#NONE}. */
    Tracing OFF = new Tracing() {
        @Override
        public RequestSpan request(String name, boolean grpc, Function<String, String> headers) {
            return RequestSpan.NONE;
        }

        @Override
        public void close() {}
    };

    /**
     * @param name    the span's name: {@code POST /api/predict} (the method and route, never the raw path), or the
     *                gRPC method's full name
     * @param grpc    whether the request is a gRPC call (RPC conventions) rather than an HTTP request
     * @param headers the request's header (or metadata) of a name, or null
     * @return the request's server span, started now
     */
    RequestSpan request(String name, boolean grpc, Function<String, String> headers);

    /** Exports what is queued (within a short bound) and stops the exporter. */
    @Override
    void close();
}
