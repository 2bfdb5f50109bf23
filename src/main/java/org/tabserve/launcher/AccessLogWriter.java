package org.tabserve.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes access log lines to a stream from a thread of its own, a few milliseconds' lines in one {@code write}, so
 * that no request thread makes a system call for its line or waits for another's: a {@code write} per line was about
 * 1.3 µs of each single-row request's 40 µs of CPU (bench/RESULTS.notes.md, "Single-row CPU, round 4"), and a lock
 * held across each line's {@code write}, before that, made every request thread queue behind one that the scheduler
 * had paused mid-write (on one CPU at 64 connections, 2.5 % of requests waited over 10 ms for it).
 * <p>
 * A request thread adds its line to a queue and goes on; the writer wakes when a line arrives after a quiet spell,
 * waits {@link #GATHER_NANOS} for the lines that follow it, and writes what is queued, in writes of at most
 * {@link #MAX_WRITE_BYTES}. So a line reaches the stream at most a few milliseconds after its request ended, whole,
 * once, in the order the requests ended. The queue is bounded: past {@link #MAX_QUEUED_BYTES} (a stream that takes
 * lines more slowly than requests end: a full pipe, a stopped reader) a request thread writes the queue itself,
 * waiting for the stream as {@code println} would, rather than letting the heap fill. {@link #flush()} writes what is
 * queued before the launcher exits.
 */
final class AccessLogWriter {

    /** Most bytes gathered into one write; more lines go in the next write. */
    static final int MAX_WRITE_BYTES = 64 << 10;
    /** Most bytes of lines waiting for the writer; past it the request thread writes them itself. */
    static final int MAX_QUEUED_BYTES = 1 << 20;
    /** How long the writer gathers the lines that follow the first before it writes them. */
    static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final OutputStream out;
    private final ConcurrentLinkedQueue<byte[]> pending = new ConcurrentLinkedQueue<>();
    /** Bytes of the lines in {@link #pending}. */
    private final AtomicLong queuedBytes = new AtomicLong();

    private final ReentrantLock writing = new ReentrantLock();
    /** The writer's buffer, touched only while {@link #writing} is held. */
    private byte[] buffer = new byte[8 << 10];

    private final Thread writer;
    /** Whether the writer is parked until a line arrives (a request thread then wakes it). */
    private volatile boolean idle;

    /** Starts the writer's daemon thread, {@code tabserve-access-log}. */
    AccessLogWriter(OutputStream out) {
        this.out = out;
        this.writer = new Thread(this::run, "tabserve-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues {@code line} and a newline for the writer (or writes the queue now when it is past its bound). */
    void write(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        pending.add(bytes);
        if (queuedBytes.addAndGet(bytes.length) > MAX_QUEUED_BYTES) {
            flush(); // the stream is slower than the requests: wait for it, as println would
        } else if (idle) {
            LockSupport.unpark(writer);
        }
    }

    /** Writes every line queued before the call, waiting for a write under way; the launcher's last act. */
    void flush() {
        writing.lock();
        try {
            drain();
        } finally {
            writing.unlock();
        }
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
            LockSupport.parkNanos(this, GATHER_NANOS); // the lines of the next few milliseconds go in the same write
            try {
                flush();
            } catch (RuntimeException e) {
                // not the stream's (send drops those): the next round, or a request past the bound, writes the queue
            }
        }
    }

    /** Writes what is queued, in writes of at most {@link #MAX_WRITE_BYTES} (or of one longer line). */
    private void drain() {
        byte[] next = pending.poll();
        while (next != null) {
            int length = 0;
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
            } while ((next = pending.poll()) != null);
            queuedBytes.addAndGet(-length);
            send(length);
        }
    }

    private void send(int length) {
        try {
            out.write(buffer, 0, length);
        } catch (IOException e) {
            // stdout closed or full: as println would, drop the lines rather than fail the requests
        }
    }
}
