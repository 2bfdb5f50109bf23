package org.tabserve.launcher.output;

import java.time.Duration;
import java.util.logging.ConsoleHandler;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Hands java.util.logging's records to a {@link LineWriter}, in place of the root logger's console handler and with
 * its level, filter and formatter, so that each record reads as it did on stderr while no thread that logs (a request
 * thread's warning, the stop's "unloaded") waits for a stderr that nobody reads, as the console handler's writes under
 * its lock did (issue 61, finding 3).
 */
public final class LineWriterHandler extends Handler {

    private final LineWriter lines;
    private final Duration closeWait;

    private LineWriterHandler(LineWriter lines, Duration closeWait) {
        this.lines = lines;
        this.closeWait = closeWait;
    }

    /**
     * Replaces each console handler of the root logger (the JDK's own logging configuration gives it one, on stderr)
     * with one on {@code lines} that keeps its level, filter and formatter.
     *
     * @param closeWait how long {@link #close()}, as the JVM shuts down, waits for {@code lines} to reach the stream
     * @return how many were replaced
     */
    public static int replaceConsoleHandlers(LineWriter lines, Duration closeWait) {
        Logger root = Logger.getLogger("");
        int replaced = 0;
        for (Handler handler : root.getHandlers()) {
            if (handler instanceof ConsoleHandler console) {
                LineWriterHandler instead = new LineWriterHandler(lines, closeWait);
                instead.setLevel(console.getLevel());
                instead.setFilter(console.getFilter());
                instead.setFormatter(console.getFormatter());
                root.removeHandler(console);
                root.addHandler(instead);
                replaced++;
            }
        }
        return replaced;
    }

    /** Formats {@code record} on the caller's thread, as the console handler did, and queues it; never waits. */
    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String text;
        try {
            text = getFormatter().format(record);
        } catch (RuntimeException e) {
            reportError(null, e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        // The writer ends each line; a record's stack trace stays inside its one line, whole.
        lines.write(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
    }

    /** Does nothing: the writer writes within milliseconds, and nothing may wait for the stream. */
    @Override
    public void flush() {}

    /**
     * Waits at most the wait given for the records queued to reach the stream: java.util.logging closes its handlers
     * as the JVM shuts down.
     */
    @Override
    public void close() {
        lines.flush(closeWait);
    }
}
