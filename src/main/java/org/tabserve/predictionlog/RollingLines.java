package org.tabserve.predictionlog;

import ch.qos.logback.core.ContextBase;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The log's files, rotated by size with logback's rolling appender, used on its own (not as a logging backend):
 * {@code predictions.jsonl} is written until it passes the size, then becomes {@code predictions.1.jsonl.gz} (the
 * older ones shift up, the oldest past the count is deleted). The one class that names logback: its errors (a full
 * disk) are counted and said through {@code problems}, never thrown at the writer.
 */
final class RollingLines implements AutoCloseable {

    /** The file being written. */
    static final String ACTIVE = "predictions.jsonl";

    private final ContextBase context = new ContextBase();
    private final RollingFileAppender<byte[]> appender = new RollingFileAppender<>();
    private final AtomicLong errors = new AtomicLong();
    private final Consumer<String> problems;

    /**
     * @param problems told each error logback reports (rolling over, writing), in words
     * @throws IOException when the directory cannot be made or written, so that the server does not start with a log
     *                     that writes nothing
     */
    RollingLines(PredictionLogOptions options, Consumer<String> problems) throws IOException {
        this.problems = problems;
        Path directory = options.directory().toAbsolutePath();
        Files.createDirectories(directory);
        if (!Files.isWritable(directory)) {
            throw new IOException("the prediction log's directory " + directory + " is not writable by this process");
        }
        context.getStatusManager().add((Status status) -> {
            if (status.getLevel() >= Status.WARN) { // a status listener: logback tells its errors here
                errors.incrementAndGet();
                problems.accept(status.getMessage() + (status.getThrowable() == null ? ""
                        : ": " + status.getThrowable().getMessage()));
            }
        });
        appender.setContext(context);
        appender.setName("prediction-log");
        appender.setFile(directory.resolve(ACTIVE).toString());
        appender.setAppend(true);
        // Buffered: the writer flushes whenever the queue is empty (flush()), so under load many batches go in one
        // write, and when idle nothing stays in the buffer for long.
        appender.setImmediateFlush(false);
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(directory.resolve("predictions.%i.jsonl.gz").toString());
        rolling.setMinIndex(1);
        rolling.setMaxIndex(options.maxFiles());
        rolling.start();
        SizeBasedTriggeringPolicy<byte[]> size = new SizeBasedTriggeringPolicy<>();
        size.setContext(context);
        size.setMaxFileSize(new FileSize(options.maxFileBytes()));
        size.setCheckIncrement(Duration.buildByMilliseconds(0)); // look at the size on every batch, not once a minute
        size.start();
        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(size);
        appender.setEncoder(new Bytes());
        appender.start();
        if (!appender.isStarted()) {
            throw new IOException("the prediction log could not open " + directory.resolve(ACTIVE) + " (see above)");
        }
    }

    /** Appends {@code lines} (whole lines, each ending in a newline), rolling the file over first when it is full. */
    void append(byte[] lines) {
        appender.doAppend(lines);
    }

    /** Writes what is buffered to the file. */
    void flush() {
        try {
            appender.getOutputStream().flush();
        } catch (IOException | RuntimeException e) {
            errors.incrementAndGet();
            problems.accept("flushing " + ACTIVE + ": " + e.getMessage());
        }
    }

    /** @return how many errors logback reported */
    long errors() {
        return errors.get();
    }

    @Override
    public void close() {
        appender.stop();
        context.stop();
    }

    /** Writes the bytes as they are: the lines are JSON already. */
    private static final class Bytes extends EncoderBase<byte[]> {
        @Override
        public byte[] headerBytes() {
            return null;
        }

        @Override
        public byte[] encode(byte[] lines) {
            return lines;
        }

        @Override
        public byte[] footerBytes() {
            return null;
        }
    }
}
