package org.tabserve.serving;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.tabserve.model.Batch;
import org.tabserve.model.LiveProfile;
import org.tabserve.model.Model;
import org.tabserve.model.Prediction;
import org.tabserve.predictionlog.PredictionLog;
import org.tabserve.predictionlog.ScoredCall;
import org.tabserve.repository.Lease;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.RepositoryException;
import org.tabserve.serving.feedback.FeedbackMonitor;
import org.tabserve.serving.feedback.LabelRate;
import org.tabserve.serving.feedback.RequestIds;
import org.tabserve.serving.limits.ServingException;
import org.tabserve.serving.monitor.Monitors;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.serving.rollout.Rollouts;

/**
 * The model one request resolved to, handed to its handler (or the gRPC service's call) as an argument: the name and
 * version its path names (none on the root routes: the default model), and the lease on that model once the handler
 * asks for it (a request that names no version gets the one its model's rollout chooses, {@link Rollouts}). Whoever made it (the route servlet, the gRPC service) closes it when the request ends, so that the
 * request finishes on the model it began with even if that model is swapped or unloaded meanwhile; every prediction
 * it makes is counted here in the metrics, the statistics, the live profile and the prediction log, through the
 * scoring entry point ({@link Scoring}).
 */
public final class ResolvedModel implements AutoCloseable {

    private final ServedModels served;
    /** The route's model, or null on the root routes (the default model). */
    private final ModelRoute route;

    private Lease lease;
    /** Its model's count of requests in flight, which this request is in while it holds the lease. */
    private java.util.concurrent.atomic.AtomicLong inFlight;
    /** What was called ({@code POST /api/predict}, {@code grpc ModelInfer}), for the prediction log. */
    private final String call;
    /** The caller's request id, or null to make one when the request is logged. */
    private String requestId;

    private final long started = System.nanoTime();
    /** Whether a batch was scored for this request, and whether it failed: what the v2 statistics count it as. */
    private volatile boolean scored;

    private boolean failed;
    /** Whether the prediction log samples this request: drawn once, so that a request is logged whole or not. */
    private final boolean logged;
    /** Whether the request named no version, so that its model's rollout chose it and compares what it scores. */
    private boolean unversioned;
    /** Told the version once the request has leased its model (the route servlet's version header); or null. */
    private LongConsumer whenLeased;
    /** The caller's address, which the answers kept for labels are counted under ({@link #client(String)}). */
    private String client = FeedbackMonitor.NOBODY;
    /** The rows this request's model calls have answered so far, for numbering the next call's rows for labels. */
    private final java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
    /** Drawn once, so that this request's later parts are kept for labels only after its own first part. */
    private final long ticket = java.util.concurrent.ThreadLocalRandom.current().nextLong();
    /** Whether this request's rows are still offered to be kept for labels: not once a part was not kept. */
    private volatile boolean keeping = true;

    /**
     * @param route     the model the request's path names, or null for the default model
     * @param call      what was called, for the prediction log
     * @param requestId the caller's {@code X-Request-Id}, or null
     */
    public ResolvedModel(ServedModels served, ModelRoute route, String call, String requestId) {
        this.served = served;
        this.route = route;
        this.call = call;
        this.requestId = RequestIds.valid(requestId) ? requestId : null;
        this.logged = served.predictionLog().sampled();
    }

    /**
     * The model a caller outside the route table names (the gRPC service), as a route would resolve it; the caller
     * closes it when its request ends.
     *
     * @param name    the model's name; empty or null for the default model
     * @param version the version; empty or null for the highest ready one
     * @param call    what was called ({@code grpc ModelInfer}), for the prediction log; null for a call that scores
     *                nothing
     * @throws ServingException {@link ServingException.Kind#NOT_FOUND} for a version that is no version
     */
    public static ResolvedModel of(ServedModels served, String name, String version, String call) {
        return of(served, name, version, call, null);
    }

    /** {@link #of(ServedModels, String, String, String)} for a caller that sent a request id (or null). */
    public static ResolvedModel of(ServedModels served, String name, String version, String call, String requestId) {
        return new ResolvedModel(
                served,
                name == null || name.isEmpty()
                        ? null
                        : ModelRoute.of(name, version == null || version.isEmpty() ? null : version),
                call,
                requestId);
    }

    /** @return whether the prediction log writes what this request scores */
    public boolean logged() {
        return logged;
    }

    /** @return whether the server should be sent requests, and which models loaded or failed */
    public Readiness readiness() {
        return served.readiness();
    }

    /** @return the models the app serves, for the routes that list or change them */
    public ModelRepository repository() {
        return served.repository();
    }

    /** @return the name and version the path names; empty on the root routes */
    public Optional<ModelRoute> route() {
        return Optional.ofNullable(route);
    }

    /**
     * @return the request's model, loaded and warmed up, leased on first use until the request ends
     * @throws RepositoryException for a model or version the path names that is not served (a 404 saying which
     *                             are) or not ready (a 503 saying why)
     * @throws ServingException {@link ServingException.Kind#UNAVAILABLE} when there is no model at all (saying why)
     */
    public Model model() {
        if (lease == null) {
            ModelRoute named = route != null ? route : new ModelRoute(served.defaultName(), Optional.empty());
            unversioned = named.version().isEmpty();
            lease = unversioned
                    ? served.rollouts().lease(named.name(), requestId)
                    : served.repository().lease(named.name(), named.version().get());
            inFlight = served.metrics().concurrency().enter(lease.name());
            if (whenLeased != null) {
                whenLeased.accept(lease.version());
            }
        }
        return lease.model();
    }

