package org.tabserve.predictionlog;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Optional payload logging ({@code --prediction-log DIR}): the scoring path only decides whether its request is
 * sampled and offers its scored batch to a queue bounded in rows and in the heap its batches hold, never waiting; one
 * daemon thread writes the rows as JSON Lines ({@link PredictionLines}) to size-rotated files ({@link RollingLines}).
 * What the queue cannot take is dropped and counted in {@code /metrics} (and said when dropping begins), as are the
 * rows written, the rows a failed write lost and the errors.
 */
public final class PredictionLog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PredictionLog.class.getName());
    /** What {@link #off()} is: nothing sampled, nothing written. */
    private static final PredictionLog OFF = new PredictionLog();
    /** The most bytes of lines gathered from queued batches into one write (more when one batch is larger). */
    static final int WRITE_BYTES = 256 << 10;

    private final PredictionLogOptions options;
    private final long queueBytes;
    private final DoubleSupplier random;
    private final BlockingQueue<Queued> queue;
    private final AtomicLong queuedRows = new AtomicLong();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong writtenRows = new AtomicLong();
    private final AtomicLong droppedRows = new AtomicLong();
    private final AtomicLong failedRows = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    /** Whether batches are being dropped: said once when it begins, again once the queue has emptied. */
    private final AtomicBoolean dropping = new AtomicBoolean();

    private final RollingLines files;
    private final PredictionLines lines;
    private final Thread writer;
    private volatile boolean closing;
    /** Whether the last write failed (the writer's own): a failure is said when it begins and when it ends. */
    private boolean failing;

    /** A batch waiting for the writer, with the heap it was counted as holding. */
    private record Queued(ScoredCall call, long bytes) {}

    private PredictionLog() {
        options = null;
        queueBytes = 0;
        random = () -> 1;
        queue = null;
        files = null;
        lines = null;
        writer = null;
    }

    private PredictionLog(PredictionLogOptions options, long queueBytes, DoubleSupplier random) throws IOException {
        if (queueBytes < 1) {
            throw new IllegalArgumentException("the queue's bound must be positive, found " + queueBytes);
        }
        this.options = options;
        this.queueBytes = queueBytes;
        this.random = random;
        this.queue = new ArrayBlockingQueue<>(Math.min(options.queueRows(), 65_536));
        this.files = new RollingLines(options, problem -> {
            errors.incrementAndGet();
            LOG.warning("prediction log: " + problem);
        });
        this.lines = new PredictionLines(options.mask());
        this.writer = new Thread(this::write, "tabserve-prediction-log");
        writer.setDaemon(true);
        writer.start();
        LOG.info("prediction log: writing "
                + (options.sample() == 1 ? "every request" : "a share " + options.sample() + " of requests") + " to "
                + options.directory().toAbsolutePath().resolve(RollingLines.ACTIVE)
                + (options.mask().isEmpty() ? "" : ", without the values of " + options.mask())
                + "; at most " + options.queueRows() + " rows and " + (queueBytes >> 10) + " KiB wait for the disk");
    }

    /** @return a log that logs nothing, for a server started without {@code --prediction-log} */
    public static PredictionLog off() {
        return OFF;
    }

    /**
     * Starts the log and its writer thread.
     *
     * @param queueBytes the most heap the batches waiting for the writer may hold (see {@link ScoredCall#heldBytes}):
     *                   the web app's share of its memory budget for them, or {@link PredictionLogOptions#queueBytes}
     * @throws IOException when its directory cannot be made or written, or another server writes it
     */
    public static PredictionLog start(PredictionLogOptions options, long queueBytes) throws IOException {
        return new PredictionLog(
                options, queueBytes, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** {@link #start}, sampling with {@code random} (values in [0, 1)), so that a test can choose what is sampled. */
    static PredictionLog start(PredictionLogOptions options, long queueBytes, DoubleSupplier random)
            throws IOException {
        return new PredictionLog(options, queueBytes, random);
    }

    /** @return whether a request is to be logged: drawn once per request, so that a request is logged whole or not */
    public boolean sampled() {
        return options != null && (options.sample() >= 1 || random.getAsDouble() < options.sample());
    }

    /**
     * Hands a sampled request's scored batch to the writer, without waiting: when the rows waiting, or the heap they
     * hold, would pass the queue's bounds (the writer is behind, the disk is slow or stalled), the batch is dropped
     * and counted instead.
     */
    public void offer(ScoredCall call) {
        if (options == null || closing) {
            return;
        }
        int rows = call.batch().size();
        long bytes = call.heldBytes();
        boolean overRows = queuedRows.addAndGet(rows) > options.queueRows();
        boolean overBytes = queuedBytes.addAndGet(bytes) > queueBytes;
        if (overRows || overBytes || !queue.offer(new Queued(call, bytes))) {
            queuedRows.addAndGet(-rows);
            queuedBytes.addAndGet(-bytes);
            droppedRows.addAndGet(rows);
            if (dropping.compareAndSet(false, true)) {
                LOG.warning("prediction log: the writer is behind (" + queuedRows.get() + " rows, "
                        + (queuedBytes.get() >> 10) + " KiB waiting; the bounds are " + PredictionLogOptions.QUEUE_ROWS
                        + " = " + options.queueRows() + " and " + PredictionLogOptions.QUEUE_BYTES + " = "
                        + (queueBytes >> 10) + " KiB): requests are not logged until it catches up; counted in"
                        + " tabserve_prediction_log_rows_total{outcome=\"dropped\"}");
            }
        }
    }

    /** Registers the log's counters in {@code registry} (none when the log is off). */
    public void register(PrometheusRegistry registry) {
        if (options == null) {
            return;
        }
        CounterWithCallback.builder()
                .name("tabserve_prediction_log_rows")
                .help("Rows of sampled requests, by what became of them: written to the prediction log, dropped"
                        + " because the rows waiting for the writer were at its bounds (rows or bytes), or failed:"
                        + " lost to a write that failed")
                .labelNames("outcome")
                .callback(callback -> {
                    callback.call(writtenRows.get(), "written");
                    callback.call(droppedRows.get(), "dropped");
                    callback.call(failedRows.get(), "failed");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("tabserve_prediction_log_errors")
                .help("Errors writing or rolling over the prediction log's files, or its file found deleted or"
                        + " replaced (each said in the server's log)")
                .callback(callback -> callback.call(errors.get()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("tabserve_prediction_log_queued_rows")
                .help("Rows waiting for the prediction log's writer")
                .callback(callback -> callback.call(queuedRows.get()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("tabserve_prediction_log_queued_bytes")
                .help("Heap the rows waiting for the prediction log's writer hold, estimated; at most "
                        + PredictionLogOptions.QUEUE_BYTES)
                .callback(callback -> callback.call(queuedBytes.get()))
                .register(registry);
    }

    /** @return rows written so far */
    long writtenRows() {
        return writtenRows.get();
    }

    /** @return rows dropped so far */
    long droppedRows() {
        return droppedRows.get();
    }

    /** @return the heap the batches waiting for the writer hold, as estimated */
    long queuedBytes() {
        return queuedBytes.get();
    }

    /** @return rows lost to failed writes so far */
    long failedRows() {
        return failedRows.get();
    }

    /** @return errors so far */
    long errors() {
        return errors.get();
    }

    private void write() {
        Lines buffer = new Lines();
        while (!closing || !queue.isEmpty()) {
            Queued next;
            try {
                next = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (next == null) {
                dropping.set(false);
                continue;
            }
            buffer.reset();
            long rows = 0;
            do { // the batches waiting go out together, in writes of about WRITE_BYTES
                ScoredCall call = next.call();
                int before = buffer.size();
                try {
                    lines.write(call, buffer);
                    rows += Math.min(call.batch().size(), call.predictions().size());
                } catch (RuntimeException e) {
                    buffer.truncate(before); // no half line
                    errors.incrementAndGet();
                    failedRows.addAndGet(call.batch().size());
                    LOG.log(Level.WARNING, "prediction log: a batch of " + call.model() + " could not be written", e);
                } finally {
                    queuedRows.addAndGet(-call.batch().size());
                    queuedBytes.addAndGet(-next.bytes());
                }
            } while (buffer.size() < WRITE_BYTES && (next = queue.poll()) != null);
            append(buffer, rows);
            if (buffer.size() > (1 << 20)) {
                buffer = new Lines(); // a big batch's buffer is not kept for the small ones
            }
        }
    }

    /** Writes the gathered lines; their rows count as written only once the write returned, as failed otherwise. */
    private void append(Lines buffer, long rows) {
        if (buffer.size() == 0) {
            return;
        }
        try {
            files.append(buffer.bytes(), buffer.size());
            writtenRows.addAndGet(rows);
            if (failing) {
                failing = false;
                LOG.info("prediction log: writing again after failed writes (" + failedRows.get() + " rows lost"
                        + " in all)");
            }
        } catch (IOException e) {
            errors.incrementAndGet();
            failedRows.addAndGet(rows);
            if (!failing) { // said once until a write succeeds again, not for every batch of a full disk
                failing = true;
                LOG.warning("prediction log: writing to " + options.directory().toAbsolutePath() + " failed (" + e
                        + "); rows are lost and counted in tabserve_prediction_log_rows_total{outcome=\"failed\"}"
                        + " until a write succeeds again");
            }
        }
    }

    /** Writes what is queued (for at most a few seconds), then closes the files; later offers are ignored. */
    @Override
    public void close() {
        if (options == null) {
            return;
        }
        closing = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.warning("prediction log: " + queuedRows.get() + " rows were still waiting at shutdown and are lost");
            writer.interrupt();
        }
        files.close();
    }

    /** The writer's buffer of lines, handed to the file without a copy. */
    private static final class Lines extends ByteArrayOutputStream {
        Lines() {
            super(8192);
        }

        byte[] bytes() {
            return buf;
        }

        void truncate(int size) {
            count = size;
        }
    }
}
