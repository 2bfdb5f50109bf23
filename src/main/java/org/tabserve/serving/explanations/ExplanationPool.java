package org.tabserve.serving.explanations;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.tabserve.model.answer.ClientWatch;
import org.tabserve.model.explain.ExplanationMeter;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.serving.monitor.ModelConcurrency;
import org.tabserve.serving.monitor.TabserveMetrics;

/**
 * The threads that compute explanations, a few of their own with a bounded queue, so that requests that ask for
 * explanations (seconds of CPU each) share a part of the CPU and leave the rest to plain predictions, and many at
 * once get 503 with {@code Retry-After} instead of piling up. The request's thread waits for its work and watches its
 * client meanwhile ({@link ClientWatch}); when the client has gone, the work stops at its next model call
 * ({@link ExplanationMeter}) or, not started yet, never starts. Every model row evaluated is counted in the metrics.
 */
public final class ExplanationPool implements AutoCloseable {

    /** How often a waiting request asks whether its client is still there. */
    static final Duration CHECK_EVERY = Duration.ofMillis(200);

    private final ThreadPoolExecutor pool;
    private final TabserveMetrics metrics;

    /**
     * @param explanations how many threads, and how many requests' work may wait for one
     * @param metrics      where the model rows evaluated and each request's outcome are counted
     */
    public ExplanationPool(ExplanationLimits explanations, TabserveMetrics metrics) {
        this.metrics = metrics;
        AtomicInteger count = new AtomicInteger();
        // An 8 MB stack, as the scoring pool's: ONNX Runtime overflowed a default-sized stack in some processes.
        this.pool = new ThreadPoolExecutor(
                explanations.threads(),
                explanations.threads(),
                0,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(explanations.queue()),
                task -> {
                    Thread thread = new Thread(null, task, "tabserve-explain-" + count.incrementAndGet(), 8L << 20);
                    thread.setDaemon(true);
                    return thread;
                });
        metrics.explanationsWaiting(() -> pool.getQueue().size());
    }

    /**
     * Runs {@code work} on one of the pool's threads and waits for it, watching the client.
     *
     * @param model the name of the request's model, under which its wait in the queue (or its refusal) is counted
     * @param work  what to compute, each model call seen first by the meter it is given
     * @return what the work made
     * @throws ServingException {@link ServingException.Kind#BUSY} when every thread is busy and the queue is full;
     *                          {@link ServingException.Kind#CLIENT_GONE} once the client has gone and the work has stopped
     */
    public <T> T run(String model, Function<ExplanationMeter, T> work, ClientWatch watch) {
        Waiting waiting = new Waiting(metrics.concurrency().queue(model));
        try {
            return run(model, work, watch, waiting);
        } finally {
            waiting.leave(); // refused, cancelled before it started, or failed
        }
    }

    private <T> T run(String model, Function<ExplanationMeter, T> work, ClientWatch watch, Waiting waiting) {
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<T> result = new CompletableFuture<>();
        ExplanationMeter meter = modelRows -> {
            if (stop.get()) {
                throw new CancellationException("the client has gone");
            }
            metrics.explainedModelRows(modelRows);
        };
        Job<T> job = new Job<>(
                () -> {
                    waiting.leave();
                    return work.apply(meter);
                },
                result);
        try {
            pool.execute(job);
        } catch (RejectedExecutionException e) {
            metrics.explanation("busy");
            metrics.concurrency().refused(model, ModelConcurrency.EXPLANATIONS_BUSY);
            throw ServingException.of(
                    ServingException.Kind.BUSY,
                    "the server is busy explaining other requests'"
                            + " answers (" + pool.getMaximumPoolSize() + " at once, "
                            + pool.getQueue().size() + " waiting);"
                            + " try again shortly, or leave explain out",
                    List.of(ExplanationLimits.THREADS, ExplanationLimits.QUEUE));
        }
        while (true) {
            try {
                T made = result.get(CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                metrics.explanation("explained");
                return made;
            } catch (TimeoutException e) {
                if (!stop.get() && watch.gone()) {
                    stop.set(true);
                    if (pool.remove(job)) { // not started: it never will
                        result.completeExceptionally(new CancellationException("the client has gone"));
                    }
                    // else it stops at its next model call; waited for, so that the request's memory is held till then
                }
            } catch (InterruptedException e) {
                stop.set(true);
                pool.remove(job);
                Thread.currentThread().interrupt();
                metrics.explanation("cancelled");
                throw ServingException.clientGone("the request was interrupted while its answers were explained", null);
            } catch (CancellationException e) { // a future completed with it throws it as it is
                if (!stop.get()) {
                    throw e;
                }
                metrics.explanation("cancelled");
                throw ServingException.clientGone("the client went before its answers were explained", watch.howGone());
            } catch (ExecutionException e) {
                metrics.explanation("failed");
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** Stops the threads; work under way stops at its next model call, and work not started is refused. */
    @Override
    public void close() {
        for (Runnable waiting : pool.shutdownNow()) {
            ((Job<?>) waiting)
                    .result.completeExceptionally(
                            ServingException.of(ServingException.Kind.UNAVAILABLE, "the server is stopping"));
        }
    }

    /** A request's place in the queue, counted in its model's gauge until it leaves, once. */
    private record Waiting(java.util.concurrent.atomic.AtomicLong queued, AtomicBoolean left) {
        Waiting(java.util.concurrent.atomic.AtomicLong queued) {
            this(queued, new AtomicBoolean());
        }

        void leave() {
            if (left.compareAndSet(false, true)) {
                queued.decrementAndGet();
            }
        }
    }

    /** One request's work, which hands what it makes, or how it failed, to the request waiting for it. */
    private record Job<T>(java.util.function.Supplier<T> work, CompletableFuture<T> result) implements Runnable {
        @Override
        public void run() {
            try {
                result.complete(work.get());
            } catch (Throwable e) { // handed to the waiting request, which rethrows it
                result.completeExceptionally(e);
            }
        }
    }
}
