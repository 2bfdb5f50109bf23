package org.tabserve.model.onnx;

import ai.onnxruntime.OrtException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * A bounded pool of things that hold ONNX Runtime's native memory (one-row input or output tensors), each taken by
 * one run at a time and given back after it: made on demand when the pool is empty, closed when it is full or has
 * been closed, so that closing the model frees them all. Not thread-locals: no request thread keeps a web app's
 * classes or a closed model's tensors.
 *
 * @param <T> what is pooled
 */
final class NativePool<T> implements AutoCloseable {

    /** Makes one more when the pool is empty. */
    @FunctionalInterface
    interface Maker<T> {
        T make() throws OrtException;
    }

    private final BlockingQueue<T> pool;
    private final Maker<T> maker;
    private final Consumer<T> closer;
    private volatile boolean closed;

    /**
     * @param capacity the most kept for reuse; more are made and closed as needed
     * @param maker    makes one
     * @param closer   frees one
     */
    NativePool(int capacity, Maker<T> maker, Consumer<T> closer) {
        this.pool = new ArrayBlockingQueue<>(capacity);
        this.maker = maker;
        this.closer = closer;
    }

    /** @return one for the caller's run alone; the caller gives it back with {@link #give} */
    T take() throws OrtException {
        T kept = pool.poll();
        return kept != null ? kept : maker.make();
    }

    /** Takes one back after its run (or a failure); closes it when it is not kept. */
    void give(T used) {
        if (closed || !pool.offer(used)) {
            closer.accept(used);
        } else if (closed) {
            drain(); // close() ran between the check and the offer
        }
    }

    /** Frees every one kept; one still out is freed when given back. */
    @Override
    public void close() {
        closed = true;
        drain();
    }

    private void drain() {
        T kept;
        while ((kept = pool.poll()) != null) {
            closer.accept(kept);
        }
    }
}
