package org.tabserve.serving.feedback;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.repository.VersionKey;

/**
 * Joins a feedback request's labels to the answers they name, each to the version that answered it (a canary's or
 * the primary's, whichever the request was routed to), in this server's answers or the fleet's shared store, and
 * says of each label not joined why not: a regressor's label beyond what it can honestly be ({@link LabelRange}) is
 * refused alone, its batch joined. Counts each version's labels in its own figures.
 */
final class LabelJoins {

    /** The labels not joined that an answer lists, at most, with their reasons. */
    static final int MAX_NOT_JOINED = 20;

    /** Why a label was not joined, in words, by outcome. */
    static final String UNKNOWN_HERE = "no answer of this request_id and row is kept on this server: not answered by"
            + " this model (or not with this row, or not to the client the label names: each client's request ids"
            + " are its own), forgotten long ago, or answered by another replica (each replica keeps its own answers"
            + " unless they share a store: the --shared-state setting); a later answer under an id that has one is"
            + " never kept, as labels join an id's first answer";

    static final String UNKNOWN_SHARED = "no answer of this request_id and row is in the shared store: not answered by"
            + " this model (or not to the client the label names: each client's request ids are its own), or over two hours ago, or not kept (the store was down, behind or full when it was"
            + " answered, or the id had an answer already: labels join an id's first answer)";
    static final String EXPIRED = "its answer was over an hour old when the label came, or was let go for room";
    static final String DUPLICATE = "this row had a label already: the first one counts";
    static final String CORRUPT = "the shared store holds something at this request_id that no replica wrote";

    /** One version's label sums, in {@link LivePerformance.Sum}'s order. */
    private final Map<Long, double[]> sums = new TreeMap<>();

    private final Map<Long, Long> joinedBy = new TreeMap<>();
    private final List<FeedbackMonitor.NotJoined> notJoined = new ArrayList<>();
    private final long[] outcomes = new long[RecentAnswers.Outcome.values().length];

    /**
     * Counts one label's outcome under {@code version}, its predicted class or value checked against the label
     * with {@code classes} (the answering version's).
     */
    void count(
            FeedbackMonitor.Label label,
            RecentAnswers.Outcome outcome,
            long version,
            int predictedClass,
            double predictedValue,
            List<String> classes,
            String reason) {
        outcomes[outcome.ordinal()]++;
        double[] own = sums.computeIfAbsent(version, v -> new double[LivePerformance.Sum.values().length]);
        switch (outcome) {
            case JOINED -> {
                own[LivePerformance.Sum.LABELLED.ordinal()]++;
                if (label.label() != null) {
                    own[LivePerformance.Sum.CORRECT.ordinal()] +=
                            predictedClass >= 0 && predictedClass == classes.indexOf(label.label()) ? 1 : 0;
                } else {
                    own[LivePerformance.Sum.ABSOLUTE_ERROR.ordinal()] += Math.abs(label.value() - predictedValue);
                }
                joinedBy.merge(version, 1L, Long::sum);
            }
            case UNKNOWN -> own[LivePerformance.Sum.UNKNOWN.ordinal()]++;
            case EXPIRED -> own[LivePerformance.Sum.EXPIRED.ordinal()]++;
            case DUPLICATE -> own[LivePerformance.Sum.DUPLICATE.ordinal()]++;
            case REFUSED -> own[LivePerformance.Sum.REFUSED.ordinal()]++;
        }
        if (outcome != RecentAnswers.Outcome.JOINED && notJoined.size() < MAX_NOT_JOINED) {
            notJoined.add(new FeedbackMonitor.NotJoined(
                    label.requestId(), label.row(), outcome.name().toLowerCase(java.util.Locale.ROOT), reason));
        }
    }

    /** @return each version's sums, to be added to its figures */
    Map<Long, double[]> sums() {
        return sums;
    }

    FeedbackMonitor.Outcome outcome() {
        return new FeedbackMonitor.Outcome(
                outcomes[RecentAnswers.Outcome.JOINED.ordinal()],
                outcomes[RecentAnswers.Outcome.UNKNOWN.ordinal()],
                outcomes[RecentAnswers.Outcome.EXPIRED.ordinal()],
                outcomes[RecentAnswers.Outcome.DUPLICATE.ordinal()],
                outcomes[RecentAnswers.Outcome.REFUSED.ordinal()],
                Map.copyOf(joinedBy),
                List.copyOf(notJoined));
    }

    /** @return the reason for a label that came to {@code outcome} */
    static String reason(RecentAnswers.Outcome outcome, boolean shared) {
        return switch (outcome) {
            case JOINED, REFUSED -> null;
            case UNKNOWN -> shared ? UNKNOWN_SHARED : UNKNOWN_HERE;
            case EXPIRED -> EXPIRED;
            case DUPLICATE -> DUPLICATE;
        };
    }

