package org.tabserve.web.v2;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.MemoryBudget;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Takes each call's request message in as bytes and parses it in the call itself, under the memory budget REST
 * requests share: the call opens a {@link MemoryBudget.Reservation}, grows it by what the message will hold once
 * parsed and read ({@link V2GrpcFootprint}, past the allowance REST gives a body's first bytes) and only then parses
 * it; the RPC finds the reservation with {@link #held()} to grow it further (ModelInfer's explanations), and it is
 * given back when the call ends, however it ends. gRPC's own parsing would run before any of that, and would answer
 * bytes that are not protobuf with UNKNOWN; here they are INVALID_ARGUMENT naming the field, and a budget that has no
 * room is REST's 413 or 503 as a status ({@link V2GrpcStatus}).
 */
final class V2GrpcIntake {

    /** The call's reservation, for its RPC. */
    private static final Context.Key<MemoryBudget.Reservation> HELD = Context.key("tabserve.memory-reservation");
    /**
     * Heap a message may take without reserving: what REST's first {@link Json#UNMETERED_BYTES} of a body come to,
     * so that single rows and small batches, the hot path, never wait on either transport.
     */
    static final long UNMETERED_HEAP_BYTES = Json.UNMETERED_BYTES * Json.HEAP_BYTES_PER_BODY_BYTE;

    /** A message as it arrived. */
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private V2GrpcIntake() {
    }

    /**
     * @param generated the service as gRPC's generated code binds it, each RPC taking its parsed request
     * @param budget    the memory budget requests share
     * @return the same service, each RPC taking its request as bytes and parsing it as above
     */
    static ServerServiceDefinition of(ServerServiceDefinition generated, MemoryBudget budget) {
        ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(
                generated.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> method : generated.getMethods()) {
            service.addMethod(parsedInCall(method, budget));
        }
        return service.build();
    }

    /** The reservation of the call being answered; an RPC served without this intake has none. */
    static MemoryBudget.Reservation held() {
        MemoryBudget.Reservation held = HELD.get();
        if (held == null) {
            throw new IllegalStateException("the call was not taken in by V2GrpcIntake");
        }
        return held;
    }

    /**
     * The request's message as its type, once the budget holds what it will take.
     *
     * @throws HttpProblem 400 naming the field when the bytes are not a message of the type; 413 or 503 as
     *                     {@link MemoryBudget.Reservation#grow} refuses
     */
    @SuppressWarnings("unchecked")
    static <Q> Q parse(byte[] message, Message prototype, MemoryBudget.Reservation held) {
        long heap = V2GrpcFootprint.heapBytes(message, prototype.getDescriptorForType());
        if (heap > UNMETERED_HEAP_BYTES) {
            held.grow(heap - UNMETERED_HEAP_BYTES);
        }
        try {
            return (Q) prototype.getParserForType().parseFrom(message);
        } catch (InvalidProtocolBufferException e) {
            throw HttpProblem.badRequest("the message is not a protobuf " + prototype.getDescriptorForType().getFullName()
                    + ": " + e.getMessage());
        }
    }

    private static <Q, A> ServerMethodDefinition<byte[], A> parsedInCall(ServerMethodDefinition<Q, A> method,
                                                                          MemoryBudget budget) {
        MethodDescriptor<Q, A> typed = method.getMethodDescriptor();
        Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller<Q>) typed.getRequestMarshaller())
                .getMessagePrototype();
        ServerCallHandler<Q, A> handler = method.getServerCallHandler();
        String rpc = typed.getBareMethodName();
        return ServerMethodDefinition.create(typed.toBuilder(BYTES, typed.getResponseMarshaller()).build(),
                (call, headers) -> {
                    MemoryBudget.Reservation held = budget.open();
                    Context context = Context.current().withValue(HELD, held);
                    Context previous = context.attach();
                    ServerCall.Listener<Q> listener;
                    try {
                        listener = handler.startCall(new TypedCall<>(call, typed), headers);
                    } finally {
                        context.detach(previous);
                    }
                    return new Intake<>(call, listener, context, prototype, held, rpc);
                });
    }

    /** The call's events for the RPC's own listener, each message parsed first. */
    private static final class Intake<Q, A> extends ServerCall.Listener<byte[]> {
        private final ServerCall<byte[], A> call;
        private final ServerCall.Listener<Q> listener;
        private final Context context;
        private final Message prototype;
        private final MemoryBudget.Reservation held;
        private final String rpc;
        /** Set once a message is refused: the call is closed, and its RPC hears nothing more. */
        private boolean refused;

        Intake(ServerCall<byte[], A> call, ServerCall.Listener<Q> listener, Context context, Message prototype,
               MemoryBudget.Reservation held, String rpc) {
            this.call = call;
            this.listener = listener;
            this.context = context;
            this.prototype = prototype;
            this.held = held;
            this.rpc = rpc;
        }

        @Override
        public void onMessage(byte[] message) {
            if (refused) {
                return;
            }
            Q request;
            try {
                request = parse(message, prototype, held);
            } catch (RuntimeException e) {
                refused = true;
                held.releaseAll();
                call.close(V2GrpcStatus.of(e, false, rpc), new Metadata());
                return;
            }
            V2GrpcMetrics.noteRequest(request);
            context.run(() -> listener.onMessage(request));
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                context.run(listener::onHalfClose);
            }
        }

        @Override
        public void onReady() {
            if (!refused) {
                context.run(listener::onReady);
            }
        }

        @Override
        public void onCancel() {
            try {
                if (!refused) {
                    context.run(listener::onCancel);
                }
            } finally {
                held.close();
            }
        }

        @Override
        public void onComplete() {
            try {
                if (!refused) {
                    context.run(listener::onComplete);
                }
            } finally {
                held.close();
            }
        }
    }

    /** The call as the RPC's handler sees it: its requests of their own type, everything else the call's. */
    private static final class TypedCall<Q, A> extends ServerCall<Q, A> {
        private final ServerCall<byte[], A> call;
        private final MethodDescriptor<Q, A> method;

        TypedCall(ServerCall<byte[], A> call, MethodDescriptor<Q, A> method) {
            this.call = call;
            this.method = method;
        }

        @Override
        public void request(int count) {
            call.request(count);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            call.sendHeaders(headers);
        }

        @Override
        public void sendMessage(A message) {
            call.sendMessage(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            call.close(status, trailers);
        }

        @Override
        public boolean isReady() {
            return call.isReady();
        }

        @Override
        public boolean isCancelled() {
            return call.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            call.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            call.setCompression(compressor);
        }

        @Override
        public Attributes getAttributes() {
            return call.getAttributes();
        }

        @Override
        public String getAuthority() {
            return call.getAuthority();
        }

        @Override
        public MethodDescriptor<Q, A> getMethodDescriptor() {
            return method;
        }
    }
}
