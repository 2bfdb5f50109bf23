package org.tabserve.serving.feedback;

import java.util.List;
import org.tabserve.model.signature.Prediction;

/**
 * One model version's answers of the last {@link FeedbackMonitor#WINDOW_NANOS}, by request id, so that a label sent
 * later ({@code POST /api/feedback}) can be joined to what the model answered for that row: per request, each row's
 * predicted class (its index in the model's classes) or value, and whether it has been labelled. Oldest first; an
 * answer leaves when it is older than the window or when the room {@link FeedbackMonitor} gives all versions is
 * needed for newer ones; before it is {@link #KEPT_AT_LEAST_NANOS} old, only for its own client's newer answers,
 * when that client holds the most of the room: a flood of requests then takes back its own answers, where it once
 * pushed out every other client's before their labels came. A full room is freed by a few more answers than the
 * need ({@link RoomForAnswers#SLACK_ANSWERS}) when they are the newcomer's own or past that floor. A dropped
 * answer's id is remembered (ids alone, as many again) so that a late label is counted as expired rather than
 * unknown. Ids are kept per caller ({@code owner}, the name its credential gave it; {@link IdRing#ANONYMOUS} for none):
 * two callers' answers under the same id are two answers, and a label joins only the answer of the caller it names. Both are kept in {@link IdRing}s, flat arrays rather than an object per request, so
 * that keeping them does not make the young collections copy and promote every request's answer. Thread-safe: one
 * lock per version, held for a map operation.
 */
public final class RecentAnswers {

    /** What a label for one row came to. */
    public enum Outcome {
        /** Joined to its answer: counted in the live figures. */
        JOINED,
        /** No answer of that id and row was kept: never answered, answered by another model, or forgotten long ago. */
        UNKNOWN,
        /** The answer was older than the window, or made room for newer ones, when the label came. */
        EXPIRED,
        /** The row had a label already: the first one counts. */
        DUPLICATE,
        /** Refused before any join: a regressor's true value beyond what a label can honestly be ({@link LabelRange}). */
        REFUSED
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
    /**
     * Bytes of heap an answer takes beyond its rows: its slot in the answers' ring and one in the ids let go
     * ({@link IdRing#SLOT_BYTES} each), and as much again for the rings' room to double.
     */
    private static final long ENTRY_BYTES = 3L * IdRing.SLOT_BYTES;
    /**
     * How long an answer is kept whatever comes after it, room or not: ten minutes, time for a label that follows its
     * answer (a click, a reviewer's verdict) to come; past it, under pressure for room, the oldest go first.
     */
    static final long KEPT_AT_LEAST_NANOS = 10 * 60 * 1_000_000_000L;
    /**
     * How long the id of an answer is remembered once it was kept, as the shared store remembers it: two hours, so
     * that a label that comes after its answer went is told expired, and no other answer is kept under its id
     * meanwhile; under pressure for room, only as many ids as there are answers kept (at least 1,024) are remembered.
     */
    static final long REMEMBERED_NANOS = 2 * FeedbackMonitor.WINDOW_NANOS;
    /** {@link #KEPT_AT_LEAST_NANOS} in words, for the docs. */
    static final String KEPT_AT_LEAST = "10 minutes";
    /** Bytes of a {@link KeptRows} and its three arrays' headers. */
    private static final long ROWS_BYTES = 80;

    private final List<String> classes;
    private final AnswerRoom room;
    /**
     * The answers kept, oldest first, by request id: a one-row answer's predicted class (its index) or value (its
     * double's bits) is the slot's number, whether it is labelled the slot's flag and its client (the room's one
     * instance of the key) the slot's object; a longer answer is a {@link KeptRows}, the slot's object. Guarded by this.
     */
    private final IdRing answers = new IdRing(16);
    /** The ids of answers let go, oldest first (guarded by this). */
    private final IdRing gone = new IdRing(16);
    /** The room the answers kept have taken (guarded by this). */
    private long taken;
    /** Takes room for the answers, letting older ones go (guarded by this). */
    private final RoomForAnswers roomFor;

    /** @param classes the model's class labels (empty for a regressor) */
    RecentAnswers(List<String> classes, AnswerRoom room) {
        this.classes = classes;
        this.room = room;
        this.roomFor = new RoomForAnswers(this, answers, room);
    }

    /** The heap an answer takes: its slots (kept, then remembered once gone) and, past one row, its rows. */
    static long bytes(int rows, int bytesPerRow) {
        return ENTRY_BYTES + (rows > 1 ? ROWS_BYTES + (long) rows * (bytesPerRow + 1) : 0);
    }

