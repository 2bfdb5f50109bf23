package org.tabserve.serving.rollout;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.tabserve.repository.Lease;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.RepositoryException;

/**
 * Which version answers an unversioned request of a model under its rollout: the canary for its share, else the
 * primary (the pinned {@code serving} version, else the highest ready version the rollout does not name). A version
 * the rollout names that is not ready is passed over, and the repository's own choice answers.
 */
final class VersionChoice {

    private final ModelRepository repository;

    VersionChoice(ModelRepository repository) {
        this.repository = repository;
    }

    /**
     * Lends the version an unversioned request of model {@code name} is answered by under {@code rollout}: without a
     * rollout, the highest ready one, as the repository chooses.
     *
     * @param requestId the caller's request id, or null: a canary decides by it
     * @throws RepositoryException as {@link ModelRepository#lease(String)}
     */
    Lease lease(String name, Rollout rollout, String requestId) {
        if (rollout.none()) {
            return repository.lease(name);
        }
        OptionalLong primary = primary(name, rollout);
        Optional<Rollout.Canary> canary = rollout.canary();
        if (canary.isPresent() && canary.get().answers(requestId)) {
            Optional<Lease> lease = tryLease(name, canary.get().version());
            if (lease.isPresent()) {
                return lease.get();
            }
        }
        if (primary.isPresent()) {
            Optional<Lease> lease = tryLease(name, primary.getAsLong());
            if (lease.isPresent()) {
                return lease.get();
            }
        }
        return repository.lease(name);
    }

    /**
     * @return the version that answers the unversioned requests the canary does not: the pinned {@code serving}
     *         version when it is ready, else the highest ready version the rollout does not name; empty when none is
     */
    OptionalLong primary(String name, Rollout rollout) {
        List<Long> ready = repository.readyVersions(name);
        if (rollout.serving().isPresent() && ready.contains(rollout.serving().getAsLong())) {
            return rollout.serving();
        }
        List<Long> candidates = rollout.candidates();
        for (int i = ready.size() - 1; i >= 0; i--) {
            if (!candidates.contains(ready.get(i))) {
                return OptionalLong.of(ready.get(i));
            }
        }
        return OptionalLong.empty();
    }

    private Optional<Lease> tryLease(String name, long version) {
        try {
            return Optional.of(repository.lease(name, version));
        } catch (RepositoryException e) {
            return Optional.empty(); // not ready now: the rollout's problem shows it, the request goes on
        }
    }
}
