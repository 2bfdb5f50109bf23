package org.tabserve.web.v2.grpc;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * A gRPC call's response as gRPC's servlet transport writes it, its flushes held back until the call completes: the
 * transport flushes the headers on their own, then the message, then completes with the trailers, so that a unary
 * answer went out as three writes to the socket (each through HTTP/2's flusher and a system call, most of what a
 * single-row ModelInfer cost beyond REST's answer, bench/grpc). Every RPC of the service is unary, and its client reads
 * nothing until the trailers, so the headers, the message and the trailers go out together when the call completes,
 * as one write; a message larger than the container's buffer still goes out as it is written.
 */
final class V2GrpcOneWrite extends HttpServletResponseWrapper {

    V2GrpcOneWrite(HttpServletResponse response) {
        super(response);
    }

    @Override
    public void flushBuffer() {
        // Held back: the container writes what is buffered when the call completes (AsyncContext.complete).
    }
}
