package org.tabserve.serving.feedback;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.model.live.LiveCounts;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.Task;
import org.tabserve.repository.VersionKey;
import org.tabserve.serving.budget.MemoryBudget;

/**
 * How well each served model version is doing now: its answers of the last hour kept by request id
 * ({@link RecentAnswers}), so that labels sent later ({@code POST /api/feedback}) are joined to them for a live
 * accuracy (classifier) or mean absolute error (regressor), and an estimate of its accuracy without labels from its
 * rows' calibrated confidence ({@link Confidence}); fed where every route's scored batches are counted
 * (by the scoring entry point, above this package), read by {@code /api/models}, the pages and {@code /metrics}.
 *
 * <p>The answers kept take room from {@link #BUDGET_SHARE} of the memory budget, set aside from what requests share
 * ({@link #keepWithin}): past that, a version's oldest answers go first, and a label that comes for one is counted as
 * expired.
 */
public final class FeedbackMonitor {

    /** How long an answer waits for its label, and the window of the live figures: the last hour. */
    public static final long WINDOW_NANOS = LiveCounts.WINDOW_SECONDS * 1_000_000_000L;
    /** The largest share of the memory budget the answers kept for labels take, so that requests keep the rest. */
    static final int BUDGET_SHARE_DIVISOR = 16;
    /** {@link #BUDGET_SHARE_DIVISOR} as words, for the docs and the Javadoc. */
    static final String BUDGET_SHARE = "1/" + BUDGET_SHARE_DIVISOR;
    /** The client of answers whose caller is not known (a test's, a call without an address). */
    public static final String NOBODY = "";

    /**
     * One label a caller sent.
     *
     * @param requestId the {@code X-Request-Id} the answer carried
     * @param row       the row of that answer, counted from 0 in the order the answer gave its rows
     * @param label     a classifier's true class label; null for a regressor
     * @param value     a regressor's true value; NaN for a classifier
     * @param client    the caller the answer was given to (its name; {@link #NOBODY} for one that sent no
     *                  credential): request ids are each caller's own, so that a label joins only an answer of the
     *                  caller it names, whom the web layer has checked it may label for
     */
    public record Label(String requestId, int row, String label, double value, String client) {

        /** A label of an answer given without a credential. */
        public Label(String requestId, int row, String label, double value) {
            this(requestId, row, label, value, NOBODY);
        }
    }

    /**
     * What a feedback request's labels came to: joined to their answers, or not, and why not.
     *
     * @param joinedBy  the labels joined, by the version that answered them
     * @param notJoined the first labels not joined ({@link LabelJoins#MAX_NOT_JOINED}), each with why
     */
    public record Outcome(
            long joined,
            long unknown,
            long expired,
            long duplicates,
            long refused,
            Map<Long, Long> joinedBy,
            List<NotJoined> notJoined) {}

    /**
     * A label not joined, and why.
     *
     * @param outcome {@code unknown}, {@code expired}, {@code duplicate} or {@code refused}
     * @param reason  why, in words
     */
    public record NotJoined(String requestId, int row, String outcome, String reason) {}

    /**
     * One version's live performance over the last hour.
     *
     * @param labelled          labels joined to their answers
     * @param liveAccuracy      a classifier's share of labelled rows it answered right; null without labels
     * @param liveMae           a regressor's mean absolute error on labelled rows; null without labels
     * @param unknown           labels for an id and row no kept answer had
     * @param expired           labels for answers older than the window, or dropped for room
     * @param duplicates        labels for a row already labelled
     * @param scored            rows a classifier scored
     * @param estimatedAccuracy the mean confidence of those rows (CBPE); null for a regressor or before any row
     * @param calibrated        whether that confidence is read through the card's calibration curve
     * @param fleet             whether the label figures are the fleet's (from the shared store), not this
     *                          replica's alone
     */
    public record Performance(
            long labelled,
            Double liveAccuracy,
            Double liveMae,
            long unknown,
            long expired,
            long duplicates,
            long scored,
            Double estimatedAccuracy,
            boolean calibrated,
            boolean fleet) {}

    /**
     * A version's answers and figures, the range its labels may have (a regressor's), and the model instance they are
     * for: a reloaded version starts anew.
     */
    record Entry(
            Model model, RecentAnswers answers, LivePerformance performance, Confidence confidence, LabelRange range) {}

    private final Map<VersionKey, Entry> entries = new ConcurrentHashMap<>();
    private final TakenIds taken = new TakenIds();
    private final LongSupplier nanoClock;
    private volatile AnswerRoom room = new AnswerRoom(0);
    /** The fleet's store of answers kept for labels, or null: each replica keeps its own ({@link #share}). */
    private volatile SharedAnswers shared;

    /** Registers the live performance series in {@code registry}, read at each scrape. */
    public FeedbackMonitor(PrometheusRegistry registry) {
        this(registry, System::nanoTime);
    }

    FeedbackMonitor(PrometheusRegistry registry, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        FeedbackSeries.register(registry, this);
    }

