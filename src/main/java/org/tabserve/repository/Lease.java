package org.tabserve.repository;

import java.util.concurrent.atomic.AtomicBoolean;
import org.tabserve.model.Model;

/**
 * A request's hold on one loaded model version: while it is open, that model stays usable even if it is replaced
 * or unloaded meanwhile, so a request finishes on the model it began with. Close it (try-with-resources) when the
 * request is done; the last close of a replaced or unloaded model frees its session.
 */
public final class Lease implements AutoCloseable {

    private final ModelKey key;
    private final ServedModel.Generation generation;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Made by {@link ServedModel#lease()} once it holds a use of {@code generation}. */
    Lease(ModelKey key, ServedModel.Generation generation) {
        this.key = key;
        this.generation = generation;
    }

    /** @return the model's name */
    public String name() {
        return key.name();
    }

    /** @return the version */
    public long version() {
        return key.version();
    }

    /** @return the model, usable until this lease is closed */
    public Model model() {
        if (closed.get()) {
            throw new IllegalStateException("the lease on " + key + " is closed");
        }
        return generation.model();
    }

    /** Gives the model back; closing twice is harmless. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            generation.users().release();
        }
    }

    @Override
    public String toString() {
        return "Lease[" + key + (closed.get() ? ", closed" : "") + "]";
    }
}
