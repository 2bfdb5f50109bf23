package org.tabserve.web.v2.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.tabserve.rows.read.RowFootprint;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.WebConfig;

/**
 * Takes each call's request message in as bytes and parses it in the call itself, under the memory budget REST
 * requests share: the call opens a {@link MemoryBudget.Reservation} as its stream begins ({@link #reservations}),
 * grows it by a compressed message's bytes as they are inflated, then by what the message will hold once
 * parsed and read ({@link V2GrpcFootprint}, past the allowance REST gives a body's first bytes) and only then parses
 * it; an explanation reserves its own memory on its thread (ExplanationPool), and the reservation is
 * given back when the call ends, however it ends. gRPC's own parsing would run before any of that, and would answer
 * bytes that are not protobuf with UNKNOWN; here they are INVALID_ARGUMENT naming the field, and a budget that has no
 * room is REST's 413 or 503 as a status ({@link V2GrpcStatus}).
 */
final class V2GrpcIntake {

    /**
     * The call's reservation, in the context gRPC reads the call's message in (put there by {@link #reservations}) and
     * so in its RPC's.
     */
    private static final Context.Key<MemoryBudget.Reservation> HELD = Context.key("tabserve.memory-reservation");
    /** Whether the call's messages may be compressed ({@code grpc-encoding} other than identity), in the same context. */
    private static final Context.Key<Boolean> COMPRESSED = Context.key("tabserve.grpc-compressed");

