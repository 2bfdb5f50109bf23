package org.tabserve.web.http.limits;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.request.MediaType;

/**
 * Serves at most a set number of requests at once and answers the next ones at once with 503 and
 * {@code Retry-After}, rather than letting them wait in a queue that grows without bound. A slot is for work, not
 * for waiting on a client: a body other than a form's or a multipart upload is read in full before its request takes
 * a slot ({@link ArrivedBody}) when it is small ({@link #SMALL_BODY_BYTES}), or up to {@link #MAX_READ_AHEAD_BYTES}
 * while there is room for it ({@link #READ_AHEAD_ROOM_BYTES} for all at once); any other upload (multipart, chunked,
 * larger) may hold only the uploads' share of the slots ({@link ConcurrencySlots}). So however many clients trickle
 * their bodies in, small requests still find a free slot. Nor do they hold a container thread: a body read ahead that
 * has not arrived with its headers is read with the Servlet API's non-blocking input ({@link BodyReadAhead}), and is
 * answered 408 once it arrives slower than the minimum rate after its grace ({@link BodyRate}, the launcher's figures
 * in every container); it comes back on an {@code ASYNC} dispatch to take its slot. A request served asynchronously (a gRPC call) holds its
 * slot until its async context ends, and a gRPC call that finds none is answered UNAVAILABLE with the same words
 * ({@link ErrorRenderer}). A plain servlet filter, so the limit holds in every container. Liveness and readiness
 * probes pass always: a busy server is alive, and ready (it sheds the load it cannot take with these 503s, request by
 * request; a readiness that failed under load would take the server out of its balancer and send the load on to the
 * next one).
 */
