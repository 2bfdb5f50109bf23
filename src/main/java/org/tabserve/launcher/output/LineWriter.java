package org.tabserve.launcher.output;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes lines to a stream that may stall (stdout or stderr: a pipe that a stalled log shipper or a paused pager
 * stopped reading) from a thread of its own, a few milliseconds' lines in one {@code write}, so that no thread that
 * writes a line makes a system call for it or ever waits for the stream. The launcher's access log (stdout) and the
 * server's own log (stderr: java.util.logging's records, {@link LineWriterHandler}, and the launcher's lines) are
 * written by one each.
 * <p>
 * For the access log, a {@code write} per line was about 1.3 µs of each single-row request's 40 µs of CPU
 * (bench/RESULTS.notes.md, "Single-row CPU, round 4"), a lock held across each line's {@code write} made every request
 * thread queue behind one that the scheduler had paused mid-write, and a stream that took no more lines (stdout a full
 * pipe nobody read) held every request for ever (issue 61, finding 3); java.util.logging's console handler, which
 * writes stderr under a lock, held every thread that logged in the same way, and the stop that logs as it unloads.
 * <p>
 * A thread adds its line to a queue and goes on; the writer wakes when a line arrives after a quiet spell, waits
 * {@link #GATHER_NANOS} for the lines that follow it (unless a write's worth is queued already), and writes what is
 * queued, in writes of at most {@link #MAX_WRITE_BYTES}. So a line reaches the stream at most a few milliseconds after
 * it was written, whole, once, in the order the lines were queued. The queue is bounded: past
 * {@link #MAX_QUEUED_BYTES} (a stream that takes lines more slowly than they come: a full pipe, a stopped reader) a
 * line is dropped and counted ({@link #dropped()}), and the first drop is said once, by a notice queued past the bound
 * (on this stream, where the lines begin to be missing, or on another writer's); the thread never waits.
 * {@link #flush} hands what is queued to the writer before the launcher exits, waiting a bounded time for it.
 */
public final class LineWriter {

    /** Most bytes gathered into one write; more lines go in the next write. */
    public static final int MAX_WRITE_BYTES = 64 << 10;
    /** Most bytes of lines waiting for the writer; past it a line is dropped. */
    public static final int MAX_QUEUED_BYTES = 1 << 20;
    /** How long the writer gathers the lines that follow the first before it writes them. */
    static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final OutputStream out;
    private final Charset charset;
    /** The line said once, at the first line dropped, and the writer it is said on (this one or another). */
    private final String notice;

    private final LineWriter noticeOn;
    private final ConcurrentLinkedQueue<byte[]> pending = new ConcurrentLinkedQueue<>();
    /** Bytes of the lines in {@link #pending}, and of those being added to it. */
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Lines queued so far, and lines the writer has handed to the stream (or lost to its failure) so far. */
    private final AtomicLong queuedLines = new AtomicLong();

    private final AtomicLong handedLines = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean said = new AtomicBoolean();
    /** {@link #handedLines} when a flush last gave up waiting for the stream; -1 before any did. */
    private volatile long handedWhenGivenUp = -1;

    /** The writer's buffer, touched only by the writer's thread. */
    private byte[] buffer = new byte[8 << 10];

    private final Thread writer;
    /** Whether the writer is parked until a line arrives (the thread that queues one then wakes it). */
    private volatile boolean idle;

    /**
     * Starts the writer's daemon thread, which says its own drops on its own stream.
     *
     * @param charset the lines' encoding
     * @param thread  the writer thread's name
     * @param notice  the line said once, at the first line dropped, on this stream after the lines queued before it
     */
    public LineWriter(OutputStream out, Charset charset, String thread, String notice) {
        this(out, charset, thread, notice, null);
    }

    /**
     * Starts the writer's daemon thread, which says its drops on another writer's stream.
     *
     * @param noticeOn where {@code notice} is said (queued there past its bound: said although it is full), or null
     *                 for this writer's own stream
     */
    public LineWriter(OutputStream out, Charset charset, String thread, String notice, LineWriter noticeOn) {
        this.out = out;
        this.charset = charset;
        this.notice = notice;
        this.noticeOn = noticeOn == null ? this : noticeOn;
        this.writer = new Thread(this::run, thread);
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues {@code line} and a newline for the writer, or drops it when the queue is full; never waits. */
    public void write(String line) {
        byte[] bytes = (line + "\n").getBytes(charset);
        if (queuedBytes.addAndGet(bytes.length) > MAX_QUEUED_BYTES) {
            queuedBytes.addAndGet(-bytes.length);
            dropped.incrementAndGet();
            if (said.compareAndSet(false, true)) {
                noticeOn.queuePastBound(notice);
            }
            return;
        }
        queue(bytes);
    }

    /** Queues a notice however full the queue is: said once by each writer, so at most a line or two past the bound. */
    private void queuePastBound(String line) {
        byte[] bytes = (line + "\n").getBytes(charset);
        queuedBytes.addAndGet(bytes.length);
        queue(bytes);
    }

    /** Queues {@code bytes}, already counted in {@link #queuedBytes}, and wakes the writer if it is idle. */
    private void queue(byte[] bytes) {
        queuedLines.incrementAndGet(); // before the line is in the queue: a flush that counts it waits for it
        pending.add(bytes);
        if (idle) {
            LockSupport.unpark(writer);
        }
    }

    /**
     * Wakes the writer to write every line queued before the call (while no line is being queued) and waits for it,
     * at most {@code wait}: the launcher's last acts, which a stream that takes no more lines must not hold. Once a
     * flush has given up, the next waits at most a second for a stream that has taken nothing since, unless it takes a
     * line meanwhile (the launcher's flush and then java.util.logging's own, as the JVM shuts down, would otherwise
     * wait twice).
     *
     * @return whether those lines were handed to the stream in time
     */
    public boolean flush(Duration wait) {
        long target = queuedLines.get();
        long start = System.nanoTime();
        long deadline = start + wait.toNanos();
        long givenUp = handedWhenGivenUp;
        // A stream still stuck where the last flush gave up gets a short look only; one that takes a line meanwhile
        // (just released: its write returning as this begins) gets the whole wait again.
        boolean stuck = givenUp >= 0 && handedLines.get() == givenUp;
        long stuckDeadline = start + Math.min(wait.toNanos(), STILL_STUCK_NANOS);
        while (handedLines.get() < target) {
            long now = System.nanoTime();
            if (stuck && handedLines.get() != givenUp) {
                stuck = false;
            }
            if (now - deadline >= 0 || (stuck && now - stuckDeadline >= 0)) {
                handedWhenGivenUp = handedLines.get();
                return false;
            }
            LockSupport.unpark(writer);
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    /** How long a flush looks at a stream that has taken nothing since the last flush gave up. */
    private static final long STILL_STUCK_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Lines dropped because the queue was full: read by the web app's /metrics. */
    public AtomicLong dropped() {
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
            // the stream closed: as println would, drop the lines rather than fail the threads that wrote them
        }
    }
}
