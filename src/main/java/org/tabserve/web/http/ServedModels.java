package org.tabserve.web.http;

import jakarta.servlet.http.HttpServletRequest;
import org.tabserve.model.Model;
import org.tabserve.model.Prediction;
import org.tabserve.repository.Lease;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.RepositoryException;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The models the web app serves ({@link ModelRepository}) and which of them the request at hand uses: the one its
 * path names ({@link ModelRoute}, which {@link ModelRoutesServlet} or {@code V2Servlet} reads), or on the root routes
 * the default model. Servlets ask it for "the model" and need not know there are many.
 *
 * <p>Threading: a request takes a lease on its model the first time it asks for it ({@link #classifier()}) and holds
 * it until the request ends ({@link #serve}), so it finishes on the model it began with even if that model is swapped
 * or unloaded meanwhile; the session closes after the last such request. Nested dispatches (a forward, an error page)
 * stay on the same model.
 */
public final class ServedModels {

    /** A request's work, which may fail as servlet work does. */
    interface Work {
        void run() throws IOException;
    }

    /** Request attribute: the {@link ModelRoute} the request's path names. */
    public static final String ROUTE = "tabserve.model.route";
    /** Request attribute: the name of the model the request used, for the metrics' {@code model} label. */
    static final String USED = "tabserve.model.used";

    /** A request's model: the route it names, and the lease once it has asked for the model. */
    private static final class Pin {
        private final HttpServletRequest request;
        private Lease lease;

        Pin(HttpServletRequest request) {
            this.request = request;
        }
    }

    private final ModelRepository repository;
    private final TabserveMetrics metrics;
    /** Why the app has no model, when the one model it was given could not be loaded; else null. */
    private final String failure;
    private final ThreadLocal<Pin> pinned = new ThreadLocal<>();

    /**
     * @param failure why no model is served when the app was given one model and it failed to load; null otherwise
     */
    public ServedModels(ModelRepository repository, TabserveMetrics metrics, String failure) {
        this.repository = repository;
        this.metrics = metrics;
        this.failure = failure;
    }

    public ModelRepository repository() {
        return repository;
    }

    /** Runs one request; the model it asks for is leased on first use and given back when it ends. */
    void serve(HttpServletRequest request, Work work) throws IOException {
        if (pinned.get() != null) {
            work.run();
            return;
        }
        Pin pin = new Pin(request);
        pinned.set(pin);
        try {
            work.run();
        } finally {
            pinned.remove();
            if (pin.lease != null) {
                pin.lease.close();
            }
        }
    }

    /**
     * @return the request's model, loaded and warmed up
     * @throws RepositoryException for a model or version the path names that is not served (a 404 saying which
     *                             are) or not ready (a 503 saying why)
     * @throws HttpProblem 503 when there is no model at all (saying why)
     */
    public Model classifier() {
        Pin pin = pin();
        if (pin.lease == null) {
            ModelRoute route = (ModelRoute) pin.request.getAttribute(ROUTE);
            pin.lease = lease(route != null ? route : new ModelRoute(defaultName(), Optional.empty()));
            pin.request.setAttribute(USED, pin.lease.name());
        }
        return pin.lease.model();
    }

    /**
     * The model a path names, for routes that read it themselves ({@code /v2/models/{name}/...}).
     *
     * @throws RepositoryException as {@link #classifier()}
     */
    public Model classifier(ModelRoute route) {
        Pin pin = pin();
        if (pin.request.getAttribute(ROUTE) == null) {
            pin.request.setAttribute(ROUTE, route);
        }
        return classifier();
    }

    /** @return the name of the request's model (the one its path names, or the default) */
    public String name() {
        Pin pin = pin();
        if (pin.lease != null) {
            return pin.lease.name();
        }
        ModelRoute route = (ModelRoute) pin.request.getAttribute(ROUTE);
        return route != null ? route.name() : defaultName();
    }

    /** @return the request's version, once it has asked for its model */
    public Optional<Long> version() {
        Pin pin = pin();
        return pin.lease == null ? Optional.empty() : Optional.of(pin.lease.version());
    }

    /** @return the default model, when one is ready, without failing the request when none is */
    Optional<Model> loaded() {
        try {
            return Optional.of(classifier());
        } catch (HttpProblem | RepositoryException e) {
            return Optional.empty();
        }
    }

    /**
     * Counts predictions in the metrics under the request's model; every route passes what the model answered
     * through here (or through {@link #counter()} from other threads).
     *
     * @return {@code predictions}, unchanged
     */
    public List<Prediction> counted(List<Prediction> predictions) {
        metrics.scored(name(), predictions);
        return predictions;
    }

    /** @see #counted(List) */
    Prediction counted(Prediction prediction) {
        metrics.scored(name(), List.of(prediction));
        return prediction;
    }

    /** @return a counter for the request's model that other threads (a scoring pool) may call */
    public UnaryOperator<List<Prediction>> counter() {
        String name = name();
        return predictions -> {
            metrics.scored(name, predictions);
            return predictions;
        };
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

    /** @return the default model's name: the one the root routes answer with */
    String defaultName() {
        return repository.defaultModel().orElseThrow(() -> HttpProblem.unavailable("no model is loaded: "
                + (failure != null ? failure : repository.options().directory()
                .map(d -> "the model directory (--models) holds no model").orElse("none was given"))));
    }

    /** @throws RepositoryException which {@link ErrorRenderer} answers (404 not found, 503 not ready, ...) */
    private Lease lease(ModelRoute route) {
        return route.version().isPresent() ? repository.lease(route.name(), route.version().get())
                : repository.lease(route.name());
    }

    private Pin pin() {
        Pin pin = pinned.get();
        if (pin == null) {
            throw new IllegalStateException("a model is asked for outside a request");
        }
        return pin;
    }
}