    private static final Metadata.Key<String> MESSAGE_ENCODING =
            Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);
    /**
     * Heap a message may take without reserving: what REST's first {@link Json#UNMETERED_BYTES} of a body come to,
     * so that single rows and small batches, the hot path, never wait on either transport.
     */
    static final long UNMETERED_HEAP_BYTES = Json.UNMETERED_BYTES * RowFootprint.PER_BODY_BYTE;
    /**
     * Heap per byte of a compressed message as it is inflated, reserved as each byte comes out: the buffers the bytes
     * are read into, and the one array they are joined into. The body filter metered only the compressed bytes, and
     * gzip turns 4 KB into 4 MB.
     */
    static final int INFLATED_HEAP_BYTES_PER_BYTE = 2;

    /** A message as it arrived, or the status it was refused with while it was read (inflated). */
    record Arrived(byte[] bytes, Status refused) {}

    private V2GrpcIntake() {}

    /**
     * Opens each call's reservation as its stream begins, in the context gRPC reads the call's message in, which the
     * RPC inherits: so a compressed message is metered as it is inflated ({@link #bytes}), before any RPC sees it.
     * Add it to the server that serves {@link #of}'s service.
     */
    static ServerStreamTracer.Factory reservations(MemoryBudget budget) {
        return new ServerStreamTracer.Factory() {
            @Override
            public ServerStreamTracer newServerStreamTracer(String method, Metadata headers) {
                String encoding = headers.get(MESSAGE_ENCODING);
                boolean compressed = encoding != null && !encoding.equalsIgnoreCase("identity");
                MemoryBudget.Reservation held = budget.open();
                return new ServerStreamTracer() {
                    @Override
                    public Context filterContext(Context context) {
                        return context.withValue(HELD, held).withValue(COMPRESSED, compressed);
                    }
                };
            }
        };
    }

    /**
     * An RPC's message as it arrived: its bytes, read under the call's reservation when they are inflated; a budget
     * with no room, or more inflated bytes than a message may have, is the status the call is refused with. An
     * inflating message does not wait for room, as its bytes do not in the body filter: it holds what it has
     * inflated, and the container's thread the call runs on, while it would wait.
     */
    private static MethodDescriptor.Marshaller<Arrived> bytes(String rpc) {
        return new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Arrived value) {
                return new ByteArrayInputStream(value.bytes());
            }

            @Override
            public Arrived parse(InputStream stream) {
                MemoryBudget.Reservation held = HELD.get();
                boolean inflated = held != null && Boolean.TRUE.equals(COMPRESSED.get());
                try (stream) {
                    InputStream in = inflated
                            ? held.meteredWithoutWaiting(stream, Json.UNMETERED_BYTES, INFLATED_HEAP_BYTES_PER_BYTE)
                            : stream;
                    return new Arrived(in.readAllBytes(), null);
                } catch (HttpProblem | ServingException e) {
                    return new Arrived(null, V2GrpcStatus.of(e, false, rpc));
                } catch (StatusRuntimeException e) {
                    // gRPC's own limit on an inflated message (RESOURCE_EXHAUSTED), met as it is read.
                    return new Arrived(
                            null,
                            e.getStatus()
                                    .withDescription(e.getStatus().getDescription() + " (setting "
                                            + WebConfig.MAX_BODY_BYTES + ")"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /**
     * @param generated the service as gRPC's generated code binds it, each RPC taking its parsed request
     * @param budget    the memory budget requests share
     * @return the same service, each RPC taking its request as bytes and parsing it as above
     */
    static ServerServiceDefinition of(ServerServiceDefinition generated, MemoryBudget budget) {
        ServerServiceDefinition.Builder service =
                ServerServiceDefinition.builder(generated.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> method : generated.getMethods()) {
            service.addMethod(parsedInCall(method, budget));
        }
        return service.build();
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
            throw HttpProblem.badRequest("the message is not a protobuf "
                    + prototype.getDescriptorForType().getFullName() + ": " + e.getMessage());
        }
    }

    private static <Q, A> ServerMethodDefinition<Arrived, A> parsedInCall(
            ServerMethodDefinition<Q, A> method, MemoryBudget budget) {
        MethodDescriptor<Q, A> typed = method.getMethodDescriptor();
        Message prototype = (Message)
                ((MethodDescriptor.PrototypeMarshaller<Q>) typed.getRequestMarshaller()).getMessagePrototype();
        ServerCallHandler<Q, A> handler = method.getServerCallHandler();
        String rpc = typed.getBareMethodName();
        return ServerMethodDefinition.create(
                typed.toBuilder(bytes(rpc), typed.getResponseMarshaller()).build(), (call, headers) -> {
                    MemoryBudget.Reservation held = HELD.get() != null ? HELD.get() : budget.open();
                    Context context = Context.current().withValue(HELD, held);
                    Context previous = context.attach();
                    ServerCall.Listener<Q> listener;
                    try {
                        listener = handler.startCall(new V2GrpcTypedCall<>(call, typed), headers);
                    } finally {
                        context.detach(previous);
                    }
                    return new Intake<>(call, listener, context, prototype, held, rpc);
                });
    }

    /** The call's events for the RPC's own listener, each message parsed first. */
    private static final class Intake<Q, A> extends ServerCall.Listener<Arrived> {
        private final ServerCall<Arrived, A> call;
        private final ServerCall.Listener<Q> listener;
        private final Context context;
        private final Message prototype;
        private final MemoryBudget.Reservation held;
        private final String rpc;
        /**
         * Set once a message is refused: its RPC hears nothing more, and the call is closed with it once the request
         * has all arrived ({@link #onHalfClose}). Closed before, while its end is still on the way, the container would
         * reset the stream to stop the rest, and a reset that overtakes the answer reaches the client as CANCELLED
         * without the words (as the body filter's refusals, {@link V2GrpcBodyFilter}).
         */
        private Status refused;

        Intake(
                ServerCall<Arrived, A> call,
                ServerCall.Listener<Q> listener,
                Context context,
                Message prototype,
                MemoryBudget.Reservation held,
                String rpc) {
            this.call = call;
            this.listener = listener;
            this.context = context;
            this.prototype = prototype;
            this.held = held;
            this.rpc = rpc;
        }

        @Override
        public void onMessage(Arrived message) {
            if (refused != null) {
                return;
            }
            Q request;
            try {
                if (message.refused() != null) {
                    refuse(message.refused());
                    return;
                }
                request = parse(message.bytes(), prototype, held);
            } catch (RuntimeException e) {
                refuse(V2GrpcStatus.of(e, false, rpc));
                return;
            }
            V2GrpcMetrics.noteRequest(request);
            context.run(() -> listener.onMessage(request));
        }

        private void refuse(Status status) {
            refused = status;
            held.releaseAll();
            // Whatever else the client sends is read and dropped, so that the request's end is reached.
            call.request(Integer.MAX_VALUE);
        }

        @Override
        public void onHalfClose() {
            if (refused != null) {
                call.close(refused, new Metadata());
            } else {
                context.run(listener::onHalfClose);
            }
        }

        @Override
        public void onReady() {
            if (refused == null) {
                context.run(listener::onReady);
            }
        }

        @Override
        public void onCancel() {
            try {
                if (refused == null) {
                    context.run(listener::onCancel);
                }
            } finally {
                held.close();
            }
        }

        @Override
        public void onComplete() {
            try {
                if (refused == null) {
                    context.run(listener::onComplete);
                }
            } finally {
                held.close();
            }
        }
    }
}
