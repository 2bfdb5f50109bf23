package org.tabserve.serving;

import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.repository.Lease;
import org.tabserve.repository.RepositoryException;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.serving.feedback.FeedbackMonitor;
import org.tabserve.serving.feedback.LabelRate;
import org.tabserve.serving.feedback.RequestIds;
import org.tabserve.serving.rollout.Rollouts;
import org.tabserve.serving.trace.RequestSpan;

/**
 * The model one request resolved to, handed to its handler (or the gRPC service's call) as an argument: the name and
 * version its path names (none on the root routes: the default model), and the lease on that model once the handler
 * asks for it (a request that names no version gets the one its model's rollout chooses, {@link Rollouts}). Whoever made it (the route servlet, the gRPC service) closes it when the request ends, so that the
 * request finishes on the model it began with even if that model is swapped or unloaded meanwhile. It holds the
 * request's own state (its lease, id, caller, whether it is logged) and gives the answer's request-level values
 * ({@link #source()}); what its predictions owe is counted by the hooks the scoring entry point hands the answer's
 * assembler, which tell it how to count the request when it closes ({@link #atClose}).
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
    /** Whether {@link #requestId} was made here, not the caller's. */
    private boolean minted;

    private final long started = System.nanoTime();
    /** Told how the request ended, once its answer's hooks are made ({@link #atClose}); or null. */
    private BiConsumer<Boolean, Long> atClose;
    /** Whether the request failed: what the v2 statistics count it as. */
    private boolean failed;
    /** Whether the prediction log samples this request: drawn once, so that a request is logged whole or not. */
    private final boolean logged;
    /** Whether the request named no version, so that its model's rollout chose it and compares what it scores. */
    private boolean unversioned;
    /** Told the version once the request has leased its model (the route servlet's version header); or null. */
    private Consumer<AnswerSource> whenLeased;
    /** The request's span, the parent of its answer's stages: {@link RequestSpan#NONE} when not traced. */
    private RequestSpan span = RequestSpan.NONE;
    /** The caller's address, which the answers kept for labels are counted under ({@link #client(String)}). */
    private String client = FeedbackMonitor.NOBODY;
    /** Who is calling, as its credential said. */
    private Caller caller = Caller.NOBODY;

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
                whenLeased.accept(source());
            }
        }
        return lease.model();
    }

    /**
     * Tells {@code action} the version the request is answered by, once it has leased its model: how every answer
     * says which version gave it, whichever version a canary chose.
     */
    public void whenLeased(Consumer<AnswerSource> action) {
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

    /** Counts {@code rows} rows measured for novelty, {@code novel} of them flagged, under the request's model. */
    void novelty(int rows, int novel) {
        served.metrics().novelty().record(name(), rows, novel);
    }

    /**
     * Tells {@code action}, when the request ends, whether it failed and how long it took: how the hooks its answer
     * owed count the request once it is over.
     */
    void atClose(BiConsumer<Boolean, Long> action) {
        this.atClose = action;
    }

    /** @return the models the app serves, for the hooks the request's answer owes */
    ServedModels served() {
        return served;
    }

    /** @return the answer's request-level values, once the model is leased */
    AnswerSource source() {
        Model scoring = model();
        return new AnswerSource(
                lease.name(),
                lease.version(),
                scoring.sha256(),
                scoring.engine().name(),
                requestId,
                shownVersion().isPresent(),
                span.traceId());
    }

    /** Makes {@code span} the request's, the parent of its answer's stages. */
    public void trace(RequestSpan span) {
        this.span = span;
    }

    /** @return the request's span, whose stages its answer's work opens ({@link RequestSpan#NONE} when untraced) */
    public RequestSpan trace() {
        return span;
    }

    /** @return whether the request named no version, so that its model's rollout chose it */
    boolean unversioned() {
        return unversioned;
    }

    /** @return the id the answer carries back (the caller's, or one given to it), or null */
    String knownId() {
        return requestId;
    }

    /** @return the caller's key, which the answers kept for labels are counted under */
    String clientKey() {
        return client;
    }

    /**
     * Names who is calling, as the transport's credential said ({@link Caller#NOBODY} until it does): its name and
     * kind become attributes of the request's span, when it is sampled.
     */
    public void caller(Caller caller) {
        this.caller = caller;
        if (span.traceId() != null && !caller.name().isEmpty()) { // sampled, and a credential named the caller
            span.attribute(RequestSpan.CLIENT_NAME, caller.name())
                    .attribute(RequestSpan.CLIENT_KIND, caller.kind().word());
        }
    }

    /** @return who is calling: what it may do is asked of it where the request's work needs it (explanations) */
    public Caller caller() {
        return caller;
    }

    /** @return what was called, for the prediction log */
    String call() {
        return call;
    }

    /** @return when the request began, in {@link System#nanoTime()} */
    long started() {
        return started;
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
            minted = true;
        }
        return requestId;
    }

    /** @return whether the request's id was made here ({@link RequestIds#next}), not sent by its caller */
    boolean mintedId() {
        return minted;
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
            if (atClose != null) {
                atClose.accept(failed, System.nanoTime() - started);
            } else if (failed) {
                served.monitors()
                        .statistics()
                        .answered(lease.name(), lease.version(), false, System.nanoTime() - started);
            }
            inFlight.decrementAndGet();
            lease.close();
        }
    }
}