    /**
     * Joins {@code labels} in this server's answers: each first in the version the request resolved to
     * ({@code own}), then, when that version kept no answer of its id, in the model's other versions served here.
     *
     * @param others the model's other versions here, by version
     */
    static void local(
            LabelJoins joins,
            long now,
            long ownVersion,
            FeedbackMonitor.Entry own,
            Map<Long, FeedbackMonitor.Entry> others,
            List<FeedbackMonitor.Label> labels) {
        for (FeedbackMonitor.Label label : labels) {
            long version = ownVersion;
            FeedbackMonitor.Entry entry = own;
            RecentAnswers.Join join = own.answers().join(now, label.client(), label.requestId(), label.row());
            for (Map.Entry<Long, FeedbackMonitor.Entry> other : others.entrySet()) {
                if (join.outcome() != RecentAnswers.Outcome.UNKNOWN) {
                    break;
                }
                RecentAnswers.Join there =
                        other.getValue().answers().join(now, label.client(), label.requestId(), label.row());
                if (there.outcome() != RecentAnswers.Outcome.UNKNOWN) {
                    join = there;
                    version = other.getKey();
                    entry = other.getValue();
                }
            }
            joins.count(
                    label,
                    join.outcome(),
                    version,
                    join.predictedClass(),
                    join.predictedValue(),
                    entry.model().signature().classLabels(),
                    reason(join.outcome(), false));
        }
    }

    /**
     * Joins {@code labels} in the fleet's shared store, each to the version that answered it.
     *
     * @param served the model served here of a version, or null when this server does not serve it
     * @throws SharedStateDown when the store does not answer in time
     */
    static void shared(
            LabelJoins joins,
            SharedAnswers store,
            String name,
            long ownVersion,
            Model own,
            LongFunction<Model> served,
            List<FeedbackMonitor.Label> labels,
            AnswerTrace trace) {
        List<SharedAnswers.Joined> joined = store.join(name, labels, trace);
        for (int i = 0; i < labels.size(); i++) {
            SharedAnswers.Joined one = joined.get(i);
            long version = one.version() >= 0 ? one.version() : ownVersion;
            Model model = served.apply(version);
            joins.count(
                    labels.get(i),
                    one.outcome(),
                    version,
                    one.predictedClass(),
                    one.predictedValue(),
                    (model != null ? model : own).signature().classLabels(),
                    one.corrupt() ? CORRUPT : reason(one.outcome(), true));
        }
    }

    /**
     * Joins {@code labels} for version {@code version} of model {@code name} (its {@code entry}), in the shared store
     * when there is one, else in this server's versions of the model ({@code entries}), and adds each answering
     * version's sums to its figures; the store's round trip is a span of {@code trace}'s, the feedback request's.
     */
    static FeedbackMonitor.Outcome join(
            SharedAnswers store,
            String name,
            long version,
            FeedbackMonitor.Entry entry,
            Map<VersionKey, FeedbackMonitor.Entry> entries,
            long now,
            List<FeedbackMonitor.Label> labels,
            AnswerTrace trace) {
        Model model = entry.model();
        Map<Long, FeedbackMonitor.Entry> others = new TreeMap<>(java.util.Comparator.reverseOrder());
        entries.forEach((key, other) -> {
            if (key.name().equals(name) && key.version() != version) {
                others.put(key.version(), other);
            }
        });
        LabelJoins joins = new LabelJoins();
        List<FeedbackMonitor.Label> inRange = new ArrayList<>(labels.size());
        for (FeedbackMonitor.Label label : labels) {
            String refusal = label.label() == null ? entry.range().refusal(label.value()) : null;
            if (refusal == null) {
                inRange.add(label);
            } else { // one absurd value: refused alone, its batch joined
                joins.count(
                        label,
                        RecentAnswers.Outcome.REFUSED,
                        version,
                        -1,
                        Double.NaN,
                        List.of(),
                        "the true value " + refusal);
            }
        }
        if (store == null) {
            local(joins, now, version, entry, others, inRange);
        } else {
            shared(
                    joins,
                    store,
                    name,
                    version,
                    model,
                    v -> v == version
                            ? model
                            : others.containsKey(v) ? others.get(v).model() : null,
                    inRange,
                    trace);
        }
        joins.sums().forEach((answering, sums) -> {
            FeedbackMonitor.Entry counted = answering == version ? entry : others.getOrDefault(answering, entry);
            counted.performance().add(now, sums);
            if (store != null) {
                store.add(name, answering, sums);
            }
        });
        return joins.outcome();
    }
}
