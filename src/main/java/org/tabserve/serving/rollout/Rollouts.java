package org.tabserve.serving.rollout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.repository.Lease;
import org.tabserve.repository.ModelRepository;
import org.tabserve.repository.RepositoryException;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.serving.monitor.TabserveMetrics;

/**
 * Each model's {@link Rollout}, as its {@code rollout.json} (read at each scan of the model directory) or the admin
 * API sets it, and what it does to requests: which version an unversioned request is answered by (the canary's share,
 * else the primary: the pinned {@code serving} version, else the highest ready version the rollout does not name:
 * {@link VersionChoice}), and which scored rows are compared on both versions ({@link ShadowScorer},
 * {@link VersionComparison}). A request never fails for a rollout: a version it names that is not ready is passed over
 * (and shown as a problem), and the repository's own choice answers.
 *
 * <p>Threading: requests read the current rollouts without a lock; changes (a scan, the admin API) are made one at a
 * time under this object's lock.
 */
public final class Rollouts implements AutoCloseable {

    /** The file a model's rollout is read from and written to, in its directory of the repository. */
    public static final String FILE = RolloutFiles.FILE;

    static final String SHADOW = Rollout.SHADOW;
    static final String CANARY = Rollout.CANARY;

    private record Pair(String name, String role) {}

    private final ModelRepository repository;
    private final ShadowScorer scorer;
    private final RolloutChecks checks;
    private final RolloutStore store;
    private final VersionChoice choice;
    private final Map<Pair, VersionComparison> comparisons = new ConcurrentHashMap<>();

    /**
     * @param metrics where the comparisons' series are registered
     * @param budget  the memory budget requests share, which the rows waiting to be compared reserve from
     */
    public Rollouts(ModelRepository repository, TabserveMetrics metrics, MemoryBudget budget) {
        this.repository = repository;
        this.choice = new VersionChoice(repository);
        this.scorer = new ShadowScorer(repository, budget);
        this.checks = new RolloutChecks(repository);
        this.store = new RolloutStore(repository);
        new RolloutMetrics(this).register(metrics.registry());
    }

    /**
     * Lends the version an unversioned request of model {@code name} is answered by: without a rollout, the highest
     * ready one, as the repository chooses.
     *
     * @param requestId the caller's request id, or null: a canary decides by it
     * @throws RepositoryException as {@link ModelRepository#lease(String)}
     */
    public Lease lease(String name, String requestId) {
        RolloutStore.Held current = store.held(name);
        return choice.lease(name, current == null ? Rollout.NONE : current.rollout(), requestId);
    }

    /**
     * Hands rows that version {@code version} of model {@code name} scored for an unversioned request, and its
     * answers to them, to the rollout's comparisons (its sampled share), to be scored on the other version off the
     * answer's path.
     */
    public void scored(String name, long version, Batch batch, List<Prediction> answered) {
        scored(name, version, batch, answered, AnswerTrace.NONE);
    }

    /** As {@link #scored(String, long, Batch, List)}, each comparison a stage of the request's {@code trace}. */
    public void scored(String name, long version, Batch batch, List<Prediction> answered, AnswerTrace trace) {
        RolloutStore.Held current = store.held(name);
        if (current == null) {
            return;
        }
        Rollout rollout = current.rollout();
        rollout.shadow()
                .filter(s -> s.version() != version && drawn(s.sample()))
                .ifPresent(s -> scorer.offer(
                        name, comparison(name, SHADOW, version, s.version()), batch, version, answered, trace));
        rollout.canary()
                .filter(c -> drawn(c.sample()))
                .flatMap(c -> canaryComparison(name, rollout, version))
                .ifPresent(comparison -> scorer.offer(name, comparison, batch, version, answered, trace));
    }

    /**
     * Counts an unversioned request of model {@code name} that version {@code version} answered, under a canary or a
     * shadow: each comparison's {@code answered} counts the requests each of its two versions answered.
     */
    public void answered(String name, long version) {
        RolloutStore.Held current = store.held(name);
        if (current == null) {
            return;
        }
        Rollout rollout = current.rollout();
        rollout.canary()
                .flatMap(c -> comparisonOf(name, CANARY, rollout, c.version(), version))
                .ifPresent(c -> c.answered(version));
        rollout.shadow()
                .flatMap(s -> comparisonOf(name, SHADOW, rollout, s.version(), version))
                .ifPresent(c -> c.answered(version));
    }

