package org.tabserve.serving.rollout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.predictionlog.ScoredCall;
import org.tabserve.repository.Lease;
import org.tabserve.repository.ModelRepository;
import org.tabserve.serving.budget.MemoryBudget;

/**
 * Scores the rows a request's answer was made from on both versions of a rollout, off the answer's path: one small
 * daemon thread behind a bounded queue, so that a shadow or a canary's comparison never delays or fails an answer.
 * The batches waiting and the one being compared hold heap past their requests: each reserves what it holds from the
 * {@link MemoryBudget} requests share, within {@link #BUDGET_SHARE} of it, so that a shadow slower than its clients
 * cannot fill the heap (issue 47: 64 queued batches of 4 MB ended the JVM). When the queue is full, a batch is too
 * large, or the budget has no room for it now, the batch is skipped and counted ({@link VersionComparison#skipped()}),
 * never waited for.
 */
public final class ShadowScorer implements AutoCloseable {

    /** Batches waiting to be compared, at most. */
    static final int QUEUE = 64;
    /** The largest batch compared: a larger one is skipped, so that the queue holds little memory past requests. */
    static final int MAX_ROWS = 256;

    /** One compared batch in this many has its answering version scored again, to time it. */
    static final int TIME_ANSWERING_EVERY = 8;
    /** The largest share of the memory budget the batches waiting and the one being compared hold together. */
    static final int BUDGET_SHARE_DIVISOR = 8;
    /** {@link #BUDGET_SHARE_DIVISOR} as words, for the docs and the Javadoc. */
    static final String BUDGET_SHARE = "1/" + BUDGET_SHARE_DIVISOR;
    /** Heap of one row's answer from the other version: the prediction, its list; and 32 bytes a class beside. */
    static final int ANSWER_BYTES = 96;
    /** Heap of one cell of a batch copied for a version that takes other inputs ({@link #forModel}): boxed, and its reference. */
    static final int COPIED_CELL_BYTES = 32;

    private final ModelRepository repository;
    private final ThreadPoolExecutor thread;
    private final MemoryBudget budget;
    /** {@link #BUDGET_SHARE} of the budget: what the batches queued and compared may hold at most. */
    private final long room;
    /** What they hold now, reserved from the budget too. */
    private final AtomicLong holding = new AtomicLong();
    /** Batches compared, on the one thread. */
    private long timed;

    /**
     * @param repository where both versions of a compared batch are leased from
     * @param budget     the budget requests share, which the batches queued and compared reserve from
     */
    public ShadowScorer(ModelRepository repository, MemoryBudget budget) {
        this(repository, QUEUE, budget);
    }

