package org.tabserve.launcher;

import org.eclipse.jetty.server.RequestLog;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes access log lines to stdout off the request threads: a request only queues its line, and one daemon thread
 * writes whatever has queued up as one block and flushes once. Writing each line from the request thread put a
 * synchronized, flushed {@code println} (one system call) on every request's path. The queue is bounded; a full
 * queue makes requests wait for the writer rather than lose lines. {@link #close()} writes what is left.
 */
final class AccessLogWriter implements RequestLog.Writer, AutoCloseable {

    private static final int CAPACITY = 65_536;

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final PrintStream out;
    private final Thread thread;
    private volatile boolean closed;

    AccessLogWriter(PrintStream out) {
        this.out = out;
        this.thread = new Thread(this::drainUntilClosed, "tabserve-access-log");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void write(String line) {
        if (closed) {
            out.println(line);
            return;
        }
        try {
            queue.put(line);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println(line);
        }
    }

    private void drainUntilClosed() {
        List<String> lines = new ArrayList<>();
        StringBuilder block = new StringBuilder();
        while (!closed || !queue.isEmpty()) {
            try {
                String first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                lines.add(first);
            } catch (InterruptedException e) {
                // close() interrupts a waiting writer; the loop condition decides whether to go on
            }
            queue.drainTo(lines);
            writeBlock(lines, block);
        }
    }

    private synchronized void writeBlock(List<String> lines, StringBuilder block) {
        if (lines.isEmpty()) {
            return;
        }
        block.setLength(0);
        for (String line : lines) {
            block.append(line).append(System.lineSeparator());
        }
        lines.clear();
        out.print(block);
        out.flush();
    }

    /** Stops the writer thread after it has written every queued line. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> rest = new ArrayList<>();
        queue.drainTo(rest);
        writeBlock(rest, new StringBuilder());
    }
}
