package org.tabserve.serving;

import java.io.IOException;
import java.util.Optional;
import org.tabserve.model.Model;
import org.tabserve.predictionlog.PredictionLog;
import org.tabserve.repository.Lease;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.RepositoryException;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.serving.monitor.Monitors;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.serving.rollout.Rollouts;
import org.tabserve.serving.trace.Tracing;

/**
 * The models the server serves ({@link ModelRepository}), which of them the root routes answer with (the default
 * model), and where their predictions are counted (the metrics, the monitors, the prediction log). A request's own model is a
 * {@code ResolvedModel}, made from this for each request.
 */
public final class ServedModels {

    private final ModelRepository repository;
    private final TabserveMetrics metrics;
    /** Each version's live inputs, answers kept for labels and statistics, which the metrics' registry exposes. */
    private final Monitors monitors;
    /** Why the app has no model, when the one model it was given could not be loaded; else null. */
    private final String failure;

    private final PredictionLog predictionLog;
    private final Rollouts rollouts;
    private final Readiness readiness;
    private volatile Tracing tracing = Tracing.OFF;

    /**
     * @param failure       why no model is served when the app was given one model and it failed to load; else null
     * @param predictionLog where sampled requests' scored rows are logged ({@link PredictionLog#off()}: nowhere)
     * @param draining      whether the server is draining before it stops (the launcher's flag), for readiness
     * @param budget        the memory budget requests share, which rollouts' comparisons reserve from too
     */
    public ServedModels(
            ModelRepository repository,
            TabserveMetrics metrics,
            Monitors monitors,
            String failure,
            PredictionLog predictionLog,
            java.util.function.BooleanSupplier draining,
            MemoryBudget budget) {
        this.repository = repository;
        this.metrics = metrics;
        this.monitors = monitors;
        this.failure = failure;
        this.predictionLog = predictionLog;
        this.rollouts = new Rollouts(repository, metrics, budget);
        rollouts.reread(); // the scans at start-up came before there was anyone to tell
        this.readiness = new Readiness(repository, draining);
    }

    /** @return each model's rollout: what answers its unversioned requests, and the live comparisons */
    public Rollouts rollouts() {
        return rollouts;
    }

    public PredictionLog predictionLog() {
        return predictionLog;
    }

    /** @return what opens each request's span: {@link Tracing#OFF} unless the wiring turned tracing on */
    public Tracing tracing() {
        return tracing;
    }

    /** Traces the requests with {@code tracing}, set once by the wiring before the first request. */
    public void trace(Tracing tracing) {
        this.tracing = tracing;
    }

    public ModelRepository repository() {
        return repository;
    }

    /** @return whether the server should be sent requests, the readiness routes' and gRPC ServerReady's answer */
    public Readiness readiness() {
        return readiness;
    }

    public TabserveMetrics metrics() {
        return metrics;
    }

    /** @return each served version's live inputs and drift, answers kept for labels, and inference statistics */
    public Monitors monitors() {
        return monitors;
    }

    /** @return the default model as it serves now, if it does (whatever the calling request uses) */
    public Optional<Model> current() {
        try (Lease lease = repository.lease(defaultName())) {
            return Optional.of(lease.model()); // its signature and card stay readable after the lease
        } catch (ServingException | RepositoryException e) {
            return Optional.empty();
        }
    }

    /**
     * Makes {@code next}, loaded from {@code file}, the default model at once; requests already running finish on
     * the model they began with, which closes after the last of them. With a writable model directory the file is
     * installed there, so that the swap survives a restart.
     *
     * @param loadSeconds how long loading and checking {@code next} took
     * @return the model that served before, if any (closed, or to be closed by its last request)
     */
    public Optional<Model> replace(java.nio.file.Path file, Model next, double loadSeconds) throws IOException {
        Optional<Model> previous = current();
        String name = repository.defaultModel().orElseGet(() -> next.card().name());
        boolean kept = repository
                .options()
                .directory()
                .map(java.nio.file.Files::isWritable)
                .orElse(false);
        if (kept) {
            next.close(); // the repository loads the file it installs itself
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
                repository.install(name, in).join(); // a failure is answered as the repository's
            }
        } else {
            repository.serve(name, next, java.time.Duration.ofNanos((long) (loadSeconds * 1e9)));
        }
        return previous;
    }

    /**
     * @return the default model's name: the one the root routes answer with
     * @throws ServingException {@link ServingException.Kind#UNAVAILABLE} when there is none, saying why
     */
    public String defaultName() {
        return repository
                .defaultModel()
                .orElseThrow(() -> ServingException.of(
                        ServingException.Kind.UNAVAILABLE,
                        "no model is loaded: "
                                + (failure != null
                                        ? failure
                                        : repository
                                                .options()
                                                .directory()
                                                .map(d -> "the model directory (--models) holds no model")
                                                .orElse("none was given"))));
    }
}
