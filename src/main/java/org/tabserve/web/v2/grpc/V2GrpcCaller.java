package org.tabserve.web.v2.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.tabserve.web.http.auth.AdminToken;
import org.tabserve.web.http.auth.ClientCertificate;

/**
 * Tells a gRPC call's service who called, as a servlet request tells the REST routes: the interceptor puts each
 * call's {@code authorization} metadata and the caller's address (as gRPC's servlet transport reports them) in the
 * call's {@link Context}, where the repository RPCs hand them to the admin token's check; and its {@code x-request-id},
 * REST's {@code X-Request-Id}, by which a canary keeps a retried call on the version that answered it first; and its
 * metadata, whose W3C trace context the call's span is the child of; and the call's answer, whose headers (or, for a
 * refusal answered in trailers alone, its trailers) carry the call's span's {@code traceparent} and its request id
 * ({@code x-request-id}, the caller's or the server's own) back.
 */
final class V2GrpcCaller implements ServerInterceptor {

    private static final Context.Key<AdminToken.Caller> CALLER = Context.key("tabserve.grpc.caller");
    /** The header REST's admin routes read; gRPC metadata keys are lower case, as HTTP/2's header names are. */
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** The name of the call's TLS client certificate ({@link ClientCertificate#carried}). */
    private static final Metadata.Key<String> CERTIFICATE =
            Metadata.Key.of(ClientCertificate.GRPC_HEADER, Metadata.ASCII_STRING_MARSHALLER);

    private static final Context.Key<String> REQUEST_ID = Context.key("tabserve.grpc.request-id");
    private static final Metadata.Key<String> X_REQUEST_ID =
            Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

    /** The call's metadata, where its W3C trace context ({@code traceparent}, {@code tracestate}) is read. */
    private static final Context.Key<Metadata> METADATA = Context.key("tabserve.grpc.metadata");
    /** The call's answer, which carries its span's {@code traceparent} back. */
    private static final Context.Key<TracedCall<?, ?>> ANSWER = Context.key("tabserve.grpc.answer");
    /** The metadata key of the W3C trace context's parent, as REST's header is named. */
    private static final Metadata.Key<String> TRACEPARENT =
            Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        AdminToken.Caller caller = new AdminToken.Caller(
                "gRPC " + call.getMethodDescriptor().getBareMethodName(),
                headers.get(AUTHORIZATION),
                address(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)),
                headers.get(CERTIFICATE)); // set by the server from the TLS client certificate, never the client's
        TracedCall<Q, A> answer = new TracedCall<>(call);
        return Contexts.interceptCall(
                Context.current()
                        .withValues(CALLER, caller, REQUEST_ID, headers.get(X_REQUEST_ID), METADATA, headers)
                        .withValue(ANSWER, answer),
                answer,
                headers,
                next);
    }

    /** The call running on this thread answers {@code traceparent} (its span's) in its headers; null: none. */
    static void answerTraceparent(String traceparent) {
        TracedCall<?, ?> answer = ANSWER.get();
        if (answer != null) {
            answer.traceparent = traceparent;
        }
    }

    /**
     * The call running on this thread answers {@code x-request-id} (the id its prediction log lines carry and labels
     * name: the caller's own, or the one the server made), as REST answers {@code X-Request-Id} (issue 76: a call sent
     * without one could not be labelled, its id never told).
     */
    static void answerRequestId(String requestId) {
        TracedCall<?, ?> answer = ANSWER.get();
        if (answer != null) {
            answer.requestId = requestId;
        }
    }

    /**
     * A call whose answer's headers carry its span's {@code traceparent} and its {@code x-request-id} once the service
     * gave them.
     */
    private static final class TracedCall<Q, A> extends ForwardingServerCall.SimpleForwardingServerCall<Q, A> {
        private volatile String traceparent;
        private volatile String requestId;
        private volatile boolean headersSent;

        TracedCall(ServerCall<Q, A> call) {
            super(call);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            headersSent = true;
            put(headers);
            super.sendHeaders(headers);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (!headersSent) { // a refusal's trailers are the answer's only headers
                put(trailers);
            }
            super.close(status, trailers);
        }

        private void put(Metadata metadata) {
            String own = traceparent;
            if (own != null) {
                metadata.put(TRACEPARENT, own);
            }
            String id = requestId;
            if (id != null) {
                metadata.removeAll(X_REQUEST_ID);
                metadata.put(X_REQUEST_ID, id);
            }
        }
    }

    /** @return the {@code x-request-id} the call running on this thread was sent with, or null (checked where used) */
    static String requestId() {
        return REQUEST_ID.get();
    }

    /** @return the metadata {@code name} of the call running on this thread (its trace context), or null */
    static String metadata(String name) {
        Metadata headers = METADATA.get();
        return headers == null ? null : headers.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
    }

    /** @return the caller of the call running on this thread; one with no token or address outside a call */
    static AdminToken.Caller current(String rpc) {
        AdminToken.Caller caller = CALLER.get();
        return caller != null ? caller : new AdminToken.Caller("gRPC " + rpc, null, null);
    }

    /** The address as an IP literal, as a servlet container's {@code getRemoteAddr()} gives it; null if unknown. */
    static String address(SocketAddress remote) {
        if (remote instanceof InetSocketAddress socket) {
            return socket.getAddress() != null ? socket.getAddress().getHostAddress() : socket.getHostString();
        }
        return null;
    }
}
