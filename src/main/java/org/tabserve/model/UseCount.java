package org.tabserve.model;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the users of something that must be freed only after its last user is done, such as a native ONNX Runtime
 * session that a scoring thread may still be inside when its owner lets go: the owner holds one use from the start,
 * each user {@link #acquire() acquires} and {@link #release() releases} one, and whoever releases the last runs the
 * closing action, exactly once. Once the owner has let go, no new user gets in.
 */
public final class UseCount {

    private final AtomicInteger uses = new AtomicInteger(1); // the owner's own use
    private final AtomicBoolean ownerReleased = new AtomicBoolean();
    private final Runnable onLastRelease;

    /** @param onLastRelease what to do once the owner and every user have let go (runs on the last one's thread) */
    public UseCount(Runnable onLastRelease) {
        this.onLastRelease = onLastRelease;
    }

    /**
     * @return true when the caller now holds a use and must {@link #release()} it; false once the owner has let go
     *         (a caller racing with the owner may still get in: it is then counted like any other, so nothing is
     *         closed under it)
     */
    public boolean acquire() {
        for (int n = uses.get(); n > 0 && !ownerReleased.get(); n = uses.get()) {
            if (uses.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Gives back one use acquired with {@link #acquire()}; the last one out runs the closing action. */
    public void release() {
        int left = uses.decrementAndGet();
        if (left == 0) {
            onLastRelease.run();
        } else if (left < 0) {
            throw new IllegalStateException("released more often than acquired");
        }
    }

    /** The owner lets go (once; later calls do nothing): the closing action runs now or after the last user. */
    public void releaseOwner() {
        if (ownerReleased.compareAndSet(false, true)) {
            release();
        }
    }

    /** @return whether the owner has let go (the closing action may still wait for users) */
    public boolean ownerReleased() {
        return ownerReleased.get();
    }

    /** @return whether the closing action has run or is running */
    public boolean closed() {
        return uses.get() == 0;
    }
}
