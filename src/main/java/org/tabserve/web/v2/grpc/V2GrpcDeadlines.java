package org.tabserve.web.v2.grpc;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The timer behind gRPC calls' deadlines, made so that a call's deadline costs no thread wake-up. gRPC schedules a
 * task for each call that carries a {@code grpc-timeout} (Python's grpcio sends one with every {@code timeout=}) and
 * cancels it when the call ends; on grpc-java's own timer, one call at a time made each task the queue's head, so that
 * both the scheduling and the cancelling woke the timer thread: about three of the ten futex calls of a sequential
 * single-row ModelInfer (bench/RESULTS.notes.md, "Issue 38, goal 4: where a gRPC call's thread hand-offs come from").
 * Here a task that does nothing runs every {@link #TICK_MILLIS} ms, so that the queue's head is nearly always due sooner than a
 * call's deadline: a later deadline joins the queue without a signal, and its removal on cancel sends none. A deadline
 * due before the next tick becomes the head and wakes the timer as before, so every deadline still fires on time; the
 * cost is one wake-up a tick when idle. Cancelled tasks leave the queue at once (the remove-on-cancel policy, as
 * grpc-java's own timer), so that many calls' 30-second deadlines never pile up in the heap.
 */
public final class V2GrpcDeadlines {

    /** How often the timer wakes with nothing to do: a deadline later than the next tick is queued without a wake-up. */
    static final long TICK_MILLIS = 500;

    private static final String THREAD_NAME = "tabserve-grpc-deadlines";

    private V2GrpcDeadlines() {}

    /** A started timer for gRPC's {@code scheduledExecutorService}, one daemon thread; its owner shuts it down. */
    public static ScheduledExecutorService start() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        timer.scheduleAtFixedRate(V2GrpcDeadlines::keepTheHead, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        return timer;
    }

    private static void keepTheHead() {
        // Nothing: its next run is what a later deadline queues behind.
    }
}
