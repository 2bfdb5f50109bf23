package org.tabserve.serving.feedback;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;
import java.util.logging.Logger;

/**
 * The request ids that name an answer kept for labels, by model: an id is a model's, not a version's, taken by the
 * first answer kept under it in any of the model's versions served here, as the shared store keys it. A later answer
 * under a taken id is not kept (it would take the first one's labels, or clear its rows' marks): counted, and said
 * once in the log. Thread-safe: each model's lock is held while an id is looked up and taken.
 */
final class TakenIds {

    private static final Logger LOG = Logger.getLogger(TakenIds.class.getName());

    /** Each model's versions served here; the set is also the lock of its ids. */
    private final Map<String, Set<Long>> versions = new ConcurrentHashMap<>();

    private final LongAdder reused = new LongAdder();
    private final AtomicBoolean said = new AtomicBoolean();

    /** @return the lock to hold while an id of model {@code name} is looked up ({@link #held}) and taken */
    Object lock(String name) {
        return of(name);
    }

    private Set<Long> of(String name) {
        return versions.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet());
    }

    /** Version {@code version} of model {@code name} keeps answers here. */
    void served(String name, long version) {
        of(name).add(version);
    }

    /** Version {@code version} of model {@code name} keeps answers here no longer. */
    void notServed(String name, long version) {
        Set<Long> served = versions.get(name);
        if (served != null) {
            served.remove(version);
        }
    }

    /**
     * @param answers each version's answers, or null for a version gone meanwhile
     * @return whether a version of model {@code name} {@linkplain RecentAnswers#holds holds} caller {@code owner}'s
     *         request {@code id} (another caller's answer under the same id is another answer)
     */
    boolean held(String name, long now, String owner, String id, LongFunction<RecentAnswers> answers) {
        for (long version : of(name)) {
            RecentAnswers kept = answers.apply(version);
            if (kept != null && kept.holds(now, owner, id)) {
                return true;
            }
        }
        return false;
    }

    /** Counts an answer not kept because its id was taken (here, or in the shared store), and says so once. */
    void reused() {
        reused.increment();
        if (!said.getAndSet(true)) {
            LOG.warning("An answer was not kept for labels because its request id (X-Request-Id) names an answer kept"
                    + " already: labels for an id join its first answer, never a later one, so each request needs an"
                    + " id of its own (counted in tabserve_feedback_reused_ids_total; said once)");
        }
    }

    /** @return the answers not kept because their id was taken, since start */
    long reusedCount() {
        return reused.sum();
    }
}
