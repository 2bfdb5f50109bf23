package org.tabserve.web.v2.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.logging.Logger;
import org.tabserve.rows.read.RowFootprint;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.WebConfig;

/**
 * Takes each call's request message in under the memory budget REST requests share, as gRPC's own pieces: a stream
 * tracer opens the call's {@link MemoryBudget.Reservation} as its stream begins ({@link #reservations}); each RPC's
 * request marshaller, capped, grows it by a compressed message's bytes as they are inflated, then by what the message
 * will hold once parsed and read ({@link V2GrpcFootprint}, past the allowance REST gives a body's first bytes), and
 * only then parses it; and an interceptor answers the refusal a message met there and gives the reservation back when
 * the call ends, however it ends. An explanation reserves its own memory on its thread (ExplanationPool). gRPC's own
 * marshaller would answer bytes that are not protobuf with UNKNOWN, and a marshaller that throws has the call reset;
 * here the marshaller keeps the refusal for the interceptor: INVALID_ARGUMENT naming the field, and a budget that has
 * no room REST's 413 or 503 as a status ({@link V2GrpcStatus}). The interceptor also drops, rather than fails, an
 * answer to a call already cancelled.
 */
final class V2GrpcIntake implements ServerInterceptor {

    private static final Logger LOG = Logger.getLogger(V2GrpcIntake.class.getName());

    /** The call's intake, in the context gRPC reads the call's message in (put there by {@link #reservations}). */
    private static final Context.Key<Intake> INTAKE = Context.key("tabserve.grpc-intake");

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

    /** How long a write that failed waits for the transport to mark its call cancelled (a reset's lag). */
    private static final long CANCEL_SEEN_NANOS = 250_000_000L;

    /**
     * One call's intake: its reservation, whether its messages may be compressed ({@code grpc-encoding} other than
     * identity), and the status its message was refused with, if any. Once refused, the RPC hears nothing more, and the
     * call is closed with the refusal once the request has all arrived: closed before, while its end is still on the
     * way, the container would reset the stream to stop the rest, and a reset that overtakes the answer reaches the
     * client as CANCELLED without the words (as the body filter's refusals, {@link V2GrpcBodyFilter}).
     */
    private static final class Intake {
        private final MemoryBudget.Reservation held;
        private final boolean compressed;
        private volatile Status refused;

        Intake(MemoryBudget.Reservation held, boolean compressed) {
            this.held = held;
            this.compressed = compressed;
        }
    }

    private V2GrpcIntake() {}

    /**
     * Opens each call's reservation as its stream begins, in the context gRPC reads the call's message in, which the
     * RPC inherits: so a compressed message is metered as it is inflated, before any RPC sees it. Add it to the server
     * that serves {@link #of}'s service; without it, every call is refused.
     */
    static ServerStreamTracer.Factory reservations(MemoryBudget budget) {
        return new ServerStreamTracer.Factory() {
            @Override
            public ServerStreamTracer newServerStreamTracer(String method, Metadata headers) {
                String encoding = headers.get(MESSAGE_ENCODING);
                Intake intake = new Intake(budget.open(), encoding != null && !encoding.equalsIgnoreCase("identity"));
                return new ServerStreamTracer() {
                    @Override
                    public Context filterContext(Context context) {
                        return context.withValue(INTAKE, intake);
                    }
                };
            }
        };
    }

