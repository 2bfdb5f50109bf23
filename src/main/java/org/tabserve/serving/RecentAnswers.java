package org.tabserve.serving;

import org.tabserve.model.Prediction;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One model version's answers of the last {@link FeedbackMonitor#WINDOW_NANOS}, by request id, so that a label sent
 * later ({@code POST /api/feedback}) can be joined to what the model answered for that row: per request, each row's
 * predicted class (its index in the model's classes) or value, and whether it has been labelled. Oldest first; an
 * answer leaves when it is older than the window or when the room {@link FeedbackMonitor} gives all versions is
 * needed for newer ones, and its id is then remembered (ids alone, as many again) so that a late label is counted as
 * expired rather than unknown. Thread-safe: one lock per version, held for a map operation.
 */
final class RecentAnswers {

    /** What a label for one row came to. */
    enum Outcome {
        /** Joined to its answer: counted in the live figures. */
        JOINED,
        /** No answer of that id and row was kept: never answered, answered by another model, or forgotten long ago. */
        UNKNOWN,
        /** The answer was older than the window, or made room for newer ones, when the label came. */
        EXPIRED,
        /** The row had a label already: the first one counts. */
        DUPLICATE
    }

    /** One request's answer: its rows' predicted classes (classifier) or values (regressor). */
    private static final class Answer {
        final long at;
        final int[] classes;
        final double[] values;
        final boolean[] labelled;
        final long bytes;

        Answer(long at, int[] classes, double[] values, boolean[] labelled, String id) {
            this.at = at;
            this.classes = classes;
            this.values = values;
            this.labelled = labelled;
            this.bytes = bytes(id, labelled.length, classes != null ? Integer.BYTES : Double.BYTES);
        }

        /** @return this answer with a later part's rows after its own, their labels still to come */
        Answer appended(int[] moreClasses, double[] moreValues, String id) {
            int more = moreClasses != null ? moreClasses.length : moreValues.length;
            return new Answer(at, concat(classes, moreClasses), concat(values, moreValues),
                    java.util.Arrays.copyOf(labelled, labelled.length + more), id);
        }
    }

    /**
     * A joined row.
     *
     * @param outcome         what the label came to
     * @param predictedClass  the class the model answered (an index into its classes), or -1 for a regressor
     * @param predictedValue  the value a regressor answered, NaN for a classifier
     */
    record Join(Outcome outcome, int predictedClass, double predictedValue) {
        static final Join UNKNOWN = new Join(Outcome.UNKNOWN, -1, Double.NaN);
        static final Join EXPIRED = new Join(Outcome.EXPIRED, -1, Double.NaN);
        static final Join DUPLICATE = new Join(Outcome.DUPLICATE, -1, Double.NaN);
    }

    /**
     * The rows of one answer kept, the default batch limit of a JSON request: a larger upload's later rows are not
     * (their labels are counted as unknown), so that one upload neither crowds out every other answer nor copies its
     * rows over and over as its chunks come.
     */
    static final int MAX_ROWS = 10_000;
    /** Bytes of heap a map entry, its id and the answer's object take beyond the rows' arrays. */
    private static final long ENTRY_BYTES = 160;

    private final List<String> classes;
    private final FeedbackMonitor.Room room;
    private final LinkedHashMap<String, Answer> answers = new LinkedHashMap<>(); // guarded by this
    private final LinkedHashMap<String, Boolean> gone = new LinkedHashMap<>(); // guarded by this

    /** @param classes the model's class labels (empty for a regressor) */
    RecentAnswers(List<String> classes, FeedbackMonitor.Room room) {
        this.classes = classes;
        this.room = room;
    }

    /** The heap an answer takes: its entry, its id twice (kept, then remembered once gone) and its rows. */
    static long bytes(String id, int rows, int bytesPerRow) {
        return ENTRY_BYTES + 4L * id.length() + (long) rows * (bytesPerRow + 1);
    }

    /**
     * Keeps request {@code id}'s answer, rows {@code first} on; a later part of the same request (a CSV upload's next
     * chunk) adds to its rows. An answer that finds no room even after this version's older ones are dropped is not
     * kept: its labels will be counted as unknown.
     *
     * @return whether it was kept
     */
    boolean keep(long now, String id, int first, List<Prediction> predictions) {
        if (first >= MAX_ROWS) {
            return false;
        }
        predictions = predictions.subList(0, Math.min(predictions.size(), MAX_ROWS - first));
        int[] predictedClasses = null;
        double[] values = null;
        if (!classes.isEmpty()) {
            predictedClasses = new int[predictions.size()];
            for (int r = 0; r < predictedClasses.length; r++) {
                predictedClasses[r] = classes.indexOf(predictions.get(r).classification().label());
            }
        } else {
            values = new double[predictions.size()];
            for (int r = 0; r < values.length; r++) {
                values[r] = ((Prediction.Regression) predictions.get(r)).value();
            }
        }
        synchronized (this) {
            expire(now);
            Answer before = answers.get(id);
            if (first > 0) {
                // A later part of a request whose first part was not kept would number its rows wrongly: not kept.
                return before != null && replace(id, before, before.appended(predictedClasses, values, id));
            }
            if (before != null) {
                drop(id, before); // the same id again: the newer answer is the one a label means
            }
            return replace(id, null, new Answer(now, predictedClasses, values, new boolean[predictions.size()], id));
        }
    }

    /** Puts {@code answer} in {@code before}'s place (or last), taking room for the difference; false if none. */
    private boolean replace(String id, Answer before, Answer answer) {
        long more = answer.bytes - (before == null ? 0 : before.bytes);
        while (!room.take(more)) {
            Map.Entry<String, Answer> oldest = answers.isEmpty() ? null : answers.entrySet().iterator().next();
            if (oldest == null || oldest.getKey().equals(id)) {
                return false; // nothing of this version's left to drop but the request's own earlier rows
            }
            drop(oldest.getKey(), oldest.getValue());
        }
        answers.put(id, answer);
        return true;
    }

    /** @return array {@code a} (an {@code int[]} or a {@code double[]}) with {@code b}'s elements after its own */
    @SuppressWarnings("unchecked")
    private static <A> A concat(A a, A b) {
        if (a == null) {
            return null;
        }
        int first = java.lang.reflect.Array.getLength(a);
        int second = java.lang.reflect.Array.getLength(b);
        A out = (A) java.lang.reflect.Array.newInstance(a.getClass().getComponentType(), first + second);
        System.arraycopy(a, 0, out, 0, first);
        System.arraycopy(b, 0, out, first, second);
        return out;
    }

    /** Joins a label to row {@code row} of request {@code id}'s answer, marking the row labelled. */
    synchronized Join join(long now, String id, int row) {
        expire(now);
        Answer answer = answers.get(id);
        if (answer == null) {
            return gone.containsKey(id) ? Join.EXPIRED : Join.UNKNOWN;
        }
        if (row < 0 || row >= answer.labelled.length) {
            return Join.UNKNOWN;
        }
        if (answer.labelled[row]) {
            return Join.DUPLICATE;
        }
        answer.labelled[row] = true;
        return answer.classes != null ? new Join(Outcome.JOINED, answer.classes[row], Double.NaN)
                : new Join(Outcome.JOINED, -1, answer.values[row]);
    }

    /** Drops the answers older than the window, oldest first (they were kept in time order). */
    private void expire(long now) {
        Iterator<Map.Entry<String, Answer>> oldest = answers.entrySet().iterator();
        while (oldest.hasNext()) {
            Map.Entry<String, Answer> entry = oldest.next();
            if (now - entry.getValue().at <= FeedbackMonitor.WINDOW_NANOS) {
                break;
            }
            oldest.remove();
            forgotten(entry.getKey(), entry.getValue());
        }
    }

    private void drop(String id, Answer answer) {
        answers.remove(id);
        forgotten(id, answer);
    }

    /** Gives an answer's room back and remembers its id, as many ids as there are answers kept (at least 1,024). */
    private void forgotten(String id, Answer answer) {
        room.give(answer.bytes);
        gone.put(id, Boolean.TRUE);
        int keep = Math.max(1024, answers.size());
        Iterator<String> oldest = gone.keySet().iterator();
        while (gone.size() > keep && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }

    /** @return how many requests' answers are kept */
    synchronized int size() {
        return answers.size();
    }

    /** This version is no longer served: its room goes back. */
    synchronized void clear() {
        answers.values().forEach(answer -> room.give(answer.bytes));
        answers.clear();
        gone.clear();
    }
}
