package org.tabserve.launcher.output;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process's stdout and stderr while {@code java -jar} serves: the access log on stdout and the server's own log on
 * stderr (java.util.logging's records and the launcher's lines, in the order they come), each a {@link LineWriter},
 * so that no request, stop or other thread waits for a stream that nobody reads (a stalled log shipper, a paused
 * pager; docker and systemd often capture both in one pipe): a line a stream has no room for is dropped, counted, and
 * the first drop said once on stderr.
 */
public final class ProcessOutput {

    /** What is said once, on stderr, at the first access log line dropped. */
    public static final String ACCESS_LOG_DROPPING = "tabserve: the access log's output (stdout) takes no more lines"
            + " (a full pipe: is anything reading it?); its lines are dropped from now on while it does not, rather"
            + " than making requests wait, and counted in tabserve_access_log_dropped_total";
    /** What is said once on stderr, where its lines begin to be missing, at the first of the server's lines dropped. */
    public static final String LOG_DROPPING = "tabserve: the server's log (stderr) took no more lines (a full pipe:"
            + " is anything reading it?); lines are missing from here on while it does not, dropped rather than making"
            + " the threads that log them wait, and counted in tabserve_log_dropped_total";
    /** How long the launcher waits, as it exits, for stdout and stderr to take the last lines of both logs. */
    public static final Duration EXIT_FLUSH = Duration.ofSeconds(2);

    /** In the encoding of the console handler it replaces (the platform's default). */
    private static final LineWriter STDERR = new LineWriter(
            new FileOutputStream(FileDescriptor.err), Charset.defaultCharset(), "tabserve-log", LOG_DROPPING);
    /**
     * A few milliseconds' lines in one {@code write} (println makes two per line, and encodes through two buffers).
     * Jetty's access log line is ASCII except for what a client sent in its headers, written as UTF-8.
     */
    private static final LineWriter STDOUT = new LineWriter(
            new FileOutputStream(FileDescriptor.out),
            StandardCharsets.UTF_8,
            "tabserve-access-log",
            ACCESS_LOG_DROPPING,
            STDERR);

    private ProcessOutput() {}

    /** Writes an access log line on stdout; never waits. */
    public static void accessLog(String line) {
        STDOUT.write(line);
    }

    /**
     * Says a line of the launcher's on stderr ({@code tabserve: } and {@code line}), after the log's lines before it;
     * never waits.
     */
    public static void say(String line) {
        STDERR.write("tabserve: " + line);
    }

    /**
     * Has java.util.logging's records written on stderr through the server's log, each formatted as the root logger's
     * console handler that it replaces formatted it: for a launcher whose operator has not configured logging.
     */
    public static void takeOverConsoleLogging() {
        LineWriterHandler.replaceConsoleHandlers(STDERR, EXIT_FLUSH);
    }

    /** Hands both logs' queued lines to their streams, waiting at most {@link #EXIT_FLUSH} for both together. */
    public static void flush() {
        long deadline = System.nanoTime() + EXIT_FLUSH.toNanos();
        STDOUT.flush(EXIT_FLUSH);
        STDERR.flush(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /** Access log lines dropped because stdout took no more: read by the web app's /metrics. */
    public static AtomicLong accessLogDropped() {
        return STDOUT.dropped();
    }

    /** The server's log lines dropped because stderr took no more: read by the web app's /metrics. */
    public static AtomicLong logDropped() {
        return STDERR.dropped();
    }
}
