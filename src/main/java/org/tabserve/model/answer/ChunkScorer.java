package org.tabserve.model.answer;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.tabserve.model.signature.Prediction;

/**
 * Scores the chunks of an upload of rows (any format), as its reader hands them over ({@link ChunkRows}), on every
 * core while the request thread goes on parsing and writing: each chunk is one model call on a small pool, at most {@code threads} chunks are in flight, and the
 * answers are handed to the writer's {@link ChunkAnswers} strictly in upload order on the request thread. One model call per chunk took one core; the SVM's kernel
 * dominates, so a 2-core machine scores twice as fast with two chunks at once (ORT allows concurrent runs on one
 * session). The pool belongs to the servlet and is shut down with it.
 */
public final class ChunkScorer implements AutoCloseable {

    private final ExecutorService pool;
    private final int inFlight;

    public ChunkScorer(int threads) {
        AtomicInteger count = new AtomicInteger();
        // A larger stack than the default 1 MB: ONNX Runtime 1.29 overflowed a default-sized stack in some processes.
        this.pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(null, task, "tabserve-score-" + count.incrementAndGet(), 8L << 20);
            thread.setDaemon(true);
            return thread;
        });
        this.inFlight = threads;
    }

    /** @return how many chunks a run keeps in the model at once (besides the one being parsed and the one written) */
    public int inFlight() {
        return inFlight;
    }

    /**
     * A pipeline for one upload: hand it the reader's chunks ({@link Run#accept}), then call {@link Run#finish()}; or
     * have {@link Run#score} do both.
     */
    public <C extends ChunkRows<C>> Run<C> start(BatchScoring scoring, ChunkAnswers<C> sink) {
        return new Run<>(scoring, sink, true);
    }

    /** Like {@link #start}, but every chunk is scored on the request thread itself, one after the other. */
    public <C extends ChunkRows<C>> Run<C> startInline(BatchScoring scoring, ChunkAnswers<C> sink) {
        return new Run<>(scoring, sink, false);
    }

    /** Hands the chunks of an upload, as its reader reads them, to a run. */
    public interface Chunks<C extends ChunkRows<C>> {
        void feed(Run<C> run) throws IOException;
    }

    /**
     * One upload's pipeline: its chunks are scored on the pool, and handed on with their answers in upload order.
     *
     * @param <C> the reader's chunk
     */
    public final class Run<C extends ChunkRows<C>> {

        /**
         * One chunk's model call on the pool. Whoever claims it first decides its fate: the pool thread runs it, or
         * {@link #cancel()} drops it before it starts; a call already running is waited for, never abandoned.
         */
        private final class Pending {
            /** The chunk, less the rows the model refused once it computed them (row mode), once it is scored. */
            private volatile C chunk;

            private final AtomicBoolean claimed = new AtomicBoolean();
            private final CountDownLatch done = new CountDownLatch(1);
            private final Future<List<Prediction>> predictions;

            Pending(C chunk) {
                this.chunk = chunk;
                this.predictions = pool.submit(this::score);
            }

            /** Whether the chunk's preparation ({@link ChunkAnswers.Preparing}) has been taken on, and its outcome once done. */
            private final AtomicBoolean preparing = new AtomicBoolean();

            private final CountDownLatch prepared = new CountDownLatch(1);
            private volatile boolean preparedAhead;
            private Object preparation;
            private Throwable preparationFailure;

            private List<Prediction> score() {
                if (!claimed.compareAndSet(false, true)) {
                    return null; // cancelled before it started
                }
                try {
                    InPlaceRefusals.Scored<C, List<Prediction>> scored = predict(scoring, chunk);
                    chunk = scored.rows();
                    return scored.scored();
                } finally {
                    done.countDown();
                }
            }

            /** Has the pool prepare this chunk, once it is scored and if no one has taken it on. */
            void prepareAhead(ChunkAnswers.Preparing<C, ?> preparing) {
                if (preparedAhead || !predictions.isDone() || predictions.isCancelled()) {
                    return;
                }
                preparedAhead = true;
                try {
                    pool.execute(() -> {
                        if (this.preparing.compareAndSet(false, true)) {
                            prepareNow(preparing);
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // the pool is stopping with the app: the request thread prepares the chunk at its turn
                }
            }

            /** The chunk's preparation: made here unless the pool has taken it on, then waited for. */
            <T> T preparation(ChunkAnswers.Preparing<C, T> sink, List<Prediction> scored) {
                if (preparing.compareAndSet(false, true)) {
                    return sink.prepare(chunk, scored);
                }
                awaitUninterruptibly(prepared); // the preparation is short and touches no model: wait for it
                if (preparationFailure instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (preparationFailure instanceof Error error) {
                    throw error;
                }
                @SuppressWarnings("unchecked")
                T made = (T) preparation;
                return made;
            }

            private void prepareNow(ChunkAnswers.Preparing<C, ?> sink) {
                try {
                    preparation = sink.prepare(chunk, predictions.get());
                } catch (RuntimeException | Error e) {
                    preparationFailure = e;
                } catch (Exception e) {
                    preparationFailure = new IllegalStateException(e);
                } finally {
                    prepared.countDown();
                }
            }

            /** Drops the call if it has not started, otherwise waits until it has returned. */
            void cancelAndWait() {
                if (claimed.compareAndSet(false, true)) {
                    predictions.cancel(false);
                    return;
                }
                awaitUninterruptibly(done); // still wait: the chunk's model call must be over before we return
            }
        }

        /** Scores each chunk on the pool, and does what is owed for it (the server's counts) in upload order. */
        private final BatchScoring scoring;

        private final ChunkAnswers<C> sink;
        private final ArrayDeque<Pending> pending = new ArrayDeque<>();
        private final boolean parallel;

        private Run(BatchScoring scoring, ChunkAnswers<C> sink, boolean parallel) {
            this.scoring = scoring;
            this.sink = sink;
            this.parallel = parallel;
        }

        /** Takes the reader's next chunk: scores it, and hands on the chunks whose turn has come. */
        public void accept(C chunk) throws IOException {
            if (!parallel) {
                InPlaceRefusals.Scored<C, List<Prediction>> scored = predict(scoring, chunk);
                sink.accept(scored.rows(), answered(scoring, scored.rows(), scored.scored()));
                return;
            }
            pending.add(new Pending(chunk));
            while (pending.size() > inFlight) {
                writeFirst();
            }
        }

        /**
         * Starts scoring a chunk on the pool and hands nothing to the sink before {@link #finish()}, with no bound on
         * how many chunks wait: scoring goes on while an upload is still being checked, and nothing is answered unless
         * it passes. The caller bounds the rows it hands on this way.
         */
        public void ahead(C chunk) {
            pending.add(new Pending(chunk));
        }

        /** Feeds {@code chunks} into this run and then hands on what is still in flight; cancels the run on failure. */
        public void score(Chunks<C> chunks) throws IOException {
            try {
                chunks.feed(this);
                finish();
            } catch (IOException | RuntimeException | Error e) {
                cancel();
                throw e;
            }
        }

        /** Hands every remaining chunk to the sink; on failure the chunks not yet scored are cancelled. */
        public void finish() throws IOException {
            while (!pending.isEmpty()) {
                writeFirst();
            }
        }

        /**
         * Cancels what is still in flight (after a failure of the request): chunks not yet started never start, and
         * this returns only once the chunks already inside the model have returned, so that the request may then let
         * go of its model (and a swapped-out model be closed) with no scoring thread still running it.
         */
        public void cancel() {
            for (Pending p : pending) {
                p.cancelAndWait();
            }
            pending.clear();
        }

        private void writeFirst() throws IOException {
            Pending first = pending.poll();
            List<Prediction> predictions;
            try {
                predictions = first.predictions.get();
            } catch (InterruptedException e) {
                first.cancelAndWait(); // keeps the interrupt flag set for the caller
                Thread.currentThread().interrupt();
                cancel();
                throw new IOException("interrupted while scoring the upload", e);
            } catch (ExecutionException e) {
                cancel();
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(e.getCause());
            } catch (CancellationException e) {
                cancel();
                throw e;
            }
            ScoredRows scored = answered(scoring, first.chunk, predictions);
            if (sink instanceof ChunkAnswers.Preparing<C, ?> preparing) {
                handOn(preparing, first, scored);
                return;
            }
            sink.accept(first.chunk, scored);
        }

        /** Hands a chunk to a preparing sink, having the pool prepare the next ones meanwhile. */
        private <T> void handOn(ChunkAnswers.Preparing<C, T> preparing, Pending first, ScoredRows scored)
                throws IOException {
            int ahead = preparing.ahead();
            for (Pending next : pending) {
                if (ahead-- <= 0) {
                    break;
                }
                next.prepareAhead(preparing);
            }
            preparing.accept(first.chunk, scored, first.preparation(preparing, scored.predictions()));
        }
    }

    /** Waits for {@code latch} through interrupts, and keeps the thread's interrupt flag set if one came. */
    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Does what is owed for a chunk's predictions; a chunk of bad rows alone made none and has no batch. */
    private static ScoredRows answered(BatchScoring scoring, ChunkRows<?> chunk, List<Prediction> predictions) {
        return chunk.size() == 0 ? ScoredRows.NONE : scoring.answered(chunk.batch(), predictions);
    }

    /**
     * A chunk's predictions; a chunk of bad rows alone (answered in their place) has none, and no model call. In row
     * mode the rows the model refuses once it computed them (an answer not finite) are refused in their place, and the
     * chunk returned without them ({@link InPlaceRefusals}).
     */
    private static <C extends ChunkRows<C>> InPlaceRefusals.Scored<C, List<Prediction>> predict(
            BatchScoring scoring, C chunk) {
        return InPlaceRefusals.score(chunk, scoring::predict, List.of());
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
