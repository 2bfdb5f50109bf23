package org.tabserve.web.v2.grpc;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.tabserve.web.http.GrpcRefusal;

/**
 * A gRPC call's response as gRPC's servlet transport writes it, its flushes held back until the call completes: the
 * transport flushes the headers on their own, then the message, then completes with the trailers, so that a unary
 * answer went out as three writes to the socket (each through HTTP/2's flusher and a system call, most of what a
 * single-row ModelInfer cost beyond REST's answer, bench/grpc). Every RPC of the service is unary, and its client reads
 * nothing until the trailers, so the headers, the message and the trailers go out together when the call completes,
 * as one write; a message larger than the container's buffer still goes out as it is written.
 *
 * <p>A call that ends before its answer began (a refusal: an unknown model, a bad tensor) is written by the transport
 * as a trailers-only answer, its status among the headers. On HTTP/2 those status fields go out as trailer fields
 * instead ({@link GrpcRefusal#sendsStatusInTrailers}, which says why): Tomcat cannot send a trailers-only answer,
 * and its clients got INTERNAL or UNKNOWN in place of the status and its words.
 */
final class V2GrpcOneWrite extends HttpServletResponseWrapper {

    private final boolean statusInTrailers;
    /** The fields moved to the trailers, once the transport set a status field as a header. */
    private Map<String, String> trailers;

    V2GrpcOneWrite(HttpServletRequest request, HttpServletResponse response) {
        super(response);
        this.statusInTrailers = GrpcRefusal.sendsStatusInTrailers(request);
    }

    @Override
    public void flushBuffer() {
        // Held back: the container writes what is buffered when the call completes (AsyncContext.complete).
    }

    @Override
    public void addHeader(String name, String value) {
        if (!toTrailers(name, value, true)) {
            super.addHeader(name, value);
        }
    }

    @Override
    public void setHeader(String name, String value) {
        if (!toTrailers(name, value, false)) {
            super.setHeader(name, value);
        }
    }

    /**
     * Keeps a field for the trailers, when it goes there: a status field, and from then on every field the transport
     * sets (the rest of its trailers-only answer); the call's metadata set before the status go out as trailers too.
     * @return whether it was kept
     */
    private synchronized boolean toTrailers(String name, String value, boolean add) {
        if (!statusInTrailers
                || value == null
                || isCommitted()
                || (trailers == null && !GrpcRefusal.isStatusField(name))) {
            return false;
        }
        if (trailers == null) {
            Map<String, String> fields = GrpcRefusal.callMetadata(this);
            trailers = fields;
            super.setTrailerFields(() -> {
                synchronized (this) {
                    // a copy in the fields' order (Map.copyOf's order changes from one start to the next)
                    return Collections.unmodifiableMap(new LinkedHashMap<>(fields));
                }
            });
        }
        String key = name.toLowerCase(Locale.ROOT);
        if (add) {
            trailers.merge(key, value, (was, more) -> was + "," + more);
        } else {
            trailers.put(key, value);
        }
        return true;
    }
}
