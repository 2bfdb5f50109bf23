package org.tabserve.launcher.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * java.util.logging's records through a {@link LineWriter} in place of the root logger's console handler: each reads
 * as the console handler wrote it, and no thread that logs waits for a stream that takes nothing (issue 61, finding
 * 3: a request thread's warning, or the stop's, held on a stderr nobody read).
 */
class LineWriterHandlerTest {

    private static final Logger ROOT = Logger.getLogger("");
    private static final Logger LOG = Logger.getLogger(LineWriterHandlerTest.class.getName());

    private List<Handler> before;

    @BeforeEach
    void keepTheRootsHandlers() {
        before = List.of(ROOT.getHandlers());
    }

    @AfterEach
    void restoreTheRootsHandlers() {
        for (Handler handler : ROOT.getHandlers()) {
            ROOT.removeHandler(handler);
        }
        before.forEach(ROOT::addHandler);
    }

    @Test
    void eachRecordReadsAsTheConsoleHandlerItReplacesWroteIt() {
        ConsoleHandler console = new ConsoleHandler();
        console.setLevel(Level.INFO);
        Formatter formatter = console.getFormatter();
        before.forEach(ROOT::removeHandler);
        ROOT.addHandler(console);
        LineWriterTest.Recording out = new LineWriterTest.Recording();
        LineWriter lines = new LineWriter(out, StandardCharsets.UTF_8, "test-log", "dropped");

        assertEquals(1, LineWriterHandler.replaceConsoleHandlers(lines, Duration.ofSeconds(30)));
        Handler[] handlers = ROOT.getHandlers();
        assertEquals(1, handlers.length);
        assertTrue(handlers[0] instanceof LineWriterHandler, handlers[0].toString());
        assertEquals(Level.INFO, handlers[0].getLevel(), "the console handler's level");
        assertEquals(formatter, handlers[0].getFormatter(), "the console handler's formatter");

        LogRecord warning = record(Level.WARNING, "version 1 unloaded: é", null);
        LogRecord severe = record(Level.SEVERE, "unexpected", new IllegalStateException("with its stack trace"));
        LogRecord fine = record(Level.FINE, "below the console handler's level", null);
        LOG.log(warning);
        LOG.log(severe);
        LOG.log(fine);
        assertTrue(lines.flush(Duration.ofSeconds(30)));
        String expected = formatter.format(warning) + formatter.format(severe);
        assertTrue(expected.contains("\tat "), "a record of several lines: " + expected);
        assertTrue(out.text().contains(expected), "as the console handler wrote them:\n" + out.text());
        assertTrue(!out.text().contains(fine.getMessage()), out.text());
    }

    @Test
    void noThreadThatLogsWaitsForAStreamThatTakesNothing() throws Exception {
        before.forEach(ROOT::removeHandler);
        ROOT.addHandler(new ConsoleHandler());
        LineWriterTest.Stalling out = new LineWriterTest.Stalling();
        LineWriter lines = new LineWriter(out, StandardCharsets.UTF_8, "test-log", "lines are missing from here");
        LineWriterHandler.replaceConsoleHandlers(lines, Duration.ofMillis(100));
        LOG.warning("first");
        assertTrue(out.inWrite.await(30, TimeUnit.SECONDS), "the log's thread is held in its first write");
        String padding = "x".repeat(6_000);
        int records = LineWriter.MAX_QUEUED_BYTES / padding.length() + 100;
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    for (int i = 0; i < records; i++) {
                        LOG.warning(i + " " + padding);
                    }
                },
                "a thread that logged waited for the stream");
        assertTrue(lines.dropped().get() >= 100, lines.dropped() + " of " + records + " records dropped");
        long start = System.nanoTime();
        for (Handler handler : ROOT.getHandlers()) {
            handler.close(); // as java.util.logging does at the JVM's shutdown
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "the close waited for the stream");
        out.releaseAndAwait();
        assertTrue(lines.flush(Duration.ofSeconds(30)));
        assertTrue(out.text().contains("lines are missing from here\n"), "the drops said on the stream");
    }

    private static LogRecord record(Level level, String message, Throwable thrown) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName(LOG.getName());
        record.setInstant(Instant.parse("2026-11-26T18:35:28Z"));
        record.setThrown(thrown);
        return record;
    }
}