    private int bytesPerRow() {
        return classes.isEmpty() ? Double.BYTES : Integer.BYTES;
    }

    /** The room the answer in {@code slot} takes. */
    private long bytes(int slot) {
        return bytes(rowCount(slot), bytesPerRow());
    }

    /** @return how many rows the answer in {@code slot} has kept */
    private int rowCount(int slot) {
        KeptRows rows = rows(slot);
        return rows == null ? 1 : rows.labelled.length;
    }

    /** @return the rows of the answer in {@code slot}, or null for an answer of one row */
    private KeptRows rows(int slot) {
        return answers.object(slot) instanceof KeptRows rows ? rows : null;
    }

    /** @return the client the answer in {@code slot} was answered to */
    String client(int slot) {
        Object object = answers.object(slot);
        return object instanceof KeptRows rows
                ? rows.client
                : object instanceof String client ? client : FeedbackMonitor.NOBODY;
    }

    /**
     * Keeps request {@code id}'s answer, rows {@code first} on; a later part of the same request (a CSV upload's next
     * chunk) adds to its rows. An answer that finds no room even after this version's older ones are dropped (those
     * at least {@link #KEPT_AT_LEAST_NANOS} old) is not kept: its labels will be counted as unknown. So is one whose
     * id is not {@link IdRing#storable} (never one of {@link RequestIds}'), one whose id {@link #holds} an answer
     * already (an answer kept for labels is never replaced, so that re-sending a request can neither clear its rows'
     * labels nor move them to another row), and a later part whose request's earlier rows were not all kept.
     *
     * @return whether it was kept
     */
    boolean keep(long now, String id, int first, List<Prediction> predictions) {
        return keep(now, id, first, predictions, FeedbackMonitor.NOBODY);
    }

    /**
     * As {@link #keep(long, String, int, List)}, for an answer to {@code client} (its address, as {@link LabelRate}
     * keys it): when the room is full of answers younger than {@link #KEPT_AT_LEAST_NANOS}, the client that holds the
     * most of it gives back its oldest answer here, so that one client's flood takes back its own answers, never
     * another's, and an answer to another client is kept all the same.
     */
    boolean keep(long now, String id, int first, List<Prediction> predictions, String client) {
        return keep(now, IdRing.ANONYMOUS, id, first, predictions, client);
    }

    /** As {@link #keep(long, String, int, List, String)}, for caller {@code owner}'s id {@code id}. */
    boolean keep(long now, String owner, String id, int first, List<Prediction> predictions, String client) {
        if (first >= MAX_ROWS || predictions.isEmpty() || !IdRing.storable(id)) {
            return false;
        }
        int rowCount = Math.min(predictions.size(), MAX_ROWS - first);
        KeptRows answer = first == 0 && rowCount == 1 ? null : KeptRows.of(classes, first, predictions);
        int hash = IdRing.hash(owner, id);
        synchronized (this) {
            expire(now);
            int before = answers.find(owner, id, hash);
            if (first > 0) {
                // A later part of a request whose earlier rows were not all kept would number its rows wrongly.
                return before >= 0 && rowCount(before) == first && append(now, before, answer.classes, answer.values);
            }
            if (before >= 0 || gone.find(owner, id, hash) >= 0) {
                return false; // an answer kept for labels is never replaced: its labels would join another row
            }
            long bytes = bytes(rowCount, bytesPerRow());
            client = takeRoom(now, bytes, -1, client);
            if (client == null) {
                return false;
            }
            int slot = answers.add(owner, id, hash, now);
            if (answer == null) {
                answers.number(slot, KeptRows.oneRow(classes, predictions));
                answers.object(slot, client);
            } else {
                answers.object(slot, new KeptRows(answer.classes, answer.values, new boolean[rowCount], client));
            }
            return true;
        }
    }

    /** Adds a later part's rows to the answer in {@code slot}, taking room for them; false if none. */
    private boolean append(long now, int slot, int[] moreClasses, double[] moreValues) {
        KeptRows rows = rows(slot);
        if (rows == null) { // one row so far
            long number = answers.number(slot);
            rows = new KeptRows(
                    classes.isEmpty() ? null : new int[] {(int) number},
                    classes.isEmpty() ? new double[] {Double.longBitsToDouble(number)} : null,
                    new boolean[] {answers.flag(slot)},
                    client(slot));
        }
        KeptRows appended = rows.appended(moreClasses, moreValues);
        long more = bytes(appended.labelled.length, bytesPerRow()) - bytes(slot);
        if (takeRoom(now, more, slot, rows.client) == null) {
            return false;
        }
        answers.object(slot, appended);
        return true;
    }

