package org.tabserve.web.http.limits;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.EOFException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.tabserve.web.http.HttpProblem;

/**
 * Reads a small body ahead ({@link ConcurrencyLimitFilter}) without holding a container thread while it arrives, by the
 * Servlet API alone, so in every container: what arrived with the headers is taken at once, and when that is the
 * whole body (nearly always) the request goes on as it came. Otherwise the request goes asynchronous and a read listener
 * (Servlet 3.1's non-blocking input) takes the bytes as they come, on whatever container thread has them; once the last
 * has arrived the request is dispatched again (an {@code ASYNC} dispatch, on which the filter takes its slot with the
 * body in memory). A body that arrives slower than its {@link BodyRate} is dispatched again with a 408 in words naming
 * the setting, which closes its connection, as {@code java -jar}'s guard answers it; one that breaks off with the
 * answer a blocking read's failure would have ({@link LimitedInputStream#unreadable}).
 */
final class BodyReadAhead implements ReadListener, AsyncListener {

    private static final Logger LOG = Logger.getLogger(BodyReadAhead.class.getName());

    private final HttpServletRequest request;
    private final AsyncContext async;
    private final ServletInputStream in;
    private final byte[] body;
    private final BodyRate.Watch watch;
    private final ScheduledExecutorService timer;
    private final Consumer<Object> outcome;
    /** The bodies still arriving, this one among them until its fate is decided: the filter's, to end at its stop. */
    private final java.util.Set<BodyReadAhead> pending;
    /** Whether the body's fate is decided: arrived (dispatched) or refused; the first to decide wins. */
    private final AtomicBoolean settled = new AtomicBoolean();

    private int length;
    private volatile ScheduledFuture<?> due;

    private BodyReadAhead(
            HttpServletRequest request,
            AsyncContext async,
            ServletInputStream in,
            byte[] body,
            int length,
            BodyRate rate,
            ScheduledExecutorService timer,
            Consumer<Object> outcome,
            java.util.Set<BodyReadAhead> pending) {
        this.request = request;
        this.async = async;
        this.in = in;
        this.body = body;
        this.length = length;
        this.watch = rate.checks() ? rate.new Watch(System.nanoTime()) : null;
        this.timer = timer;
        this.outcome = outcome;
        this.pending = pending;
    }

    /**
     * Reads the body of {@code request}, of its declared length {@code declared}, as far as it has arrived.
     *
     * @param ends     added to the asynchronous request's listeners, to be told when it ends however it ends
     * @param outcome  told the whole body ({@code byte[]}) or the refusal to answer ({@link HttpProblem}), before the
     *                 request is dispatched again with it
     * @param pending  the bodies still arriving, which a body that goes asynchronous joins until its fate is decided
     * @return the request with its whole body, when all of it had arrived; null when the request has gone asynchronous
     *         (the caller returns at once, and sees the request again on its {@code ASYNC} dispatch)
     * @throws IOException when the body breaks off before it goes asynchronous
     */
    static ArrivedBody read(
            HttpServletRequest request,
            HttpServletResponse response,
            int declared,
            BodyRate rate,
            ScheduledExecutorService timer,
            AsyncListener ends,
            Consumer<Object> outcome,
            java.util.Set<BodyReadAhead> pending)
            throws IOException {
        ServletInputStream in = request.getInputStream();
        byte[] body = new byte[declared];
        int length = 0;
        while (length < declared && in.available() > 0) { // reads what is there: no wait
            int n = in.read(body, length, declared - length);
            if (n < 0) {
                throw new EOFException("the body ended after " + length + " of " + declared + " bytes");
            }
            length += n;
        }
        if (length == declared) {
            return ArrivedBody.of(request, body);
        }
        AsyncContext async = request.startAsync(request, response);
        if (rate.checks()) {
            async.setTimeout(0); // the rate's own deadline ends it; without a rate, the container's async timeout does
        }
        BodyReadAhead reading = new BodyReadAhead(request, async, in, body, length, rate, timer, outcome, pending);
        pending.add(reading);
        async.addListener(ends);
        async.addListener(reading);
        if (reading.watch != null) {
            reading.watch.arrived(length, System.nanoTime());
            reading.schedule(System.nanoTime());
        }
        in.setReadListener(reading);
        return null;
    }

