package org.tabserve.serving;

import org.tabserve.model.Batch;
import org.tabserve.model.Model;
import org.tabserve.model.Prediction;
import org.tabserve.repository.Lease;
import org.tabserve.repository.ModelRepository;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Scores the rows a request's answer was made from on both versions of a rollout, off the answer's path: one small
 * daemon thread behind a bounded queue, so that a shadow or a canary's comparison never delays or fails an answer.
 * When the queue is full, or a batch is too large to hold past its request, the batch is skipped and counted
 * ({@link VersionComparison#skipped()}), never waited for.
 */
public final class ShadowScorer implements AutoCloseable {

    /** Batches waiting to be compared, at most. */
    static final int QUEUE = 64;
    /** The largest batch compared: a larger one is skipped, so that the queue holds little memory past requests. */
    static final int MAX_ROWS = 256;

    /** One compared batch in this many has its answering version scored again, to time it. */
    static final int TIME_ANSWERING_EVERY = 8;

    private final ModelRepository repository;
    private final ThreadPoolExecutor thread;
    /** Batches compared, on the one thread. */
    private long timed;

    /** @param repository where both versions of a compared batch are leased from */
    public ShadowScorer(ModelRepository repository) {
        this(repository, QUEUE);
    }

    ShadowScorer(ModelRepository repository, int queue) {
        this.repository = repository;
        // An 8 MB stack, as the scoring pools': ONNX Runtime overflowed a default-sized stack in some processes.
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                task -> {
                    Thread scorer = new Thread(null, task, "tabserve-rollout-compare", 8L << 20);
                    scorer.setDaemon(true); // never keeps the JVM or an undeploy waiting
                    scorer.setPriority(Thread.MIN_PRIORITY); // a hint (Linux heeds it only with ThreadPriorityPolicy)
                    return scorer;
                });
    }

    /**
     * Queues {@code batch}, scored and answered by version {@code version} for a request of model {@code name}, to be
     * scored on the other version of {@code comparison} and compared with the answer; returns at once, counting it as
     * skipped when it cannot be queued.
     *
     * @param answered the answers the request gave, compared as they were sent
     */
    void offer(String name, VersionComparison comparison, Batch batch, long version, List<Prediction> answered) {
        if (batch.size() > MAX_ROWS) {
            comparison.skipped();
            return;
        }
        try {
            thread.execute(() -> compare(name, comparison, batch, version, answered));
        } catch (RejectedExecutionException e) {
            comparison.skipped(); // full, or closed
        }
    }

    /** Holds the thread until the returned latch is counted down: for tests that fill the queue. */
    CountDownLatch pause() {
        CountDownLatch resume = new CountDownLatch(1);
        thread.execute(() -> {
            try {
                resume.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return resume;
    }

    private void compare(String name, VersionComparison comparison, Batch batch, long version,
                         List<Prediction> answered) {
        long other = version == comparison.primary() ? comparison.candidate() : comparison.primary();
        long[] nanos = {-1, -1};
        List<Prediction> byOther = score(name, other, batch, comparison, nanos, 1);
        if (byOther == null) {
            return;
        }
        // The answering version's time is measured again on a share of the batches, on this thread as the other's
        // is, so that both are timed alike at half the cost of scoring every batch twice.
        if (Math.floorMod(timed++, TIME_ANSWERING_EVERY) == 0) {
            score(name, version, batch, comparison, nanos, 0);
        }
        boolean primaryAnswered = version == comparison.primary();
        comparison.record(batch, primaryAnswered ? answered : byOther, primaryAnswered ? nanos[0] : nanos[1],
                primaryAnswered ? byOther : answered, primaryAnswered ? nanos[1] : nanos[0]);
    }

    /** @return the version's answers, or null when it failed (counted) */
    private List<Prediction> score(String name, long version, Batch batch, VersionComparison comparison, long[] nanos,
                                   int slot) {
        try (Lease lease = repository.lease(name, version)) {
            Model model = lease.model();
            Batch rows = forModel(batch, model);
            long start = System.nanoTime();
            List<Prediction> predictions = model.predict(rows);
            nanos[slot] = System.nanoTime() - start;
            return predictions;
        } catch (RuntimeException e) {
            comparison.failed(version); // not ready, unloaded meanwhile, or the model threw on these rows
            return null;
        }
    }

    /**
     * @return {@code batch} as {@code model} takes it: itself when it was checked against the same signature, else
     *         its cells checked again (the rollout made sure both versions take the same features in the same order)
     */
    static Batch forModel(Batch batch, Model model) {
        if (batch.signature().equals(model.signature())) {
            return batch;
        }
        int width = batch.signature().features().size();
        List<Object[]> rows = new ArrayList<>(batch.size());
        for (int row = 0; row < batch.size(); row++) {
            Object[] cells = new Object[width];
            for (int f = 0; f < width; f++) {
                cells[f] = batch.cell(row, f);
            }
            rows.add(cells);
        }
        return Batch.of(model.signature(), rows);
    }

    /** Stops the thread; batches still queued are dropped. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