    /** @return the canary's comparison with the version that answered beside it, when {@code version} is one of the two */
    private Optional<VersionComparison> canaryComparison(String name, Rollout rollout, long version) {
        return comparisonOf(
                name, CANARY, rollout, rollout.canary().orElseThrow().version(), version);
    }

    /** @return the comparison of {@code role} whose candidate is {@code candidate}, when {@code version} is one of its two */
    private Optional<VersionComparison> comparisonOf(
            String name, String role, Rollout rollout, long candidate, long version) {
        OptionalLong primary = version == candidate ? choice.primary(name, rollout) : OptionalLong.of(version);
        return primary.isPresent() && primary.getAsLong() != candidate
                ? Optional.of(comparison(name, role, primary.getAsLong(), candidate))
                : Optional.empty();
    }

    private static boolean drawn(double share) {
        return share >= 1 || ThreadLocalRandom.current().nextDouble() < share;
    }

    /**
     * Sets model {@code name}'s rollout (written to its {@code rollout.json} when it has a directory of its own).
     *
     * @return the rollout's state, as {@link #status} gives it
     * @throws ServingException {@link ServingException.Kind#NOT_FOUND} for a model not served;
     *                          {@link ServingException.Kind#REFUSED} when it names a version that is not ready, leaves
     *                          no version to answer, or names one that takes other features or gives other classes
     */
    public synchronized Map<String, Object> put(String name, Rollout rollout) {
        checks.check(name, rollout, choice.primary(name, rollout));
        store.keep(name, rollout);
        return status(name);
    }

    /**
     * Makes the shadow or canary version the one that answers unversioned requests (pinned as {@code serving}), and
     * ends the rollout; no file is deleted.
     *
     * @throws ServingException {@link ServingException.Kind#REFUSED} when there is no shadow or canary, or it is not
     *                          ready
     */
    public synchronized Map<String, Object> promote(String name) {
        Rollout rollout = current(name);
        OptionalLong candidate = rollout.canary()
                .map(c -> OptionalLong.of(c.version()))
                .orElseGet(() ->
                        rollout.shadow().map(s -> OptionalLong.of(s.version())).orElse(OptionalLong.empty()));
        if (candidate.isEmpty()) {
            throw ServingException.refused("model '" + name + "' has no shadow or canary to promote");
        }
        OptionalLong before = choice.primary(name, rollout);
        return put(
                name,
                Rollout.promoted(
                        candidate.getAsLong(),
                        before.isPresent() && before.getAsLong() != candidate.getAsLong()
                                ? before
                                : OptionalLong.empty()));
    }

    /**
     * Ends the rollout and keeps the version that answered unversioned requests beside it (pinned as
     * {@code serving}), so that a higher candidate does not start answering everything; just after a promote (the
     * rollout still the one it left, {@code promoted_from} kept in it, on any replica and after a restart), pins the
     * version that served before it instead, undoing the promote. No file is deleted.
     *
     * @throws ServingException {@link ServingException.Kind#REFUSED} when there is nothing to roll back (no shadow,
     *                          canary or promote), or the version a promote replaced is no longer ready, saying what to
     *                          do instead
     */
    public synchronized Map<String, Object> rollback(String name) {
        Rollout rollout = current(name);
        if (rollout.promotedFrom().isPresent() && rollout.candidates().isEmpty()) {
            long before = rollout.promotedFrom().getAsLong();
            if (!repository.readyVersions(name).contains(before)) {
                throw ServingException.refused("model '" + name + "': the promote of version "
                        + rollout.serving().getAsLong() + " cannot be rolled back: version " + before
                        + ", which served before it, is not ready; " + howToServe(name));
            }
            return put(name, new Rollout(OptionalLong.of(before), Optional.empty(), Optional.empty()));
        }
        if (rollout.shadow().isEmpty() && rollout.canary().isEmpty()) {
            OptionalLong serving = choice.primary(name, rollout);
            throw ServingException.refused("model '" + name + "' has no shadow or canary to roll back, and no promote"
                    + " to undo"
                    + (serving.isPresent() ? "; version " + serving.getAsLong() + " serves" : "")
                    + "; " + howToServe(name));
        }
        OptionalLong primary = choice.primary(name, rollout);
        Rollout next = primary.isPresent() ? new Rollout(primary, Optional.empty(), Optional.empty()) : Rollout.NONE;
        store.keep(name, next);
        return status(name);
    }

    /** How to choose the serving version by hand, in words. */
    private static String howToServe(String name) {
        return "to serve another version, PUT /admin/models/" + name + "/rollout with {\"serving\": VERSION}"
                + " (or write it to the model's " + FILE + ")";
    }