    void each(java.util.function.BiConsumer<VersionKey, Entry> action) {
        entries.forEach(action);
    }

    /**
     * Lets answers be kept for labels, in {@link #BUDGET_SHARE} of {@code budget} set aside for them; until then none
     * are (the estimate without labels is counted all the same). Set aside, as the prediction log's queue is, rather
     * than taken as they come: kept answers live for an hour, and a request that alone needs more than what is left
     * must be told so at once (413), not wait for room they hold and be told the server is busy (503).
     *
     * @return the budget that is left for requests
     */
    public MemoryBudget keepWithin(MemoryBudget budget) {
        long share = budget.capacity() / BUDGET_SHARE_DIVISOR;
        room = new AnswerRoom(share);
        return budget.setAside(share, "answers kept for labels (" + BUDGET_SHARE + " of the budget)");
    }

    /**
     * Counts the answer of one model call: its rows' confidence, and, when the caller knows the request's id, the
     * answer itself for the labels to come. An answer kept for labels is never replaced: one whose id has an answer
     * kept already, in any version of the model (or had one within {@link RecentAnswers#REMEMBERED_NANOS}), is not
     * kept, and counted ({@link #reusedIds}; {@link TakenIds}); labels for the id join its first answer. So it is in the
     * shared store. Each caller's ids are its own ({@code owner}): another caller's answer under the same id is
     * another answer, and only labels naming {@code owner} join it.
     *
     * @param owner     the caller's name, as its credential gave it ({@link #NOBODY} for one that sent none)
     * @param requestId the id the answer carries back ({@code X-Request-Id}), or null when it carries none
     * @param minted    whether this server made {@code requestId} for the request ({@link RequestIds#next}: 122 random
     *                  bits no caller sent before), so that no answer can hold it yet and none is looked for; a caller
     *                  who later sends it back as its own id is looked up as any other
     * @param first     the request's rows answered before this call (a CSV upload's earlier chunks)
     * @param ticket    a number drawn once for the request, the same for each of its calls, so that a later part is
     *                  kept only after its own request's first part (in the shared store, which keeps them later)
     * @param client    the caller, as {@link LabelRate#key} names it ({@link #NOBODY} when unknown)
     * @param trace     the request's trace, whose span the shared store's round trip that keeps the answer is
     * @return whether the answer was kept here or handed to the shared store (which may still not keep it): when
     *         not, the request's later parts are not to be offered
     */
    public boolean answered(
            String name,
            long version,
            Model model,
            String owner,
            String requestId,
            boolean minted,
            int first,
            long ticket,
            List<Prediction> predictions,
            String client,
            AnswerTrace trace) {
        Entry entry = entry(name, version, model);
        long now = nanoClock.getAsLong();
        if (model.signature().task() == Task.CLASSIFICATION) {
            UnlabelledFigures.confidence(entry.confidence(), entry.performance(), now, predictions);
        } else {
            UnlabelledFigures.range(entry.range(), predictions);
        }
        if (requestId == null || predictions.isEmpty()) {
            return false;
        }
        SharedAnswers store = shared;
        if (store != null) {
            KeptRows rows = KeptRows.of(model.signature().classLabels(), first, predictions);
            if (rows == null || !IdRing.storable(requestId)) {
                return false;
            }
            store.keep(rows.kept(name, version, owner, requestId, first, ticket, trace));
            return true;
        }
        synchronized (taken.lock(name)) { // an id is the model's: taken in one version at a time
            if (first == 0 && !minted && taken.held(name, now, owner, requestId, v -> answersOf(name, v))) {
                taken.reused();
                return false;
            }
            boolean kept = entry.answers().keep(now, owner, requestId, first, predictions, client);
            if (!kept && first == 0 && takeBackFromOthers(entry, client)) {
                kept = entry.answers().keep(now, owner, requestId, first, predictions, client);
            }
            return kept;
        }
    }

    /**
     * @return answers not kept for labels because their request id had one kept already (here, or in the shared
     *         store), since start
     */
    public long reusedIds() {
        return taken.reusedCount();
    }

    /** @return the answers kept by version {@code version} of model {@code name}, or null when it is not served */
    private RecentAnswers answersOf(String name, long version) {
        Entry entry = entries.get(new VersionKey(name, version));
        return entry == null ? null : entry.answers();
    }

    /**
     * When an answer found no room in its own version, lets the client holding the most of the room give back its
     * oldest answer in another version, so that one flood does not keep every other model's answers out. Takes one
     * version's lock at a time, never two.
     *
     * @return whether an answer was let go
     */
    private boolean takeBackFromOthers(Entry own, String client) {
        String heaviest = room.heaviestOver(client);
        if (heaviest.equals(client)) {
            return false;
        }
        for (Entry other : entries.values()) {
            if (other != own && other.answers().dropOldestOf(heaviest)) {
                return true;
            }
        }
        return false;
    }

