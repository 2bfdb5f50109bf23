package org.tabserve.web.v2.grpc;

import io.grpc.Status;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.web.http.GrpcRefusal;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.auth.ClientCertificate;
import org.tabserve.web.http.limits.ReleaseAtEnd;

/**
 * Meters a gRPC call's bytes against the memory budget as gRPC's servlet transport reads them, as a REST body is
 * metered ({@link MemoryBudget.Reservation#meteredWithoutWaiting}, past the same unmetered first bytes): the transport
 * keeps a message whole in memory before any RPC sees it, so that many large messages at once would otherwise fill the
 * heap with nothing reserved. A call whose bytes find no room (at once: its reads must not wait) is answered as REST's
 * request would be, UNAVAILABLE with its 503 words (RESOURCE_EXHAUSTED with its 413 words), and the rest of its body
 * is read and dropped; what it holds is given back when the call ends. The call's answer is written in one go
 * ({@link V2GrpcOneWrite}).
 */
public final class V2GrpcBodyFilter implements Filter {

    /**
     * Heap the transport holds per byte of a message until its call ends: the chunks it reads, and the one message they
     * are joined into ({@link V2GrpcIntake}); what the parsed message holds is reserved by the call itself.
     */
    static final int HEAP_BYTES_PER_MESSAGE_BYTE = 2;

    private final MemoryBudget budget;

    public V2GrpcBodyFilter(MemoryBudget budget) {
        this.budget = budget;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        Call call = new Call(budget.open(), http.getRequestURI());
        boolean handedOver = false;
        try {
            chain.doFilter(
                    new Metered(ClientCertificate.carried(http), call),
                    new V2GrpcOneWrite(http, (HttpServletResponse) response));
            if (http.isAsyncStarted()) {
                http.getAsyncContext().addListener(call);
                handedOver = true;
            }
        } finally {
            if (!handedOver) {
                call.release();
            }
        }
    }

    /**
     * One call: its reservation (grown on the threads that read its body, given back on the one that ends it, so
     * every use holds its lock), and the refusal it was answered with, if any.
     */
    private static final class Call extends ReleaseAtEnd {
        private final MemoryBudget.Reservation held;
        private final String rpc;
        /** The transport's listener of the body, told the call ended when it was refused. */
        private ReadListener transport;

        private Status refused;

        Call(MemoryBudget.Reservation held, String path) {
            this.held = held;
            this.rpc = path.substring(path.lastIndexOf('/') + 1);
        }

        /** Gives everything back; once the call was refused, tells the transport that it ended, so it answers no more. */
        @Override
        public void release() {
            ReadListener told;
            Status status;
            synchronized (this) {
                held.close();
                told = transport;
                status = refused;
                transport = null;
            }
            if (told != null && status != null) {
                // The answer is committed: the transport ends the call without writing (ServletAdapter's onError).
                told.onError(status.asRuntimeException());
            }
        }
    }

    /** The request, its body read through the meter. */
    private static final class Metered extends HttpServletRequestWrapper {
        private final Call call;
        private ServletInputStream input;

        Metered(HttpServletRequest request, Call call) {
            super(request);
            this.call = call;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (input == null) {
                input = new MeteredInput(super.getInputStream(), call, this);
            }
            return input;
        }
    }

    /**
     * The body's bytes, each past the unmetered ones reserved before it is handed on; once the budget refuses them,
     * the rest of the body is read and dropped (holding nothing), and when it has all arrived the call is answered:
     * a body left unread would have the server reset the stream, and the client would get CANCELLED, not the words.
     */
    private static final class MeteredInput extends ServletInputStream {
        private final ServletInputStream in;
        private final InputStream metered;
        private final Call call;
        private final ServletRequest request;
        private final byte[] dropped = new byte[8192];
        /** Set once the refusal is answered: the transport reads nothing more. */
        private boolean answered;

        MeteredInput(ServletInputStream in, Call call, ServletRequest request) {
            this.in = in;
            this.call = call;
            this.request = request;
            this.metered = call.held.meteredWithoutWaiting(in, Json.UNMETERED_BYTES, HEAP_BYTES_PER_MESSAGE_BYTE);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? n : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            synchronized (call) {
                if (call.refused == null) {
                    try {
                        return metered.read(buffer, offset, length);
                    } catch (HttpProblem | ServingException problem) {
                        call.refused = V2GrpcStatus.of(problem, false, call.rpc);
                    }
                }
                drop();
                return 0;
            }
        }

        /** Reads and drops what has arrived of a refused body; answers the call once it has all arrived. */
        private void drop() throws IOException {
            while (!answered && in.isReady()) {
                if (in.read(dropped) == -1) {
                    answer();
                }
            }
        }

        /**
         * Answers the refused call as gRPC refuses one, without a message ({@link GrpcRefusal#write}); the transport is told the call ended once it is out ({@link Call#end}).
         * Should an answer be under way already, the refusal is thrown to the transport, which resets the stream.
         */
        private void answer() {
            answered = true;
            AsyncContext async = request.isAsyncStarted() ? request.getAsyncContext() : null;
            if (async == null
                    || async.getResponse().isCommitted()
                    || !(async.getResponse() instanceof HttpServletResponse response)) {
                throw call.refused.asRuntimeException();
            }
            GrpcRefusal.write(
                    (HttpServletRequest) request,
                    response,
                    call.refused.getCode().value(),
                    call.refused.getDescription());
            async.complete();
        }

        @Override
        public boolean isFinished() {
            synchronized (call) {
                return answered || in.isFinished();
            }
        }

        @Override
        public boolean isReady() {
            synchronized (call) {
                return !answered && in.isReady();
            }
        }

        @Override
        public void setReadListener(ReadListener listener) {
            synchronized (call) {
                call.transport = listener;
            }
            in.setReadListener(new ReadListener() {
                @Override
                public void onDataAvailable() throws IOException {
                    listener.onDataAvailable();
                }

                @Override
                public void onAllDataRead() throws IOException {
                    synchronized (call) {
                        if (call.refused != null) {
                            drop(); // the end of a refused body: the transport must not see it end mid-message
                            return;
                        }
                    }
                    listener.onAllDataRead();
                }

                @Override
                public void onError(Throwable failure) {
                    listener.onError(failure);
                }
            });
        }
    }
}
