package org.tabserve.repository;

import java.util.concurrent.atomic.AtomicBoolean;
import org.tabserve.model.Model;
import org.tabserve.model.UseCount;

/**
 * A request's hold on one loaded model version: while it is open, that model stays usable even if it is replaced
 * or unloaded meanwhile, so a request finishes on the model it began with. Close it (try-with-resources) when the
 * request is done; the last close of a replaced or unloaded model frees its session.
 */
public final class Lease implements AutoCloseable {

    /**
     * One loaded model of a {@link ServedModel} with a count of its users: the holder, and each lease on it.
     *
     * @param model the model loaded
     * @param stamp the file it was loaded from, as it was then
     * @param users the holder's use and each lease's; the last one out closes the model
     */
    record Generation(Model model, FileStamp stamp, UseCount users) {}

    private final ModelKey key;
    private final Generation generation;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Made by {@link ServedModel#lease()} once it holds a use of {@code generation}. */
    Lease(ModelKey key, Generation generation) {
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
