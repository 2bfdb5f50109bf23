package org.tabserve.web.v2.grpc;

import inference.ModelInferRequest;
import inference.ModelMetadataRequest;
import inference.ModelReadyRequest;
import inference.ModelStatisticsRequest;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.tabserve.repository.ModelRepository;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.web.http.auth.AdminToken;
import org.tabserve.web.http.auth.ClientCertificate;

/**
 * Tells a gRPC call's service who called, as a servlet request tells the REST routes: the interceptor puts each
 * call's {@code authorization} metadata and the caller's address (as gRPC's servlet transport reports them) in the
 * call's {@link Context}, where the repository RPCs hand them to the admin token's check; and its {@code x-request-id},
 * REST's {@code X-Request-Id}, by which a canary keeps a retried call on the version that answered it first; and its
 * metadata, whose W3C trace context the call's span is the child of; and the call's answer, whose headers (or, for a
 * refusal answered in trailers alone, its trailers) carry the call's span's {@code traceparent} and its request id
 * ({@code x-request-id}, the caller's or the server's own) back. And it counts and times each call in the request
 * metrics, as the metrics filter does each HTTP request (which sees a gRPC call only until gRPC's servlet goes
 * asynchronous): when the call ends, under protocol {@code grpc}, its method's path as the route, its status code's
 * name as the status, and the model it named when that model serves (the default model's for an empty name), so that
 * a label never holds a name a client made up. It sees each call before its message is parsed ({@link V2GrpcIntake}),
 * so that a call refused there is counted too; the intake tells it the model the parsed request names
 * ({@link #noteRequest}).
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

    /** Where the call's intake leaves the model its request names, once parsed. */
    private static final Context.Key<AtomicReference<String>> NAMED = Context.key("tabserve.grpc.model-named");

    private final TabserveMetrics metrics;
    private final ModelRepository repository;

    V2GrpcCaller(TabserveMetrics metrics, ModelRepository repository) {
        this.metrics = metrics;
        this.repository = repository;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        AdminToken.Caller caller = new AdminToken.Caller(
                "gRPC " + call.getMethodDescriptor().getBareMethodName(),
                headers.get(AUTHORIZATION),
                address(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)),
                headers.get(CERTIFICATE)); // set by the server from the TLS client certificate, never the client's
        TracedCall<Q, A> answer = new TracedCall<>(call, System.nanoTime());
        ServerCall.Listener<Q> listener = Contexts.interceptCall(
                Context.current()
                        .withValues(CALLER, caller, REQUEST_ID, headers.get(X_REQUEST_ID), METADATA, headers)
                        .withValues(ANSWER, answer, NAMED, answer.named),
                answer,
                headers,
                next);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    // The client went away (or its deadline passed) before the answer was sent.
                    answer.count(Status.Code.CANCELLED);
                }
            }
        };
    }

    /** Notes the model the call's parsed request names, for its count; called in the call's context. */
    static void noteRequest(Object message) {
        AtomicReference<String> named = NAMED.get();
        if (named != null) {
            named.set(modelNamed(message));
        }
    }

    /** The model a request message names, for the calls that use one; null for the others (and every model's). */
    static String modelNamed(Object message) {
        if (message instanceof ModelInferRequest infer) {
            return infer.getModelName();
        }
        if (message instanceof ModelMetadataRequest metadata) {
            return metadata.getName();
        }
        if (message instanceof ModelReadyRequest ready) {
            return ready.getName();
        }
        if (message instanceof ModelStatisticsRequest statistics) {
            // An empty name asks for every model's statistics, not the default model's: no one model to label.
            return statistics.getName().isEmpty() ? null : statistics.getName();
        }
        return null;
    }

    /** The model a call named, when it serves (an empty name: the default model); else empty. */
    private String servedModel(String named) {
        if (named == null) {
            return "";
        }
        String name = named.isEmpty() ? repository.defaultModel().orElse("") : named;
        return !name.isEmpty() && !repository.readyVersions(name).isEmpty() ? name : "";
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
     * gave them, and which is counted when it ends (first, so that a client reading the metrics after its answer finds
     * its call there).
     */
    private final class TracedCall<Q, A> extends ForwardingServerCall.SimpleForwardingServerCall<Q, A> {
        private final long started;
        private final AtomicBoolean counted = new AtomicBoolean();
        /** The model the request names, once it arrives. */
        private final AtomicReference<String> named = new AtomicReference<>();

        private volatile String traceparent;
        private volatile String requestId;
        private volatile boolean headersSent;

        TracedCall(ServerCall<Q, A> call, long started) {
            super(call);
            this.started = started;
        }

        @Override
        public void sendHeaders(Metadata headers) {
            headersSent = true;
            put(headers);
            super.sendHeaders(headers);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            count(status.getCode());
            if (!headersSent) { // a refusal's trailers are the answer's only headers
                put(trailers);
            }
            super.close(status, trailers);
        }

        void count(Status.Code code) {
            if (counted.compareAndSet(false, true)) {
                metrics.grpcCall(
                        servedModel(named.get()),
                        getMethodDescriptor().getFullMethodName(),
                        code.name(),
                        (System.nanoTime() - started) / 1e9);
            }
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
