package org.tabserve.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Writes access log lines to a stream from a thread of its own, a few milliseconds' lines in one {@code write}, so
 * that no request thread makes a system call for its line or ever waits for the stream: a {@code write} per line was
 * about 1.3 µs of each single-row request's 40 µs of CPU (bench/RESULTS.notes.md, "Single-row CPU, round 4"), a lock
 * held across each line's {@code write} made every request thread queue behind one that the scheduler had paused
 * mid-write, and a stream that took no more lines (stdout a full pipe nobody read) held every request for ever
 * (issue 61, finding 3).
 * <p>
 * A request thread adds its line to a queue and goes on; the writer wakes when a line arrives after a quiet spell,
 * waits {@link #GATHER_NANOS} for the lines that follow it (unless a write's worth is queued already), and writes
 * what is queued, in writes of at most
 * {@link #MAX_WRITE_BYTES}. So a line reaches the stream at most a few milliseconds after its request ended, whole,
 * once, in the order the requests ended. The queue is bounded: past {@link #MAX_QUEUED_BYTES} (a stream that takes
 * lines more slowly than requests end: a full pipe, a stopped reader) a request's line is dropped and counted
 * ({@link #dropped()}), and the first drop is said once; the request thread never waits. {@link #flush} hands what is
 * queued to the writer before the launcher exits, waiting a bounded time for it.
 */
final class AccessLogWriter {

    /** Most bytes gathered into one write; more lines go in the next write. */
    static final int MAX_WRITE_BYTES = 64 << 10;
    /** Most bytes of lines waiting for the writer; past it a line is dropped. */
    static final int MAX_QUEUED_BYTES = 1 << 20;
    /** How long the writer gathers the lines that follow the first before it writes them. */
    static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** What is said, once, at the first line dropped. */
    static final String DROPPING = "the access log's output (stdout) takes no more lines (a full pipe: is anything"
            + " reading it?); its lines are dropped from now on while it does not, rather than making requests wait,"
            + " and counted in tabserve_access_log_dropped_total";

    private final OutputStream out;
    private final Consumer<String> notice;
    private final ConcurrentLinkedQueue<byte[]> pending = new ConcurrentLinkedQueue<>();
    /** Bytes of the lines in {@link #pending}, and of those being added to it. */
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Lines queued so far, and lines the writer has handed to the stream (or lost to its failure) so far. */
    private final AtomicLong queuedLines = new AtomicLong();

    private final AtomicLong handedLines = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean said = new AtomicBoolean();

    /** The writer's buffer, touched only by the writer's thread. */
    private byte[] buffer = new byte[8 << 10];

    private final Thread writer;
    /** Whether the writer is parked until a line arrives (a request thread then wakes it). */
    private volatile boolean idle;

    /**
     * Starts the writer's daemon thread, {@code tabserve-access-log}.
     *
     * @param notice told {@link #DROPPING} once, at the first line dropped, on the request's thread: it must not wait
     *               (for a stream that may be as full as this one)
     */
    AccessLogWriter(OutputStream out, Consumer<String> notice) {
        this.out = out;
        this.notice = notice;
        this.writer = new Thread(this::run, "tabserve-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues {@code line} and a newline for the writer, or drops it when the queue is full; never waits. */
    void write(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (queuedBytes.addAndGet(bytes.length) > MAX_QUEUED_BYTES) {
            queuedBytes.addAndGet(-bytes.length);
            dropped.incrementAndGet();
            if (said.compareAndSet(false, true)) {
                notice.accept(DROPPING);
            }
            return;
        }
        queuedLines.incrementAndGet(); // before the line is in the queue: a flush that counts it waits for it
        pending.add(bytes);
        if (idle) {
            LockSupport.unpark(writer);
        }
    }

    /**
     * Wakes the writer to write every line queued before the call (while no line is being queued) and waits for it,
     * at most {@code wait}: the launcher's last act, which a stream that takes no more lines must not hold.
     *
     * @return whether those lines were handed to the stream in time
     */
    boolean flush(Duration wait) {
        long target = queuedLines.get();
        long deadline = System.nanoTime() + wait.toNanos();
        while (handedLines.get() < target) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.unpark(writer);
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    /** Lines dropped because the queue was full: read by the web app's /metrics. */
    AtomicLong dropped() {
        return dropped;
    }

    /** Bytes of the lines queued and not yet taken by a write (for tests). */
    long queuedBytes() {
        return queuedBytes.get();
    }

    private void run() {
        while (true) {
            if (pending.isEmpty()) {
                // Then looks again: a line added before idle was set was seen by the look, one added after sees idle.
                idle = true;
                if (pending.isEmpty()) {
                    LockSupport.park(this);
                }
                idle = false;
                continue;
            }
            if (queuedBytes.get() < MAX_WRITE_BYTES) {
                LockSupport.parkNanos(this, GATHER_NANOS); // the next few milliseconds' lines go in the same write
            } // else a write's worth is already waiting: written now, so that a burst does not fill the queue
            try {
                drain();
            } catch (RuntimeException e) {
                // not the stream's (send drops those): the next round writes the queue
            }
        }
    }

    /** Writes what is queued, in writes of at most {@link #MAX_WRITE_BYTES} (or of one longer line). */
    private void drain() {
        byte[] next = pending.poll();
        while (next != null) {
            int length = 0;
            int lines = 0;
            do {
                if (length > 0 && length + next.length > MAX_WRITE_BYTES) {
                    break; // it starts the next write
                }
                if (length + next.length > buffer.length) {
                    byte[] larger =
                            new byte[Math.max(length + next.length, Math.min(2 * buffer.length, MAX_WRITE_BYTES))];
                    System.arraycopy(buffer, 0, larger, 0, length);
                    buffer = larger;
                }
                System.arraycopy(next, 0, buffer, length, next.length);
                length += next.length;
                lines++;
            } while ((next = pending.poll()) != null);
            queuedBytes.addAndGet(-length);
            send(length);
            handedLines.addAndGet(lines);
        }
    }

    private void send(int length) {
        try {
            out.write(buffer, 0, length);
        } catch (IOException e) {
            // stdout closed: as println would, drop the lines rather than fail the requests
        }
    }
}
