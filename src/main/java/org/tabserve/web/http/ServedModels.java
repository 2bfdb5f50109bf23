package org.tabserve.web.http;

import org.tabserve.model.Model;
import org.tabserve.predictionlog.PredictionLog;
import org.tabserve.repository.Lease;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.RepositoryException;

import java.io.IOException;
import java.util.Optional;

/**
 * The models the web app serves ({@link ModelRepository}), which of them the root routes answer with (the default
 * model), and the metrics their predictions are counted in. A request's own model is a {@link ResolvedModel}, which
 * the {@link RouteServlet} makes from this for each request.
 */
public final class ServedModels {

    private final ModelRepository repository;
    private final TabserveMetrics metrics;
    /** Why the app has no model, when the one model it was given could not be loaded; else null. */
    private final String failure;
    private final PredictionLog predictionLog;

    /**
     * @param failure why no model is served when the app was given one model and it failed to load; null otherwise
     */
    public ServedModels(ModelRepository repository, TabserveMetrics metrics, String failure) {
        this(repository, metrics, failure, PredictionLog.off());
    }

    /**
     * @param failure       why no model is served when the app was given one model and it failed to load; else null
     * @param predictionLog where sampled requests' scored rows are logged ({@link PredictionLog#off()}: nowhere)
     */
    public ServedModels(ModelRepository repository, TabserveMetrics metrics, String failure,
                        PredictionLog predictionLog) {
        this.repository = repository;
        this.metrics = metrics;
        this.failure = failure;
        this.predictionLog = predictionLog;
    }

    PredictionLog predictionLog() {
        return predictionLog;
    }

    public ModelRepository repository() {
        return repository;
    }

    TabserveMetrics metrics() {
        return metrics;
    }

    /** @return the default model as it serves now, if it does (whatever the calling request uses) */
    public Optional<Model> current() {
        try (Lease lease = repository.lease(defaultName())) {
            return Optional.of(lease.model()); // its signature and card stay readable after the lease
        } catch (HttpProblem | RepositoryException e) {
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
        boolean kept = repository.options().directory().map(java.nio.file.Files::isWritable).orElse(false);
        if (kept) {
            next.close(); // the repository loads the file it installs itself
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
                repository.install(name, in).join(); // a failure is answered by ErrorRenderer as the repository's
            }
        } else {
            repository.serve(name, next, java.time.Duration.ofNanos((long) (loadSeconds * 1e9)));
        }
        return previous;
    }

    /**
     * The model a caller outside the route table names (the gRPC service), as a route would resolve it; the caller
     * closes it when its request ends.
     *
     * @param name    the model's name; empty or null for the default model
     * @param version the version; empty or null for the highest ready one
     * @param call    what was called ({@code grpc ModelInfer}), for the prediction log
     * @throws HttpProblem 404 for a version that is no version
     */
    public ResolvedModel resolve(String name, String version) {
        return resolve(name, version, null);
    }

    /** {@link #resolve(String, String)} for a call that scores, named for the prediction log. */
    public ResolvedModel resolve(String name, String version, String call) {
        return new ResolvedModel(this, name == null || name.isEmpty() ? null
                : ModelRoute.of(name, version == null || version.isEmpty() ? null : version), call, null);
    }

    /** @return the default model's name: the one the root routes answer with */
    String defaultName() {
        return repository.defaultModel().orElseThrow(() -> HttpProblem.unavailable("no model is loaded: "
                + (failure != null ? failure : repository.options().directory()
                .map(d -> "the model directory (--models) holds no model").orElse("none was given"))));
    }
}
