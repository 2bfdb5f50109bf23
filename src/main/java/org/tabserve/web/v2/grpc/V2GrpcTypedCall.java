package org.tabserve.web.v2.grpc;

import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.logging.Logger;

/**
 * The call as an RPC's handler sees it once the call's message has been parsed: its requests of their own type,
 * everything else the call's, and an answer to a call already cancelled dropped rather than failed.
 */
final class V2GrpcTypedCall<Q, A> extends ServerCall<Q, A> {

    private static final Logger LOG = Logger.getLogger(V2GrpcTypedCall.class.getName());

    /** How long a write that failed waits for the transport to mark its call cancelled (a reset's lag). */
    private static final long CANCEL_SEEN_NANOS = 250_000_000L;

    private final ServerCall<?, A> call;
    private final MethodDescriptor<Q, A> method;

    V2GrpcTypedCall(ServerCall<?, A> call, MethodDescriptor<Q, A> method) {
        this.call = call;
        this.method = method;
    }

    @Override
    public void request(int count) {
        call.request(count);
    }

    @Override
    public void sendHeaders(Metadata headers) {
        answer(() -> call.sendHeaders(headers));
    }

    @Override
    public void sendMessage(A message) {
        answer(() -> call.sendMessage(message));
    }

    @Override
    public void close(Status status, Metadata trailers) {
        answer(() -> call.close(status, trailers));
    }

    /**
     * Writes to the answer, unless the call is cancelled (its deadline passed, its client reset it): then the
     * servlet transport may have let go of the response already, and writing to it fails; nobody is there to read
     * it, so it is dropped with a FINE line, where the failure would reach gRPC's executor and be logged SEVERE with
     * its stack trace. The container may let go of a reset stream's response a moment before gRPC's transport,
     * told on the container's thread, marks the call cancelled (Jetty then answers "Response does not exist"): a
     * write that fails is dropped as well when the call turns out cancelled within {@link #CANCEL_SEEN_NANOS}.
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
        LOG.fine(() -> "gRPC " + method.getBareMethodName() + " was cancelled before its answer ("
                + Context.current().cancellationCause() + "); the answer is dropped");
    }

    private boolean cancelled() {
        return call.isCancelled() || Context.current().isCancelled();
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