    private Rollout current(String name) {
        checks.versions(name); // 404 for a model not served
        RolloutStore.Held current = store.held(name);
        return current == null ? Rollout.NONE : current.rollout();
    }

    /**
     * Reads each model's {@code rollout.json} that changed since the last read (the repository's scans call this):
     * a bad one is shown as such ({@link #status}) and the rollout read before it stays, as it does for a link, a
     * directory, a FIFO or a {@code {}} in its place ({@link RolloutFiles#read}); a removed one ends its rollout.
     */
    public synchronized void reread() {
        store.reread();
    }

    /** @return the comparison of {@code role} for that pair, a new one when the pair changed */
    private VersionComparison comparison(String name, String role, long primary, long candidate) {
        return comparisons.compute(
                new Pair(name, role),
                (pair, before) -> before != null && before.primary() == primary && before.candidate() == candidate
                        ? before
                        : new VersionComparison(role, primary, candidate));
    }

    /** @return whether model {@code name} has a canary: its unversioned answers name their version */
    public boolean canary(String name) {
        RolloutStore.Held current = store.held(name);
        return current != null && current.rollout().canary().isPresent();
    }

    /** @return the models with a rollout (or a {@code rollout.json} shown as bad), by name */
    public List<String> models() {
        return store.models();
    }

    /**
     * @return why model {@code name}'s rollout does not do all it says, in words (a bad {@code rollout.json}, a
     *         version it names that is not ready), or null when it does
     */
    public String problem(String name) {
        RolloutStore.Held current = store.held(name);
        if (current == null) {
            return null;
        }
        List<String> problems = new ArrayList<>();
        if (current.invalid() != null) {
            problems.add(FILE + " is not used: " + current.invalid()
                    + (current.rollout().none() ? "" : "; the rollout read before it holds"));
        }
        problems.addAll(checks.notReady(name, current.rollout()));
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    /**
     * @return model {@code name}'s rollout as {@code GET /models/{name}/api/rollout} shows it: {@code model},
     *         {@code serving} (the primary), {@code rollout} (as configured), {@code source}, {@code problem}, and
     *         {@code shadow} and {@code canary} (each null, or its comparison: see {@link VersionComparison#json()})
     */
    public Map<String, Object> status(String name) {
        RolloutStore.Held current = store.held(name);
        Rollout rollout = current == null ? Rollout.NONE : current.rollout();
        OptionalLong primary = choice.primary(name, rollout);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", name);
        json.put("serving", primary.isPresent() ? primary.getAsLong() : null);
        json.put("rollout", rollout.json());
        json.put("source", current == null ? null : current.source());
        json.put("problem", problem(name));
        json.put(
                SHADOW,
                rollout.shadow()
                        .map(s -> part(name, SHADOW, primary, s.version(), "sample", s.sample()))
                        .orElse(null));
        json.put(
                CANARY,
                rollout.canary()
                        .map(c -> {
                            Map<String, Object> part = part(name, CANARY, primary, c.version(), "sample", c.sample());
                            part.put("percent", c.percentShown());
                            return part;
                        })
                        .orElse(null));
        return json;
    }

    private Map<String, Object> part(
            String name, String role, OptionalLong primary, long candidate, String key, double value) {
        Map<String, Object> part = new LinkedHashMap<>(
                primary.isPresent()
                        ? comparison(name, role, primary.getAsLong(), candidate).json()
                        : new VersionComparison(role, 0, candidate).json());
        if (primary.isEmpty()) {
            part.put("compared_with", null);
        }
        part.put(key, value);
        return part;
    }

    /** @return the comparisons under way, for the metrics */
    Map<String, List<VersionComparison>> comparisons() {
        Map<String, List<VersionComparison>> byModel = new LinkedHashMap<>();
        comparisons.forEach((pair, comparison) -> {
            RolloutStore.Held current = store.held(pair.name());
            boolean live = current != null
                    && (pair.role().equals(SHADOW)
                            ? current.rollout()
                                    .shadow()
                                    .filter(s -> s.version() == comparison.candidate())
                                    .isPresent()
                            : current.rollout()
                                    .canary()
                                    .filter(c -> c.version() == comparison.candidate())
                                    .isPresent());
            if (live) {
                byModel.computeIfAbsent(pair.name(), n -> new ArrayList<>()).add(comparison);
            }
        });
        return byModel;
    }

    /** Stops the comparisons' thread. */
    @Override
    public void close() {
        scorer.close();
    }

    /** For tests: the scorer, to fill its queue. */
    ShadowScorer scorer() {
        return scorer;
    }
}