    /** @return {@code client} as the room keeps it, its {@code bytes} taken ({@link RoomForAnswers#take}), or null */
    private String takeRoom(long now, long bytes, int own, String client) {
        String kept = roomFor.take(now, bytes, own, client);
        if (kept != null) {
            taken += bytes;
        }
        return kept;
    }

    /**
     * Lets {@code client}'s oldest answer here go, for an answer of another version that found no room.
     *
     * @return whether it had one
     */
    synchronized boolean dropOldestOf(String client) {
        int slot = roomFor.oldestOf(client, -1);
        if (slot >= 0) {
            forget(slot);
        }
        return slot >= 0;
    }

    /**
     * @return whether request {@code id} has an answer here, kept or let go within {@link #REMEMBERED_NANOS}: a new
     *         answer under it is not kept ({@link #keep})
     */
    boolean holds(long now, String id) {
        return holds(now, IdRing.ANONYMOUS, id);
    }

    /** As {@link #holds(long, String)}, for caller {@code owner}'s id {@code id}. */
    synchronized boolean holds(long now, String owner, String id) {
        expire(now);
        return answers.find(owner, id) >= 0 || gone.find(owner, id) >= 0;
    }

    /** Joins a label to row {@code row} of request {@code id}'s answer, marking the row labelled. */
    Join join(long now, String id, int row) {
        return join(now, IdRing.ANONYMOUS, id, row);
    }

    /**
     * As {@link #join(long, String, int)}, for the answer to caller {@code owner}: another caller's answer under the
     * same id is never joined, and the label is unknown, as for an id never answered.
     */
    synchronized Join join(long now, String owner, String id, int row) {
        expire(now);
        int slot = answers.find(owner, id);
        if (slot < 0) {
            return gone.find(owner, id) >= 0 ? Join.EXPIRED : Join.UNKNOWN;
        }
        KeptRows rows = rows(slot);
        if (rows == null) {
            if (row != 0) {
                return Join.UNKNOWN;
            }
            if (answers.flag(slot)) {
                return Join.DUPLICATE;
            }
            answers.flag(slot, true);
            long number = answers.number(slot);
            return classes.isEmpty()
                    ? new Join(Outcome.JOINED, -1, Double.longBitsToDouble(number))
                    : new Join(Outcome.JOINED, (int) number, Double.NaN);
        }
        if (row < 0 || row >= rows.labelled.length) {
            return Join.UNKNOWN;
        }
        if (rows.labelled[row]) {
            return Join.DUPLICATE;
        }
        rows.labelled[row] = true;
        return rows.classes != null
                ? new Join(Outcome.JOINED, rows.classes[row], Double.NaN)
                : new Join(Outcome.JOINED, -1, rows.values[row]);
    }

    /**
     * Drops the answers older than the window, oldest first (they were kept in time order), and forgets the ids of
     * answers older than {@link #REMEMBERED_NANOS}.
     */
    private void expire(long now) {
        for (int oldest = answers.oldest();
                oldest >= 0 && now - answers.at(oldest) > FeedbackMonitor.WINDOW_NANOS;
                oldest = answers.oldest()) {
            forget(oldest);
        }
        for (int oldest = gone.oldest();
                oldest >= 0 && now - gone.at(oldest) > REMEMBERED_NANOS;
                oldest = gone.oldest()) {
            gone.remove(oldest);
        }
    }

    /**
     * Lets the answer in {@code slot} go, gives its room back and remembers its id, as many ids as there are answers
     * kept (at least 1,024).
     */
    private void forget(int slot) {
        forget(slot, true);
    }

    /**
     * As {@link #forget(int)}; when not {@code give}, the caller gives its room back (with others of its client's).
     *
     * @return the room it took
     */
    long forget(int slot, boolean give) {
        long bytes = bytes(slot);
        if (give) {
            room.give(bytes, client(slot));
        }
        taken -= bytes;
        gone.addFrom(answers, slot, answers.at(slot));
        answers.remove(slot);
        int keep = Math.max(1024, answers.size());
        while (gone.size() > keep) {
            gone.remove(gone.oldest());
        }
        return bytes;
    }

    /** @return how many requests' answers are kept */
    synchronized int size() {
        return answers.size();
    }

    /** This version is no longer served: its room goes back. */
    synchronized void clear() {
        for (int slot = answers.oldest(); slot >= 0; slot = answers.next(slot)) {
            room.give(bytes(slot), client(slot));
        }
        taken = 0;
        answers.clear();
        gone.clear();
    }
}
