package org.tabserve.web.v2.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.tabserve.web.http.AdminToken;

/**
 * Tells a gRPC call's service who called, as a servlet request tells the REST routes: the interceptor puts each
 * call's {@code authorization} metadata and the caller's address (as gRPC's servlet transport reports them) in the
 * call's {@link Context}, where the repository RPCs hand them to the admin token's check; and its {@code x-request-id},
 * REST's {@code X-Request-Id}, by which a canary keeps a retried call on the version that answered it first; and its
 * metadata, whose W3C trace context the call's span is the child of.
 */
final class V2GrpcCaller implements ServerInterceptor {

    private static final Context.Key<AdminToken.Caller> CALLER = Context.key("tabserve.grpc.caller");
    /** The header REST's admin routes read; gRPC metadata keys are lower case, as HTTP/2's header names are. */
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private static final Context.Key<String> REQUEST_ID = Context.key("tabserve.grpc.request-id");
    private static final Metadata.Key<String> X_REQUEST_ID =
            Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

    /** The call's metadata, where its W3C trace context ({@code traceparent}, {@code tracestate}) is read. */
    private static final Context.Key<Metadata> METADATA = Context.key("tabserve.grpc.metadata");

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        AdminToken.Caller caller = new AdminToken.Caller(
                "gRPC " + call.getMethodDescriptor().getBareMethodName(),
                headers.get(AUTHORIZATION),
                address(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
        return Contexts.interceptCall(
                Context.current().withValues(CALLER, caller, REQUEST_ID, headers.get(X_REQUEST_ID), METADATA, headers),
                call,
                headers,
                next);
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
