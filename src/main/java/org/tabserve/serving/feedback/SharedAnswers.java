package org.tabserve.serving.feedback;

import java.util.List;
import org.tabserve.model.answer.AnswerTrace;

/**
 * A store of answers kept for labels that every replica of a fleet shares (the {@code --shared-state} setting), so
 * that a label posted to any replica joins the answer another replica gave, and the live figures are the fleet's:
 * each answer kept with the version that gave it, for an hour, within a cap; the hour's label sums by model and
 * version. Its one implementation, {@code serving.shared}'s Redis store (which stands above this package and is
 * handed to {@link FeedbackMonitor#share}), is loaded only when the setting is given, so that a server without it
 * never loads a Redis client. A slow or dead store never slows an answer: keeping one is queued, and
 * skipped (and counted) when the store is behind or down; labels are refused in words while it is down.
 */
public interface SharedAnswers extends AutoCloseable {

    /** What a label came to in the store, and, when joined, the version that answered and what it answered. */
    /**
     * @param corrupt whether the store held something there that no replica wrote (a wrong type, a value too long
     *                or not a number): counted as unknown, and said
     */
    record Joined(
            RecentAnswers.Outcome outcome, long version, int predictedClass, double predictedValue, boolean corrupt) {}

    /**
     * One answer to keep: request {@code id}'s, to caller {@code owner} ({@link FeedbackMonitor#NOBODY}: one that sent
     * no credential), rows {@code first} on ({@code classes}: each row's class index, or {@code values}: a
     * regressor's). Each caller's ids are its own, so that two callers' answers under one id are two answers, and a
     * label joins the one of the caller it names ({@link FeedbackMonitor.Label#client}).
     *
     * @param ticket the order of the request's parts: a later part is kept only after its own request's earlier rows
     * @param trace  the request's trace, whose span the round trip that writes it is when the request is sampled
     */
    record Kept(
            String model,
            long version,
            String owner,
            String id,
            int first,
            long ticket,
            int[] classes,
            double[] values,
            AnswerTrace trace) {
        /** @return this answer under no trace ({@link AnswerTrace#NONE}), for a request that is not sampled */
        public Kept untraced() {
            return new Kept(model, version, owner, id, first, ticket, classes, values, AnswerTrace.NONE);
        }
    }

    /**
     * Keeps an answer, never waiting: queued for the store, or skipped and counted. An answer kept is never replaced:
     * a first part whose id the store holds (kept, or its mark not yet gone) is not kept, and counted as a reused id.
     */
    void keep(Kept kept);

    /**
     * Joins each label (of model {@code model}) to the answer it names, whichever replica and version gave it; the
     * round trip is a span of {@code trace}'s, the feedback request's, when it is sampled.
     *
     * @throws SharedStateDown when the store does not answer in time
     */
    List<Joined> join(String model, List<FeedbackMonitor.Label> labels, AnswerTrace trace);

    /** Adds a version's label sums (in {@link LivePerformance.Sum}'s order, its label figures only) for the fleet. */
    void add(String model, long version, double[] sums);

    /**
     * @return the fleet's label sums of the last hour for a version, in {@link LivePerformance.Sum}'s order (a second
     *         old at most), or null when the store does not answer in time
     */
    double[] recent(String model, long version);

    /** @return answers not kept because the store was behind, down or full, since start */
    long skipped();

    /** @return the store as the docs and logs may name it: its address, never its password */
    String describe();

    @Override
    void close();
}