    ShadowScorer(ModelRepository repository, int queue, MemoryBudget budget) {
        this.repository = repository;
        this.budget = budget;
        this.room = budget.capacity() / BUDGET_SHARE_DIVISOR;
        // An 8 MB stack, as the scoring pools': ONNX Runtime overflowed a default-sized stack in some processes.
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), task -> {
            Thread scorer = new Thread(null, task, "tabserve-rollout-compare", 8L << 20);
            scorer.setDaemon(true); // never keeps the JVM or an undeploy waiting
            scorer.setPriority(Thread.MIN_PRIORITY); // a hint (Linux heeds it only with ThreadPriorityPolicy)
            return scorer;
        });
    }

    /**
     * Queues {@code batch}, scored and answered by version {@code version} for a request of model {@code name}, to be
     * scored on the other version of {@code comparison} and compared with the answer; returns at once, counting it as
     * skipped when it cannot be queued or the budget has no room for it now.
     *
     * @param answered the answers the request gave, compared as they were sent
     */
    void offer(String name, VersionComparison comparison, Batch batch, long version, List<Prediction> answered) {
        offer(name, comparison, batch, version, answered, AnswerTrace.NONE);
    }

    /**
     * As {@link #offer(String, VersionComparison, Batch, long, List)}, its comparison a stage of the request's trace
     * ({@code tabserve.rollout}: the role and the other version), timed on the scorer's thread.
     */
    void offer(
            String name,
            VersionComparison comparison,
            Batch batch,
            long version,
            List<Prediction> answered,
            AnswerTrace trace) {
        if (batch.size() > MAX_ROWS) {
            comparison.skipped();
            return;
        }
        Held held = new Held();
        if (!held.tryGrow(heldBytes(batch))) {
            comparison.skipped();
            return;
        }
        Queued task = new Queued(held, () -> {
            try (AnswerTrace.Stage stage = trace.stage("tabserve.rollout")) {
                stage.attribute("tabserve.rollout.role", comparison.role())
                        .attribute(
                                "tabserve.model.version",
                                comparison.candidate() == version ? comparison.primary() : comparison.candidate())
                        .attribute("tabserve.rows", batch.size());
                compare(name, comparison, batch, version, answered, held);
            }
        });
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            held.close();
            comparison.skipped(); // full, or closed
        }
    }

    /** A batch waiting to be compared, which gives its room back when compared, or dropped at {@link #close}. */
    private record Queued(Held held, Runnable comparing) implements Runnable {
        @Override
        public void run() {
            try {
                comparing.run();
            } finally {
                held.close();
            }
        }
    }

    /**
     * @return the heap a batch holds while it waits and is compared: its values and the answers it was given
     *         ({@link ScoredCall#heldBytes(Batch)}), and the other version's answers beside them (the tensors ONNX
     *         Runtime scores are native memory)
     */
    static long heldBytes(Batch batch) {
        return ScoredCall.heldBytes(batch)
                + batch.size()
                        * (ANSWER_BYTES + 32L * batch.signature().classLabels().size());
    }

    /**
     * What one compared batch holds of the budget, within the scorer's share; reserved on the request's thread, given
     * back on the scorer's (handed over through the queue, used by one thread at a time).
     */
    private final class Held implements AutoCloseable {
        private final MemoryBudget.Reservation reservation = budget.open();
        private long bytes;

        /** Takes {@code more} only if the share and the budget both have room right now. */
        boolean tryGrow(long more) {
            if (holding.addAndGet(more) > room) {
                holding.addAndGet(-more);
                return false;
            }
            if (!reservation.tryGrow(more)) {
                holding.addAndGet(-more);
                return false;
            }
            bytes += more;
            return true;
        }

        @Override
        public void close() {
            reservation.close();
            holding.addAndGet(-bytes);
            bytes = 0;
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

    private void compare(
            String name,
            VersionComparison comparison,
            Batch batch,
            long version,
            List<Prediction> answered,
            Held held) {
        long other = version == comparison.primary() ? comparison.candidate() : comparison.primary();
        long[] nanos = {-1, -1};
        List<Prediction> byOther = score(name, other, batch, comparison, nanos, 1, held);
        if (byOther == null) {
            return;
        }
        // The answering version's time is measured again on a share of the batches, on this thread as the other's
        // is, so that both are timed alike at half the cost of scoring every batch twice.
        if (Math.floorMod(timed++, TIME_ANSWERING_EVERY) == 0) {
            score(name, version, batch, comparison, nanos, 0, held);
        }
        boolean primaryAnswered = version == comparison.primary();
        comparison.record(
                batch,
                primaryAnswered ? answered : byOther,
                primaryAnswered ? nanos[0] : nanos[1],
                primaryAnswered ? byOther : answered,
                primaryAnswered ? nanos[1] : nanos[0]);
    }

    /**
     * @return the version's answers, or null when it failed (counted), or when the batch was to be copied for it and
     *         the budget had no room for the copy (counted as skipped)
     */
    private List<Prediction> score(
            String name, long version, Batch batch, VersionComparison comparison, long[] nanos, int slot, Held held) {
        try (Lease lease = repository.lease(name, version)) {
            Model model = lease.model();
            if (!batch.signature().equals(model.signature())
                    && !held.tryGrow((long) COPIED_CELL_BYTES
                            * batch.size()
                            * batch.signature().features().size())) {
                comparison.skipped();
                return null;
            }
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

    /** Stops the thread; batches still queued are dropped, and their room given back. */
    @Override
    public void close() {
        for (Runnable dropped : thread.shutdownNow()) {
            if (dropped instanceof Queued queued) {
                queued.held().close();
            }
        }
    }
}
