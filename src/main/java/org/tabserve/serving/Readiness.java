package org.tabserve.serving;

import java.util.List;
import java.util.function.BooleanSupplier;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.ModelState;

/**
 * Whether a load balancer should send this server requests, the one answer every readiness route and gRPC's
 * ServerReady give: every model found at start has loaded or failed and one serves, and the server is not draining
 * (stopping, under {@code java -jar}, after its {@code --drain-seconds}: it still serves what reaches it, but says
 * "not ready" so that balancers stop sending before it stops listening).
 */
public final class Readiness {

    private final ModelRepository repository;
    private final BooleanSupplier draining;

    /** @param draining whether the server is draining (the launcher's flag; never, in a plain servlet container) */
    public Readiness(ModelRepository repository, BooleanSupplier draining) {
        this.repository = repository;
        this.draining = draining;
    }

    /** @return whether the server has been asked to stop and is serving out its drain window */
    public boolean draining() {
        return draining.getAsBoolean();
    }

    /** @return whether the server should be sent requests: models loaded or failed, one serving, not draining */
    public boolean ready() {
        return !draining() && repository.ready();
    }

    /**
     * @return the store the models come from ({@code --models s3://...}): whether it answers, and why not; the cache
     *         serves while it does not
     */
    public java.util.Optional<org.tabserve.repository.ModelStore.State> store() {
        return repository.store();
    }

    /** @return the model versions that serve, as {@code name/version} */
    public List<String> loaded() {
        return versionsIn(ModelState.READY);
    }

    /** @return the model versions that could not be loaded, as {@code name/version} (their reasons are in the index) */
    public List<String> failed() {
        return versionsIn(ModelState.UNAVAILABLE);
    }

    private List<String> versionsIn(ModelState state) {
        return repository.index().stream()
                .filter(status -> status.state() == state)
                .map(status -> status.name() + "/" + status.version())
                .toList();
    }
}
