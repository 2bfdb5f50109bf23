package org.tabserve.repository;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.tabserve.model.Model;
import org.tabserve.model.UseCount;

/**
 * One model version as served, swappable while requests run: the model loaded from its file now (a generation),
 * its state, and why the last load failed. Requests take a {@link Lease} on the current generation; a reload makes
 * a new generation current at once, and the old one's session is closed by whichever comes last of the swap and the
 * last lease on it. An unload does the same with no successor, then reports the version gone.
 *
 * <p>Threading: {@link #lease()} is lock-free (one atomic read and a count); state changes, made by the repository's
 * loader threads, lock this object.
 */
final class ServedModel {

    private final ModelKey key;
    private final Consumer<ServedModel> onGone;
    private final AtomicReference<Lease.Generation> current = new AtomicReference<>();
    private volatile ModelState state = ModelState.LOADING;
    private volatile String reason;
    /** The file the last load was tried from, whether it worked or not: a scan reloads only a different one. */
    private volatile FileStamp attempted;

    /** Told after each change of state or of the model served, which the index's answers may depend on. */
    private final Runnable changed;

    /**
     * @param onGone  called once, after an unload, when the last lease is closed and the session freed
     * @param changed called after each change of this version's state or of the model it serves
     */
    ServedModel(ModelKey key, Consumer<ServedModel> onGone, Runnable changed) {
        this.key = key;
        this.onGone = onGone;
        this.changed = changed;
    }

    ModelKey key() {
        return key;
    }

    ModelState state() {
        return state;
    }

    /** @return the index's view of this version */
    ModelStatus status() {
        return new ModelStatus(key.name(), key.version(), state, Optional.ofNullable(reason));
    }

    /** @return whether the loaded model has a card that describes its data ({@code card}'s), so a user's default */
    boolean carded() {
        Lease.Generation generation = current.get();
        return generation != null && generation.model().card().describesData();
    }

    /** @return whether a model is loaded (it may be unloading) */
    boolean loaded() {
        return current.get() != null;
    }

    FileStamp attempted() {
        return attempted;
    }

    /**
     * @return the files this version serves from (its loaded model's, while any lease may use it) and is loading
     *         from: what a store's cache must keep
     */
    List<Path> files() {
        List<Path> files = new ArrayList<>(2);
        Lease.Generation generation = current.get();
        if (generation != null) {
            files.add(generation.stamp().path());
        }
        FileStamp tried = attempted;
        if (tried != null && state == ModelState.LOADING) {
            files.add(tried.path());
        }
        return files;
    }

    synchronized void attempting(FileStamp stamp) {
        attempted = stamp;
        if (current.get() == null && state != ModelState.UNLOADING) {
            state = ModelState.LOADING;
            reason = null;
            changed.run();
        }
    }

    /**
     * @return a lease on the served model, or empty when none is ready (never loaded, failed, or unloading)
     */
    Optional<Lease> lease() {
        Lease.Generation generation = current.get();
        while (generation != null && state != ModelState.UNLOADING) {
            if (generation.users().acquire()) {
                return Optional.of(new Lease(key, generation));
            }
            Lease.Generation next = current.get(); // lost a race with a swap that let the old one go: take the new one
            if (next == generation) {
                return Optional.empty(); // let go without a successor: unloaded
            }
            generation = next;
        }
        return Optional.empty();
    }

    /**
     * Serves {@code model}, loaded from {@code stamp}, from now on; the model served before (if any) closes after its
     * last lease.
     *
     * @return false when this version was unloaded meanwhile: the caller must close {@code model}
     */
    synchronized boolean serve(Model model, FileStamp stamp) {
        if (state == ModelState.UNLOADING) {
            return false;
        }
        Lease.Generation previous = current.getAndSet(new Lease.Generation(model, stamp, closer(model)));
        state = ModelState.READY;
        reason = null;
        changed.run();
        if (previous != null) {
            previous.users().releaseOwner();
        }
        return true;
    }

    /**
     * Records a failed load. A version that was serving keeps serving (its state stays {@link ModelState#READY},
     * with the failure as its reason); one that was not becomes {@link ModelState#UNAVAILABLE}.
     *
     * @return whether its state or reason changed: a failure told once is not told again at each retry
     */
    synchronized boolean failed(String why) {
        if (state == ModelState.UNLOADING) {
            return false;
        }
        String nextReason = current.get() != null ? "the last reload failed, an older load keeps serving: " + why : why;
        ModelState nextState = current.get() != null ? ModelState.READY : ModelState.UNAVAILABLE;
        boolean different = nextState != state || !nextReason.equals(reason);
        reason = nextReason;
        state = nextState;
        if (different) {
            changed.run(); // a failure told again at each retry changes nothing the index's answers read
        }
        return different;
    }

    /**
     * Stops new leases; the session closes after the last lease, and then {@code onGone} runs (at once when no model
     * was loaded or none is leased).
     */
    void unload() {
        Lease.Generation generation;
        synchronized (this) {
            if (state == ModelState.UNLOADING) {
                return;
            }
            state = ModelState.UNLOADING;
            reason = null;
            generation = current.get();
            changed.run();
        }
        if (generation == null) {
            onGone.accept(this);
        } else {
            generation.users().releaseOwner();
        }
    }

    /** Closes a generation's model after its last user, and reports this version gone if it was the last one. */
    private UseCount closer(Model model) {
        return new UseCount(() -> {
            model.close();
            Lease.Generation served = current.get();
            if (state == ModelState.UNLOADING && served != null && served.model() == model) {
                onGone.accept(this);
            }
        });
    }

    @Override
    public String toString() {
        return "ServedModel[" + key + ", " + state + "]";
    }
}
