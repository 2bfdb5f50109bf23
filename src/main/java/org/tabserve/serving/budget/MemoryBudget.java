package org.tabserve.serving.budget;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.TreeSet;

/**
 * The share of the heap that requests may fill at once with what they hold for a while (rows kept or scored ahead
 * for an upload's answer, parsed batches, a page's download), so that many large requests at once make some of them
 * wait briefly or get 503 with {@code Retry-After}, instead of filling the heap until an {@link OutOfMemoryError}
 * (which can strike any thread, including one inside ONNX Runtime). Each request takes a {@link Reservation},
 * grows it by estimates as it goes, and gives it all back when it ends.
 *
 * <p>Room goes to the oldest reservation that waits for it, and a reservation that holds part of the budget gives up
 * at once (503) rather than wait behind an older one: requests that grow as they read would otherwise each hold a
 * part and wait for the rest until every one of them timed out (32 uploads of long rows at once, all answered 503
 * under load in LowMemoryUploadsIT). So the oldest request always gets through.
 */
public final class MemoryBudget {

    /** The share of the maximum heap that the budget hands out; the rest is for the app itself and the collector. */
    static final double HEAP_SHARE = 0.4;
    /** What the answers that find no room say about the setting that makes more: the heap, there is no other. */
    public static final String RAISED_BY = "the room requests share is " + Math.round(HEAP_SHARE * 100)
            + " % of the server's heap, which its JVM option -Xmx raises (java -Xmx512m -jar tabserve.war; the Docker"
            + " image's JAVA_OPTIONS)";
    /** How long a request waits for room before it is answered 503. */
    static final Duration WAIT = Duration.ofSeconds(5);

    private final long capacity;
    /** How long a request waits for room before it is answered 503: {@link #WAIT}. */
    private final long waitNanos;

    private long used; // guarded by this
    private long opened; // guarded by this: reservations opened, each one's number its age
    private final TreeSet<Long> waiting = new TreeSet<>(); // guarded by this: waiters' numbers

    MemoryBudget(long capacity) {
        this(capacity, WAIT);
    }