    /**
     * Tells {@code action} the version the request is answered by, once it has leased its model: how every answer
     * says which version gave it, whichever version a canary chose.
     */
    public void whenLeased(LongConsumer action) {
        this.whenLeased = action;
    }

    /**
     * @return the version that answers, when the answer's JSON names it: an unversioned request of a model under a
     *         canary rollout, which either version may answer; else empty, so that answers stay as they were
     */
    public Optional<Long> shownVersion() {
        return unversioned && lease != null && served.rollouts().canary(lease.name())
                ? Optional.of(lease.version())
                : Optional.empty();
    }

    /** @return the rollouts of the served models */
    public Rollouts rollouts() {
        return served.rollouts();
    }

    /** @return the model, or empty when none is ready, without failing the request */
    public Optional<Model> loaded() {
        try {
            return Optional.of(model());
        } catch (ServingException | RepositoryException e) {
            return Optional.empty();
        }
    }

    /** @return the name of the request's model (the one its path names, or the default) */
    public String name() {
        if (lease != null) {
            return lease.name();
        }
        return route != null ? route.name() : served.defaultName();
    }

    /** @return the request's version, once it has asked for its model */
    public Optional<Long> version() {
        return lease == null ? Optional.empty() : Optional.of(lease.version());
    }

    /** @return the name of the model the request used, for the metrics' {@code model} label; empty if none */
    public String used() {
        return lease == null ? "" : lease.name();
    }

    /** What is owed for each batch the request's model answered ({@link #counter()}). */
    @FunctionalInterface
    interface Counter {
        /** @return {@code predictions}, unchanged */
        List<Prediction> counted(Batch batch, List<Prediction> predictions);
    }

    /** Counts {@code rows} rows measured for novelty, {@code novel} of them flagged, under the request's model. */
    void novelty(int rows, int novel) {
        served.metrics().novelty().record(name(), rows, novel);
    }

    /**
     * @return what counts each batch the request's model answered in the metrics, the statistics, the live profile
     *         and drift, the answers kept for labels, the rollout's comparison and the prediction log: called by the
     *         scoring entry point alone ({@link RequestScoring}), once per batch, in the order of the rows sent
     */
    Counter counter() {
        Model scoring = model();
        String name = name();
        long version = lease.version();
        TabserveMetrics metrics = served.metrics();
        Monitors monitors = served.monitors();
        PredictionLog log = served.predictionLog();
        String known = requestId; // an id the answer carries back (the caller's, or given to it), for labels to name
        String caller = client;
        String id = logged ? requestId() : null;
        Rollouts rollouts = unversioned ? served.rollouts() : null;
        return (batch, predictions) -> {
            scored = true;
            metrics.scored(name, predictions);
            monitors.statistics().executed(name, version, batch.size());
            monitors.drift().record(name, version, scoring, batch);
            if (rollouts != null) {
                rollouts.scored(name, version, batch, predictions); // off the answer's path: queued, or skipped
            }
            int first = answered.getAndAdd(predictions.size());
            if (!monitors.feedback()
                    .answered(name, version, scoring, keeping ? known : null, first, ticket, predictions, caller)) {
                keeping = false; // a later part would join another request's rows, or be numbered wrongly
            }
            if (id != null) {
                log.offer(new ScoredCall(
                        id,
                        call,
                        name,
                        version,
                        scoring,
                        Instant.now(),
                        System.nanoTime() - started,
                        batch,
                        predictions));
            }
            return predictions;
        };
    }

    /**
     * Names the caller (its address, as the container reports it), so that the answers kept for its labels are
     * counted as its own: one client's flood then takes back its own answers, never another's
     * ({@link FeedbackMonitor}).
     */
    public void client(String address) {
        this.client = LabelRate.key(address);
    }

    /** @return the request's id: the caller's {@code X-Request-Id}, or one made for it on first use */
    public String requestId() {
        if (requestId == null) {
            requestId = RequestIds.next();
        }
        return requestId;
    }

    /** @return the live profile of the request's model version (an empty one before it has scored anything) */
    public LiveProfile live() {
        Model scoring = model();
        return served.monitors()
                .drift()
                .of(name(), lease.version(), scoring)
                .orElseGet(() -> new LiveProfile(scoring.signature(), scoring.card()));
    }

    /** Marks the request as failed (refused or broken) for the v2 statistics of its model, if it leased one. */
    public void failed() {
        failed = true;
    }

    /**
     * Counts the request in its model's statistics (when it scored or failed) and gives the lease back; the model
     * closes after its last request if it was swapped or unloaded meanwhile.
     */
    @Override
    public void close() {
        if (lease != null) {
            if (scored || failed) {
                served.monitors()
                        .statistics()
                        .answered(lease.name(), lease.version(), scored && !failed, System.nanoTime() - started);
            }
            if (unversioned && scored && !failed) {
                served.rollouts().answered(lease.name(), lease.version());
            }
            inFlight.decrementAndGet();
            lease.close();
        }
    }
}
