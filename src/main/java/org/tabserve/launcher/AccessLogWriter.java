package org.tabserve.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes access log lines to a stream without making request threads wait for one another: a thread whose line
 * finds the stream busy leaves it in a queue and goes on, and the thread writing drains the queue in the same
 * {@code write} call before it lets go. A lock held across each line's {@code write}, as before, made every request
 * thread queue behind one that the scheduler had paused mid-write: on one CPU at 64 connections, 2.5 % of requests
 * waited over 10 ms for it (median 43 ms, JFR's {@code jdk.JavaMonitorEnter}), which was tabserve's p99.
 * <p>
 * No line waits for a later request: a thread adds its line before it tries the lock, and the writer looks at the
 * queue again after letting go, so a line added while it wrote is written by it or by the thread that added it.
 * Lines are written whole, each once, in the order the writer takes them (about the order requests end).
 */
final class AccessLogWriter {

    /** Most bytes gathered into one write; more lines wait for the writer's next round. */
    static final int MAX_WRITE_BYTES = 64 << 10;

    private final OutputStream out;
    private final ConcurrentLinkedQueue<byte[]> pending = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();
    /** The writer's buffer, touched only while {@link #writing} is held. */
    private byte[] buffer = new byte[8 << 10];

    AccessLogWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes {@code line} and a newline, now or as part of a write that another thread is making. */
    void write(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        pending.add(bytes);
        while (writing.tryLock()) {
            try {
                drain();
            } finally {
                writing.unlock();
            }
            if (pending.isEmpty()) {
                return;
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