    /**
     * A budget whose requests wait up to {@code wait} for room instead of {@link #WAIT}: for a test of a wait that
     * must run out, which then need not take the whole of it.
     */
    MemoryBudget(long capacity, Duration wait) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.waitNanos = wait.toNanos();
    }

    /** A budget of {@link #HEAP_SHARE} of the heap this JVM may grow to. */
    public static MemoryBudget ofHeap() {
        return new MemoryBudget((long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE));
    }

    /**
     * A budget of this one's capacity less {@code bytes}, which something that outlives a request (the prediction
     * log's queue) keeps to itself, so that requests and it together stay within the budget.
     *
     * @param setting what sets {@code bytes}, for the refusal
     * @throws IllegalArgumentException when {@code bytes} is over half of this budget, which would leave requests
     *                                  too little; the message names the setting and the heap
     */
    public MemoryBudget setAside(long bytes, String setting) {
        if (bytes > capacity / 2) {
            throw new IllegalArgumentException("setting " + setting + " is " + bytes + " bytes, more than half of the "
                    + (capacity >> 20) + " MB that requests share; lower it, or raise the heap: " + RAISED_BY);
        }
        return new MemoryBudget(capacity - bytes, Duration.ofNanos(waitNanos));
    }

    public long capacity() {
        return capacity;
    }

    synchronized long used() {
        return used;
    }

    /** @return the reservations waiting for room now (for tests) */
    synchronized int waiters() {
        return waiting.size();
    }

    /** An empty reservation, to grow as the request goes; close it when the request ends. */
    public Reservation open() {
        return new Reservation();
    }

    /** An answer built (or built and written) from a model's metadata under a share of the budget. */
    public interface Answer<T, E extends Exception> {
        T build() throws E;
    }

    /**
     * Builds an answer from a model's metadata (a page, an OpenAPI document) while holding {@code bytes} of the
     * budget, sized from the card before building ({@link Reservation#growForAnswer}), and gives them back after:
     * many such answers at once wait or get 503 instead of filling the heap.
     *
     * @param what the answer, for the message ("the card page of model x")
     */
    public <T, E extends Exception> T buildAnswer(long bytes, String what, Answer<T, E> answer) throws E {
        try (Reservation reservation = open()) {
            reservation.growForAnswer(bytes, what);
            return answer.build();
        }
    }

    private synchronized long nextNumber() {
        return opened++;
    }

    /**
     * Takes {@code bytes} for reservation {@code number} (holding {@code held}) when they fit and no older reservation
     * waits, waiting up to {@code waitNanos} for that; a reservation that holds some of the budget gives way at once
     * to an older one that waits.
     */
    private synchronized boolean take(long number, long held, long bytes, long waitNanos) {
        if (used + bytes <= capacity && noOlderWaiter(number)) {
            used += bytes;
            return true;
        }
        if (waitNanos <= 0) {
            return false;
        }
        long deadline = System.nanoTime() + waitNanos;
        waiting.add(number);
        try {
            while (used + bytes > capacity || waiting.first() != number) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || held > 0 && waiting.first() != number) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            used += bytes;
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            waiting.remove(number);
            notifyAll(); // the next oldest waiter may go now
        }
    }

    private boolean noOlderWaiter(long number) {
        return waiting.isEmpty() || waiting.first() > number;
    }

    private synchronized void give(long bytes) {
        used -= bytes;
        notifyAll();
    }

    /** What one request holds of the budget. Not thread-safe: one request's thread uses it. */
    public final class Reservation implements AutoCloseable {
        private final long number = nextNumber();
        private long held;

        private Reservation() {}

        /**
         * Takes {@code bytes} more, waiting up to {@link #WAIT} for room.
         *
         * @throws ServingException {@link ServingException.Kind#BUSY} when there is no room in time;
         *                          {@link ServingException.Kind#TOO_LARGE} when the request alone
         *                     needs more than the whole budget, which no wait can give
         */
        public void grow(long bytes) {
            grow(bytes, waitNanos);
        }

        /** As {@link #grow}, waiting up to {@code waitNanos} for room (0: refused at once when there is none). */
        private void grow(long bytes, long waitNanos) {
            if (held + bytes > capacity) {
                throw ServingException.of(
                        ServingException.Kind.TOO_LARGE,
                        "the request needs more memory than this server gives one request (" + (capacity >> 20)
                                + " MB); send it in smaller parts; " + RAISED_BY);
            }
            if (!take(number, held, bytes, waitNanos)) {
                throw ServingException.of(
                        ServingException.Kind.BUSY,
                        "the server is busy with other large requests;" + " try again shortly; " + RAISED_BY);
            }
            held += bytes;
        }

        /**
         * Takes {@code bytes} more for an answer the server builds from a model's metadata (a card page, an OpenAPI
         * document), waiting up to {@link #WAIT} for room.
         *
         * @param what the answer, for the message ("the card page of model x")
         * @throws ServingException {@link ServingException.Kind#BUSY} when there is no room in time;
         *                          {@link ServingException.Kind#NO_ROOM} when the
         *                     answer alone needs more than the whole budget: the request is fine, the heap is small
         */
        public void growForAnswer(long bytes, String what) {
            if (held + bytes > capacity) {
                throw ServingException.of(
                        ServingException.Kind.NO_ROOM,
                        what + " needs about " + (bytes >> 20)
                                + " MB to build, more than this server gives one request (" + (capacity >> 20)
                                + " MB, a share of its heap); start the server with a larger heap (-Xmx) to serve it");
            }
            grow(bytes);
        }

        /** Takes {@code bytes} more only if there is room right now. */
        public boolean tryGrow(long bytes) {
            if (held + bytes > capacity || !take(number, held, bytes, 0)) {
                return false;
            }
            held += bytes;
            return true;
        }

        /** Gives back what is held past {@code bytes} (a built answer's own size, kept while it is written). */
        public void shrinkTo(long bytes) {
            if (held > bytes) {
                give(held - Math.max(0, bytes));
                held = Math.max(0, bytes);
            }
        }

        /** Gives back everything held so far (the reservation may grow again). */
        public void releaseAll() {
            if (held > 0) {
                give(held);
                held = 0;
            }
        }

        @Override
        public void close() {
            releaseAll();
        }

        /**
         * A body stream that grows this reservation by {@code bytesPerByte} for every byte read past the first
         * {@code free} ones, for parsers whose rows take a multiple of the body's size (small bodies, the common
         * case, cost nothing here).
         */
        public InputStream metered(InputStream body, long free, int bytesPerByte) {
            return metered(body, free, bytesPerByte, waitNanos);
        }

        /**
         * As {@link #metered}, for a body whose length is declared ({@code Content-Length}; negative when it is not,
         * as for a chunked or an inflated body: then exactly {@link #metered}): what all its bytes past the first
         * {@code free} will cost is taken before the first is read, waiting up to {@link #WAIT} for room while
         * holding none of it. Growing as the bytes arrive, two large bodies could each hold part of the budget while
         * waiting for the rest, until one gave up with 503 (issue 47: two clients of 2 MB batches were answered 10
         * times in 20 s). The container ends a body at its declared length, so nothing past it is counted again. A
         * body that would alone cost more than the whole budget is metered as it arrives, as before: it gets its 413
         * where it passes the budget, unless its parser refuses it sooner and says why (a row past a limit).
         */
        public InputStream meteredUpFront(InputStream body, long declared, long free, int bytesPerByte) {
            if (declared > free && held + (declared - free) * bytesPerByte <= capacity) {
                grow((declared - free) * bytesPerByte);
                return metered(body, declared, bytesPerByte);
            }
            return metered(body, free, bytesPerByte);
        }

        /**
         * As {@link #metered}, for a body read with the servlet API's non-blocking reads (gRPC's servlet transport):
         * there a wait would hold the container's thread while the stream's idle timeout runs, so a byte that finds
         * no room is refused at once, with the same 503 (or 413).
         */
        public InputStream meteredWithoutWaiting(InputStream body, long free, int bytesPerByte) {
            return metered(body, free, bytesPerByte, 0);
        }

        private InputStream metered(InputStream body, long free, int bytesPerByte, long waitNanos) {
            return new FilterInputStream(body) {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        counted(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    if (n > 0) {
                        counted(n);
                    }
                    return n;
                }

                private void counted(int n) {
                    long before = read;
                    read += n;
                    long over = Math.max(0, read - free) - Math.max(0, before - free);
                    if (over > 0) {
                        grow(over * bytesPerByte, waitNanos);
                    }
                }
            };
        }
    }
}