    private Entry entry(String name, long version, Model model) {
        VersionKey key = new VersionKey(name, version);
        Entry entry = entries.get(key);
        if (entry == null || entry.model() != model) {
            entry = entries.compute(key, (k, before) -> {
                if (before != null && before.model() == model) {
                    return before;
                }
                if (before != null) {
                    before.answers().clear();
                }
                taken.served(name, version);
                return new Entry(
                        model,
                        new RecentAnswers(model.signature().classLabels(), room),
                        new LivePerformance(),
                        Confidence.of(model),
                        new LabelRange(model.card()));
            });
        }
        return entry;
    }

    /**
     * Joins each label to the answer it names and counts it in the live figures; a label for no kept answer is
     * counted too, never refused, and so is a regressor's true value beyond what a label can honestly be
     * ({@link LabelRange}), refused alone, never its batch. The labels' types are the caller's to have checked
     * against the model. With a shared store, its round trip is a span of {@code trace}'s (the feedback request's).
     */
    public Outcome join(String name, long version, Model model, List<Label> labels, AnswerTrace trace) {
        return LabelJoins.join(
                shared, name, version, entry(name, version, model), entries, nanoClock.getAsLong(), labels, trace);
    }

    /**
     * @return the live performance of version {@code version} of model {@code name} as it is served now
     *         ({@code model}); empty before it has scored anything
     */
    public Optional<Performance> of(String name, long version, Model model) {
        Entry entry = entries.get(new VersionKey(name, version));
        return entry == null || entry.model() != model
                ? Optional.empty()
                : Optional.of(of(new VersionKey(name, version), entry));
    }

    Performance of(VersionKey key, Entry entry) {
        double[] sums = entry.performance().recent(nanoClock.getAsLong());
        SharedAnswers store = shared;
        double[] fleet = store == null ? null : store.recent(key.name(), key.version());
        if (fleet != null) { // the label figures are the fleet's; the rows scored, this replica's
            fleet[LivePerformance.Sum.SCORED.ordinal()] = sums[LivePerformance.Sum.SCORED.ordinal()];
            fleet[LivePerformance.Sum.CONFIDENCE.ordinal()] = sums[LivePerformance.Sum.CONFIDENCE.ordinal()];
            sums = fleet;
        }
        long labelled = (long) sums[LivePerformance.Sum.LABELLED.ordinal()];
        long scored = (long) sums[LivePerformance.Sum.SCORED.ordinal()];
        boolean classifier = entry.model().signature().task() == Task.CLASSIFICATION;
        Double accuracy = classifier && labelled > 0 ? sums[LivePerformance.Sum.CORRECT.ordinal()] / labelled : null;
        Double mae = !classifier && labelled > 0 ? sums[LivePerformance.Sum.ABSOLUTE_ERROR.ordinal()] / labelled : null;
        Double estimate = classifier && scored > 0 ? sums[LivePerformance.Sum.CONFIDENCE.ordinal()] / scored : null;
        return new Performance(
                labelled,
                accuracy,
                finite(mae),
                (long) sums[LivePerformance.Sum.UNKNOWN.ordinal()],
                (long) sums[LivePerformance.Sum.EXPIRED.ordinal()],
                (long) sums[LivePerformance.Sum.DUPLICATE.ordinal()],
                scored,
                estimate,
                entry.confidence().calibrated(),
                fleet != null);
    }

    /** @return {@code figure}, or null when it is not a number (a regressor that answered NaN): never NaN in JSON */
    private static Double finite(Double figure) {
        return figure == null || Double.isFinite(figure) ? figure : null;
    }

    /**
     * Keeps answers for labels in the fleet's shared store rather than in this server's memory, so that a label posted
     * to any replica joins, and the live figures are the fleet's.
     *
     * @param open opens the store (its client loads then, only when one is given), handed what it tells of each
     *             answer not kept because its id was taken
     * @throws IllegalArgumentException from {@code open}, for an address that is not one
     */
    public void share(java.util.function.Function<Runnable, SharedAnswers> open) {
        shared = open.apply(taken::reused);
    }

    /** @return where the answers kept for labels are shared, without credentials; empty when each replica keeps its own */
    public Optional<String> sharedIn() {
        SharedAnswers store = shared;
        return store == null ? Optional.empty() : Optional.of(store.describe());
    }

    /** @return the fleet's shared store, or null */
    SharedAnswers shared() {
        return shared;
    }

    /** Stops writing to the shared store, if any. */
    public void close() {
        SharedAnswers store = shared;
        shared = null;
        if (store != null) {
            store.close();
        }
    }

    /** Version {@code version} of model {@code name} is no longer served: its answers and figures go. */
    public void forget(String name, long version) {
        Entry entry = entries.remove(new VersionKey(name, version));
        if (entry != null) {
            entry.answers().clear();
        }
        taken.notServed(name, version);
    }

    /** Model {@code name} is gone: the answers and figures of all its versions go too. */
    public void forget(String name) {
        entries.keySet().stream()
                .filter(key -> key.name().equals(name))
                .toList()
                .forEach(key -> forget(key.name(), key.version()));
    }
}
