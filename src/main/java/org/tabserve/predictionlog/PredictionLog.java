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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Optional payload logging ({@code --prediction-log DIR}): the scoring path only decides whether its request is
 * sampled and offers its scored batch to a bounded queue, never waiting; one daemon thread writes the rows as JSON Lines
 * ({@link PredictionLines}) to size-rotated files ({@link RollingLines}). What the queue cannot take is dropped and
 * counted in {@code /metrics}, as are the rows written and the write errors.
 */
public final class PredictionLog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PredictionLog.class.getName());
    /** What {@link #off()} is: nothing sampled, nothing written. */
    private static final PredictionLog OFF = new PredictionLog();

    private final PredictionLogOptions options;
    private final DoubleSupplier random;
    private final BlockingQueue<ScoredCall> queue;
    private final AtomicLong queuedRows = new AtomicLong();
    private final AtomicLong writtenRows = new AtomicLong();
    private final AtomicLong droppedRows = new AtomicLong();
    private final RollingLines files;
    private final PredictionLines lines;
    private final Thread writer;
    private volatile boolean closing;

    private PredictionLog() {
        options = null;
        random = () -> 1;
        queue = null;
        files = null;
        lines = null;
        writer = null;
    }

    private PredictionLog(PredictionLogOptions options, DoubleSupplier random) throws IOException {
        this.options = options;
        this.random = random;
        this.queue = new ArrayBlockingQueue<>(Math.min(options.queueRows(), 65_536));
        this.files = new RollingLines(options, problem -> LOG.warning("prediction log: " + problem));
        this.lines = new PredictionLines(options.mask());
        this.writer = new Thread(this::write, "tabserve-prediction-log");
        writer.setDaemon(true);
        writer.start();
        LOG.info("prediction log: writing " + (options.sample() == 1 ? "every request" : "a share " + options.sample()
                + " of requests") + " to " + options.directory().toAbsolutePath().resolve(RollingLines.ACTIVE)
                + (options.mask().isEmpty() ? "" : ", without the values of " + options.mask()));
    }

    /** @return a log that logs nothing, for a server started without {@code --prediction-log} */
    public static PredictionLog off() {
        return OFF;
    }

    /**
     * Starts the log and its writer thread.
     *
     * @throws IOException when its directory cannot be made or written
     */
    public static PredictionLog start(PredictionLogOptions options) throws IOException {
        return new PredictionLog(options, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** {@link #start}, sampling with {@code random} (values in [0, 1)), so that a test can choose what is sampled. */
    static PredictionLog start(PredictionLogOptions options, DoubleSupplier random) throws IOException {
        return new PredictionLog(options, random);
    }

    /** @return whether a request is to be logged: drawn once per request, so that a request is logged whole or not */
    public boolean sampled() {
        return options != null && (options.sample() >= 1 || random.getAsDouble() < options.sample());
    }

    /**
     * Hands a sampled request's scored batch to the writer, without waiting: when the rows waiting would pass the
     * queue's bound (the writer is behind, the disk is slow), the batch is dropped and counted instead.
     */
    public void offer(ScoredCall call) {
        if (options == null || closing) {
            return;
        }
        int rows = call.batch().size();
        if (queuedRows.addAndGet(rows) > options.queueRows() || !queue.offer(call)) {
            queuedRows.addAndGet(-rows);
            droppedRows.addAndGet(rows);
        }
    }

    /** Registers the log's counters in {@code registry} (none when the log is off). */
    public void register(PrometheusRegistry registry) {
        if (options == null) {
            return;
        }
        CounterWithCallback.builder().name("tabserve_prediction_log_rows")
                .help("Rows of sampled requests, by what became of them: written to the prediction log, or dropped"
                        + " because the rows waiting for the writer were at --prediction-log-queue-rows")
                .labelNames("outcome")
                .callback(callback -> {
                    callback.call(writtenRows.get(), "written");
                    callback.call(droppedRows.get(), "dropped");
                }).register(registry);
        CounterWithCallback.builder().name("tabserve_prediction_log_errors")
                .help("Errors writing or rolling over the prediction log's files (said in the server's log)")
                .callback(callback -> callback.call(files.errors())).register(registry);
        GaugeWithCallback.builder().name("tabserve_prediction_log_queued_rows")
                .help("Rows waiting for the prediction log's writer")
                .callback(callback -> callback.call(queuedRows.get())).register(registry);
    }

    /** @return rows written so far */
    long writtenRows() {
        return writtenRows.get();
    }

    /** @return rows dropped so far */
    long droppedRows() {
        return droppedRows.get();
    }

    private void write() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(8192);
        while (!closing || !queue.isEmpty()) {
            ScoredCall call;
            try {
                call = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (call == null) {
                continue;
            }
            int rows = call.batch().size();
            try {
                buffer.reset();
                lines.write(call, buffer);
                files.append(buffer.toByteArray());
                writtenRows.addAndGet(Math.min(rows, call.predictions().size()));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "prediction log: a batch of " + call.model() + " could not be written", e);
            } finally {
                queuedRows.addAndGet(-rows);
            }
            if (queue.isEmpty()) {
                files.flush(); // nothing more to come now: what was written reaches the file
            }
            if (buffer.size() > (1 << 20)) {
                buffer = new ByteArrayOutputStream(8192); // a big batch's buffer is not kept for the small ones
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
}