public final class ConcurrencyLimitFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(ConcurrencyLimitFilter.class.getName());
    /**
     * The largest declared body that is not an upload, and is always read before its request takes a slot. A JSON
     * request of a hundred rows fits. Small enough that these bodies hold little: 16 KiB times Jetty's 200 threads is
     * 3 MiB.
     */
    public static final long SMALL_BODY_BYTES = 16 << 10;
    /** The largest body read ahead while there is room: a JSON batch of ten thousand rows, about 800 KB, fits. */
    static final long MAX_READ_AHEAD_BYTES = 1 << 20;
    /**
     * The room for bodies over {@link #SMALL_BODY_BYTES} read ahead at once: 64 batches of a thousand rows. Once
     * trickling clients hold it all, the next such bodies are uploads, in the uploads' share.
     */
    static final int READ_AHEAD_ROOM_BYTES = 8 << 20;

    /**
     * The dispatches of this filter and of those after it, which serve a request within its slot (and the filter that
     * measures it): its first, and its {@code ASYNC} dispatch once a body read ahead without a thread has arrived.
     */
    public static EnumSet<DispatcherType> dispatches() {
        return EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC);
    }

    /** The request attribute that carries a body read ahead without a thread to the filter's {@code ASYNC} dispatch. */
    static final String ARRIVED = ConcurrencyLimitFilter.class.getName() + ".arrived";

    private final transient ConcurrencySlots slots;
    /** How a body read ahead without a thread must arrive; empty: bodies are read ahead blocking. */
    private final transient Optional<BodyRate> bodyRate;
    /** The timer of bodies read ahead without a thread: one daemon thread, which only schedules their answers. */
    private final transient ScheduledExecutorService deadlines = deadlines();
    /** The bodies arriving without a thread now, each answered 503 if the app stops before it has arrived. */
    private final transient java.util.Set<BodyReadAhead> arriving = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final transient Semaphore readAheadRoom = new Semaphore(READ_AHEAD_ROOM_BYTES);
    private final transient ErrorRenderer errors;
    /** Told the path (within the context) of each request refused for want of a slot, to count it. */
    private final transient Consumer<String> refusals;

    /**
     * @param limit       most requests served at once
     * @param uploadLimit most of them that may be uploads (at most {@code limit}); the rest are kept for small requests
     */
    public ConcurrencyLimitFilter(int limit, int uploadLimit, ErrorRenderer errors) {
        this(limit, uploadLimit, Optional.of(BodyRate.DEFAULT), errors, path -> {});
    }

    /**
     * @param bodyRate the slowest a body read ahead without a thread may arrive (408 below it); empty: bodies are read
     *                 ahead blocking, on the request's thread
     * @param refusals told the path (within the context) of each request refused for want of a slot, to count it
     */
    public ConcurrencyLimitFilter(
            int limit, int uploadLimit, Optional<BodyRate> bodyRate, ErrorRenderer errors, Consumer<String> refusals) {
        this.slots = new ConcurrencySlots(limit, uploadLimit);
        this.bodyRate = bodyRate;
        this.errors = errors;
        this.refusals = refusals;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/health/") || path.startsWith("/v2/health/")) {
            chain.doFilter(request, response);
            return;
        }
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            // Back with a body read ahead without a thread (BodyReadAhead), or another asynchronous dispatch, which
            // is within the slot its request already holds.
            if (request.getAttribute(ARRIVED) instanceof Arrived arrived) {
                request.removeAttribute(ARRIVED);
                if (arrived.outcome() instanceof byte[] body) {
                    serve(request, ArrivedBody.of(request, body), response, chain, path, arrived.held(), false);
                } else {
                    arrived.held().release();
                    answerUnreadable(ArrivedBody.none(request), response, (HttpProblem) arrived.outcome());
                }
            } else {
                chain.doFilter(request, response);
            }
            return;
        }
        // The declared length and the media type read once here (each read of a header walks the container's
        // request wrappers), for the read-ahead, the upload and the room.
        long declared = request.getContentLengthLong();
        MediaType type = MediaType.of(request);
        boolean readsAhead = readsAhead(declared, type);
        int room = readAheadRoom(declared, readsAhead);
        Held held = new Held(room);
        try {
            boolean upload = isUpload(request, declared, type) && room == 0;
            HttpServletRequest served = request;
            if (readsAhead && (room > 0 || declared <= SMALL_BODY_BYTES)) {
                try {
                    served = readAhead(request, response, (int) declared, held);
                } catch (IOException e) {
                    answerUnreadable(request, response, e);
                    return;
                }
                if (served == null) {
                    held = null; // gone asynchronous: what it holds is given back when that ends
                    return;
                }
            }
            Held serving = held;
            held = null;
            serve(request, served, response, chain, path, serving, upload);
        } finally {
            if (held != null) {
                held.release();
            }
        }
    }

    /**
     * Reads a small body ahead: without holding the thread while it arrives where the request may go asynchronous
     * (every route of the app's), else blocking on it.
     *
     * @return the request with its body in memory, or null when it has gone asynchronous (it comes back on an
     *         {@code ASYNC} dispatch with {@link #ARRIVED} set)
     */
    private HttpServletRequest readAhead(
            HttpServletRequest request, HttpServletResponse response, int declared, Held held) throws IOException {
        if (bodyRate.isEmpty() || !request.isAsyncSupported()) {
            return ArrivedBody.read(request, declared);
        }
        return BodyReadAhead.read(
                request,
                response,
                declared,
                bodyRate.get(),
                deadlines,
                held,
                outcome -> request.setAttribute(ARRIVED, new Arrived(outcome, held)),
                arriving);
    }

    /**
     * Takes a slot for the request (refusing it with 503 when there is none) and serves it within it; gives back
     * what {@code held} holds when done, or for a request that went asynchronous (a gRPC call) when that ends.
     */
    private void serve(
            HttpServletRequest request,
            HttpServletRequest served,
            HttpServletResponse response,
            FilterChain chain,
            String path,
            Held held,
            boolean upload)
            throws IOException, ServletException {
        boolean handedOver = false;
        try {
            HttpProblem refused = slots.take(upload);
            if (refused != null) {
                LOG.fine(() ->
                        "Refused " + request.getMethod() + " " + request.getRequestURI() + ": " + refused.getMessage());
                refusals.accept(path);
                errors.render(request, response, refused);
                return;
            }
            held.tookSlot(upload);
            chain.doFilter(served, response);
            if (request.isAsyncStarted()) {
                // A call served asynchronously (gRPC's) is at work until its async context ends, not when the
                // servlet returns: it keeps its slot (and its read-ahead room) until then, however it ends.
                request.getAsyncContext().addListener(held);
                handedOver = true;
            }
        } finally {
            if (!handedOver) {
                held.release();
            }
        }
    }

    /**
     * A body read ahead without a thread ({@code byte[]}) or the refusal it earned ({@link HttpProblem}), and what its
     * request holds, for the filter's {@code ASYNC} dispatch.
     */
    private record Arrived(Object outcome, Held held) {}

    @Override
    public void destroy() {
        deadlines.shutdownNow();
        // A body still arriving has no timer left to end it, nor an app to dispatch it to: answered 503 now, never left
        // open (a request in a redeploy of a Jetty base waited for ever: JettyRedeployIT under load).
        arriving.forEach(BodyReadAhead::abandon);
    }

    /**
     * What one request holds of the limit (its slot, if it took one, and its read-ahead room), given back once:
     * when the filter returns, or for an asynchronous request when its async context ends.
     */
    private final class Held extends ReleaseAtEnd {
        private final int room;
        private volatile boolean slot;
        private volatile boolean upload;
        private final AtomicBoolean released = new AtomicBoolean();

        Held(int room) {
            this.room = room;
        }

        /** The request took a slot (an upload's too when {@code upload}). */
        void tookSlot(boolean upload) {
            this.upload = upload;
            this.slot = true;
        }

        @Override
        public void release() {
            if (released.compareAndSet(false, true)) {
                if (slot) {
                    slots.release(upload);
                }
                releaseReadAheadRoom(room);
            }
        }
    }

    private static ScheduledExecutorService deadlines() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "tabserve-body-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // a body that arrives takes its deadline with it
        return timer;
    }

    /**
     * Answers a body that broke off while it was read ahead: 408 to a client too slow, 400 to one that hung up. The
     * second is most often gone, so that writing the answer fails too; that is the client's doing, not the server's,
     * and must not reach the container as a failure (Tomcat would dispatch it to the error page, which logs a
     * server fault).
     */
    private void answerUnreadable(HttpServletRequest request, HttpServletResponse response, IOException failure) {
        answerUnreadable(request, response, LimitedInputStream.unreadable(failure));
    }

    private void answerUnreadable(HttpServletRequest request, HttpServletResponse response, HttpProblem problem) {
        try {
            errors.render(request, response, problem);
        } catch (IOException gone) {
            LOG.fine(() -> "No answer to " + request.getMethod() + " " + request.getRequestURI() + ": the client is"
                    + " gone (" + gone + ")");
        }
    }

    /**
     * Takes room to read a body over {@link #SMALL_BODY_BYTES} ahead, if it may be and there is room (give it back
     * when the request ends, as its bytes are held that long).
     *
     * @param declared   the body's declared length
     * @param readsAhead whether the filter reads it ahead ({@link #readsAhead})
     * @return the bytes taken, 0 for none
     */
    int readAheadRoom(long declared, boolean readsAhead) {
        if (declared > SMALL_BODY_BYTES && readsAhead && readAheadRoom.tryAcquire((int) declared)) {
            return (int) declared;
        }
        return 0;
    }

    /** Gives back room {@link #readAheadRoom} took. */
    void releaseReadAheadRoom(int bytes) {
        readAheadRoom.release(bytes);
    }

    /**
     * Whether a body may be read before its request takes a slot: one of a declared length up to
     * {@link #MAX_READ_AHEAD_BYTES}, but not a form or a multipart upload, which the container parses from its own
     * input when the servlet asks for the parameters or parts.
     *
     * @param declared the body's declared length
     * @param type     its media type
     */
    static boolean readsAhead(long declared, MediaType type) {
        return declared > 0 && declared <= MAX_READ_AHEAD_BYTES && !type.isForm() && !type.isMultipart();
    }

    /**
     * Whether a request's body may take long to arrive: multipart, declared over {@link #SMALL_BODY_BYTES}, or of a
     * length not declared (chunked), which a client may make as long as it likes. (One that is read ahead, as there
     * is room for it, holds no slot while it arrives and is not counted as an upload.)
     *
     * @param declared {@code request}'s declared length, read once by the caller
     * @param type     its media type, read once by the caller
     */
    static boolean isUpload(HttpServletRequest request, long declared, MediaType type) {
        if (declared > SMALL_BODY_BYTES) {
            return true;
        }
        if (declared < 0 && request.getHeader("Transfer-Encoding") != null) {
            return true;
        }
        return declared != 0 && type.isMultipart();
    }
}