    /**
     * @param generated the service as gRPC's generated code binds it
     * @return the same service, each RPC's request read by the capped marshaller and its refusals answered as above
     */
    static ServerServiceDefinition of(ServerServiceDefinition generated) {
        ServerServiceDefinition.Builder service =
                ServerServiceDefinition.builder(generated.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> method : generated.getMethods()) {
            service.addMethod(capped(method));
        }
        return ServerInterceptors.intercept(service.build(), new V2GrpcIntake());
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

    private static <Q, A> ServerMethodDefinition<Q, A> capped(ServerMethodDefinition<Q, A> method) {
        MethodDescriptor<Q, A> typed = method.getMethodDescriptor();
        MethodDescriptor.PrototypeMarshaller<Q> generated =
                (MethodDescriptor.PrototypeMarshaller<Q>) typed.getRequestMarshaller();
        return ServerMethodDefinition.create(
                typed.toBuilder(new Capped<>(generated, typed.getBareMethodName()), typed.getResponseMarshaller())
                        .build(),
                method.getServerCallHandler());
    }

    /**
     * An RPC's request marshaller, reading its message within the call's reservation: a budget with no room, more
     * inflated bytes than a message may have, or bytes that are not the message are kept as the call's refusal (the
     * interceptor answers it) and the message is the type's empty one, never heard by the RPC. An inflating message
     * does not wait for room, as its bytes do not in the body filter: it holds what it has inflated, and the
     * container's thread the call runs on, while it would wait.
     */
    private record Capped<Q>(MethodDescriptor.PrototypeMarshaller<Q> generated, String rpc)
            implements MethodDescriptor.PrototypeMarshaller<Q> {

        @Override
        public InputStream stream(Q value) {
            return generated.stream(value);
        }

        @Override
        public Q parse(InputStream stream) {
            Intake intake = INTAKE.get();
            if (intake == null) {
                throw new IllegalStateException("the server serves V2GrpcIntake.of without its reservations()");
            }
            Message prototype = (Message) generated.getMessagePrototype();
            byte[] bytes = null;
            try (stream) {
                if (intake.refused == null) {
                    bytes = (intake.compressed
                                    ? intake.held.meteredWithoutWaiting(
                                            stream, Json.UNMETERED_BYTES, INFLATED_HEAP_BYTES_PER_BYTE)
                                    : stream)
                            .readAllBytes();
                }
            } catch (HttpProblem | ServingException e) {
                intake.refused = V2GrpcStatus.of(e, false, rpc);
            } catch (StatusRuntimeException e) {
                // gRPC's own limit on an inflated message (RESOURCE_EXHAUSTED), met as it is read.
                intake.refused = e.getStatus()
                        .withDescription(
                                e.getStatus().getDescription() + " (setting " + WebConfig.MAX_BODY_BYTES + ")");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (bytes != null) {
                try {
                    return V2GrpcIntake.parse(bytes, prototype, intake.held);
                } catch (RuntimeException e) {
                    intake.refused = V2GrpcStatus.of(e, false, rpc);
                }
            }
            @SuppressWarnings("unchecked")
            Q empty = (Q) prototype;
            return empty;
        }

        @Override
        public Q getMessagePrototype() {
            return generated.getMessagePrototype();
        }

        @Override
        public Class<Q> getMessageClass() {
            return generated.getMessageClass();
        }
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        Intake intake = INTAKE.get();
        ServerCall.Listener<Q> listener = next.startCall(new Answering<>(call), headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            private boolean refusing;

            @Override
            public void onMessage(Q message) {
                if (refusing) {
                    return;
                }
                if (intake.refused != null) {
                    refusing = true;
                    intake.held.releaseAll();
                    // Whatever else the client sends is read and dropped, so that the request's end is reached.
                    call.request(Integer.MAX_VALUE);
                    return;
                }
                V2GrpcCaller.noteRequest(message);
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (refusing) {
                    call.close(intake.refused, new Metadata());
                } else {
                    super.onHalfClose();
                }
            }

            @Override
            public void onReady() {
                if (!refusing) {
                    super.onReady();
                }
            }

            @Override
            public void onCancel() {
                try {
                    if (!refusing) {
                        super.onCancel();
                    }
                } finally {
                    intake.held.close();
                }
            }

            @Override
            public void onComplete() {
                try {
                    if (!refusing) {
                        super.onComplete();
                    }
                } finally {
                    intake.held.close();
                }
            }
        };
    }

    /** The call as its RPC answers it: an answer to a call already cancelled dropped rather than failed. */
    private static final class Answering<Q, A> extends ForwardingServerCall.SimpleForwardingServerCall<Q, A> {

        Answering(ServerCall<Q, A> call) {
            super(call);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            answer(() -> super.sendHeaders(headers));
        }

        @Override
        public void sendMessage(A message) {
            answer(() -> super.sendMessage(message));
        }

        @Override
        public void close(Status status, Metadata trailers) {
            answer(() -> super.close(status, trailers));
        }

        /**
         * Writes to the answer, unless the call is cancelled (its deadline passed, its client reset it): then the
         * servlet transport may have let go of the response already, and writing to it fails; nobody is there to read
         * it, so it is dropped with a FINE line, where the failure would reach gRPC's executor and be logged SEVERE
         * with its stack trace. The container may let go of a reset stream's response a moment before gRPC's
         * transport, told on the container's thread, marks the call cancelled (Jetty then answers "Response does not
         * exist"): a write that fails is dropped as well when the call turns out cancelled within
         * {@link #CANCEL_SEEN_NANOS}.
         */
        private void answer(Runnable write) {
            if (!cancelled()) {
                try {
                    write.run();
                    return;
                } catch (RuntimeException e) {
                    if (!cancelledSoon()) {
                        throw e;
                    }
                }
            }
            LOG.fine(() -> "gRPC " + getMethodDescriptor().getBareMethodName() + " was cancelled before its answer ("
                    + Context.current().cancellationCause() + "); the answer is dropped");
        }

        private boolean cancelled() {
            return isCancelled() || Context.current().isCancelled();
        }

        /** Whether the call is cancelled, or is within {@link #CANCEL_SEEN_NANOS} (a failed write's only wait). */
        private boolean cancelledSoon() {
            long deadline = System.nanoTime() + CANCEL_SEEN_NANOS;
            while (!cancelled()) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return cancelled();
                }
            }
            return true;
        }
    }
}