    @Override
    public void onDataAvailable() throws IOException {
        while (!settled.get() && length < body.length && in.isReady()) {
            int n = in.read(body, length, body.length - length);
            if (n < 0) {
                break; // onAllDataRead says whether it was early
            }
            length += n;
            if (watch != null) {
                watch.arrived(n, System.nanoTime());
            }
        }
        if (length == body.length) {
            arrived();
        }
    }

    @Override
    public void onAllDataRead() {
        if (length == body.length) {
            arrived();
        } else {
            refuse(new EOFException("the body ended after " + length + " of " + body.length + " bytes"));
        }
    }

    @Override
    public void onError(Throwable failure) {
        refuse(failure);
    }

    private void arrived() {
        if (settle()) {
            outcome.accept(body);
            async.dispatch();
        }
    }

    /** The timer: refuses the body if it has fallen below its rate, else looks again when it would. */
    private void check() {
        if (settled.get()) {
            return;
        }
        long now = System.nanoTime();
        Optional<TimeoutException> failure = watch.failure(now);
        if (failure.isEmpty()) {
            schedule(now);
        } else {
            try {
                refuse(failure.get());
            } catch (IllegalStateException ended) {
                LOG.fine(() -> "No answer to a body too slow: the request ended meanwhile (" + ended + ")");
            }
        }
    }

    private void schedule(long now) {
        due = timer.schedule(this::check, watch.untilDue(now), TimeUnit.NANOSECONDS);
    }

    /**
     * Refuses the body for its failure, unless its fate was decided already: the request is dispatched again with the
     * refusal, which the filter answers there, on a container thread of a dispatch as any answer is (written from a
     * thread of {@link AsyncContext#start}, GlassFish 8 sent a 408's body under a 200).
     */
    private void refuse(Throwable failure) {
        if (!settle()) {
            return;
        }
        HttpProblem unreadable = LimitedInputStream.unreadable(
                failure instanceof IOException io ? io : new IOException(failure.getMessage(), failure));
        Map<String, String> headers = new HashMap<>(unreadable.headers());
        headers.put("Connection", "close"); // the rest of the body is not read
        outcome.accept(new HttpProblem(
                unreadable.status(), unreadable.title(), unreadable.detail(), unreadable.errors(), headers));
        async.dispatch();
    }

    /**
     * Ends the request while its body still arrives, because the app stops (its timer with it, and a dispatch would
     * find no app): answered 503 with {@code Retry-After} and the connection closed, so that the client retries on
     * the app that replaces it rather than waiting for an answer that would never come.
     */
    void abandon() {
        if (!settle()) {
            return;
        }
        try {
            if (async.getResponse() instanceof jakarta.servlet.http.HttpServletResponse response
                    && !response.isCommitted()) {
                response.setStatus(jakarta.servlet.http.HttpServletResponse.SC_SERVICE_UNAVAILABLE);
                response.setHeader("Retry-After", "1");
                response.setHeader("Connection", "close");
                response.setContentLength(0);
            }
        } catch (RuntimeException e) {
            LOG.fine(() -> "A body still arriving at the app's stop could not be answered 503 (" + e + ")");
        } finally {
            try {
                async.complete();
            } catch (IllegalStateException ended) {
                LOG.fine(() -> "A body still arriving at the app's stop had ended meanwhile (" + ended + ")");
            }
        }
    }

    /** Decides the body's fate once: true for the one caller that may act on it. */
    private boolean settle() {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        pending.remove(this);
        ScheduledFuture<?> pending = due;
        if (pending != null) {
            pending.cancel(false);
        }
        return true;
    }

    @Override
    public void onComplete(AsyncEvent event) {
        settle();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        // Only without a rate (the container's async timeout): the client went silent or trickled that long.
        refuse(new TimeoutException());
    }

    @Override
    public void onError(AsyncEvent event) {
        settle();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // the body has arrived and the request was dispatched: nothing more to watch
    }
}
