package org.tabserve.repository;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Runs the work for each model one task at a time, in the order it was asked for, while different models' work runs
 * side by side on a shared executor: a model's load, reload and unload never overlap, and a slow model holds up only
 * its own lane.
 */
final class ModelLanes {

    private final Executor executor;
    /** The last task queued per model; a lane's entry goes when its last task is done. Guarded by this. */
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();

    ModelLanes(Executor executor) {
        this.executor = executor;
    }

    /**
     * Queues {@code task} behind {@code model}'s earlier tasks.
     *
     * @return completes when the task has run (exceptionally if it threw, or if the executor refused it)
     */
    synchronized CompletableFuture<Void> submit(String model, Runnable task) {
        CompletableFuture<Void> previous = tails.getOrDefault(model, CompletableFuture.completedFuture(null));
        // A failed earlier task must not stop the lane: run after it, whatever its outcome.
        CompletableFuture<Void> next =
                previous.handle((ignored, failure) -> null).thenRunAsync(task, executor);
        tails.put(model, next);
        next.whenComplete((ignored, failure) -> forget(model, next));
        return next;
    }

    private synchronized void forget(String model, CompletableFuture<Void> task) {
        tails.remove(model, task);
    }
}
