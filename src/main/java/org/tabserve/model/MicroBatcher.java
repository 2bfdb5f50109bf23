package org.tabserve.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Runs single-row predictions that arrive together as one ONNX Runtime call, because most of a small model's cost per
 * call is fixed (session set-up, tensors, output objects), so sixteen rows in one call cost little more than one.
 *
 * <p>At most {@code lanes} calls run at once. A row that finds a lane free runs at once, alone: nothing ever waits for
 * company, so a lone client sees no added latency. A row that finds every lane busy queues; when a lane's call ends,
 * the lane passes to the oldest queued row's thread, which takes every row queued by then (at most {@code maxRows})
 * into one call and hands each its own answer. A failed merged call is run again row by row, so that one row's
 * failure is never another's.
 */
final class MicroBatcher {

    private final int lanes;
    private final int maxRows;
    private final Function<Batch, List<Prediction>> run;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private int running; // lanes in use; guarded by lock. Invariant: queue is empty unless running == lanes
    private final AtomicLong mergedCalls = new AtomicLong();
    private final AtomicLong mergedRows = new AtomicLong();

    /**
     * @param lanes   ONNX Runtime calls allowed at once (at least 1)
     * @param maxRows the most rows merged into one call (at least 1)
     * @param run     runs a batch in one call (or the model's fixed-size chunks) and returns one prediction per row,
     *                {@code null} for a row without a finite answer
     */
    MicroBatcher(int lanes, int maxRows, Function<Batch, List<Prediction>> run) {
        if (lanes < 1 || maxRows < 1) {
            throw new IllegalArgumentException("lanes and maxRows must be at least 1, got " + lanes + ", " + maxRows);
        }
        this.lanes = lanes;
        this.maxRows = maxRows;
        this.run = run;
    }

    /**
     * @param row a batch of exactly one row
     * @return its prediction, {@code null} when the model gave no finite answer
     */
    Prediction predict(Batch row) {
        if (row.size() != 1) {
            throw new IllegalArgumentException("one row at a time, got " + row.size());
        }
        Waiter me = new Waiter(row, Thread.currentThread());
        lock.lock();
        try {
            if (running < lanes) {
                running++;
                me.state = Waiter.LEAD;
            } else {
                queue.addLast(me);
            }
        } finally {
            lock.unlock();
        }
        if (me.state != Waiter.LEAD) {
            me.awaitTurn();
        }
        if (me.state == Waiter.LEAD) {
            lead(me);
        }
        if (me.error != null) {
            throw me.error;
        }
        return me.result;
    }

    /** Runs this thread's row with every row queued so far, then passes the lane on. */
    private void lead(Waiter me) {
        List<Waiter> group = new ArrayList<>();
        group.add(me);
        Waiter next = null;
        try {
            lock.lock();
            try {
                while (group.size() < maxRows && !queue.isEmpty()) {
                    group.add(queue.pollFirst());
                }
            } finally {
                lock.unlock();
            }
            runGroup(group);
        } finally {
            lock.lock();
            try {
                next = queue.pollFirst();
                if (next == null) {
                    running--;
                } else {
                    next.state = Waiter.LEAD; // the lane passes on: running stays the same
                }
            } finally {
                lock.unlock();
            }
            for (int i = 1; i < group.size(); i++) {
                group.get(i).finish();
            }
            if (next != null) {
                LockSupport.unpark(next.thread);
            }
        }
    }

    private void runGroup(List<Waiter> group) {
        if (group.size() > 1) {
            List<Batch> rows = new ArrayList<>(group.size());
            for (Waiter w : group) {
                rows.add(w.row);
            }
            try {
                List<Prediction> answers = run.apply(Batch.concat(rows));
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).result = answers.get(i);
                }
                mergedCalls.incrementAndGet();
                mergedRows.addAndGet(group.size());
                return;
            } catch (RuntimeException | Error e) {
                // Fall through: each row on its own, so that one row's failure is never another's.
            }
        }
        for (Waiter w : group) {
            try {
                w.result = run.apply(w.row).get(0);
            } catch (RuntimeException | Error e) {
                w.error = e instanceof RuntimeException r ? r
                        : ModelException.predictionFailed("the prediction failed (" + e + ")", e);
            }
        }
    }

    /** @return rows waiting for a lane now */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** @return calls that carried more than one row, since start (for tests and metrics) */
    long mergedCalls() {
        return mergedCalls.get();
    }

    /** @return rows carried by those calls, since start */
    long mergedRows() {
        return mergedRows.get();
    }

    /** One row's thread and what it is waiting for. */
    private static final class Waiter {
        static final int QUEUED = 0;
        static final int LEAD = 1;
        static final int DONE = 2;

        final Batch row;
        final Thread thread;
        volatile int state = QUEUED;
        Prediction result; // written before state turns DONE, read after: the volatile write publishes it
        RuntimeException error;

        Waiter(Batch row, Thread thread) {
            this.row = row;
            this.thread = thread;
        }

        /** Parks until a leader has answered this row or passed it the lane; an interrupt is kept, not obeyed. */
        void awaitTurn() {
            boolean interrupted = false;
            while (state == QUEUED) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        void finish() {
            state = DONE;
            LockSupport.unpark(thread);
        }
    }
}
