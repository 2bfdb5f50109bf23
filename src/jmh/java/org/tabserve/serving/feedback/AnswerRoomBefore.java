package org.tabserve.serving.feedback;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link AnswerRoom} as it was before round 5 of the single-row CPU work, for {@link AnswersKeptCpu} to measure against.
 *
 * <p>The room all model versions' answers kept for labels share: the share of the memory budget
 * {@link FeedbackMonitor#keepWithin} sets aside for them, counted here as answers are kept and let go, in all and by
 * the client they were answered to, so that room can be taken back from the client that holds the most of it
 * ({@link RecentAnswers}). Thread-safe: one lock, held for a count.
 */
final class AnswerRoomBefore {

    /** What one client holds, under its key's one instance. */
    private static final class Holder {
        final String client;
        long bytes;

        Holder(String client) {
            this.client = client;
        }
    }

    private final long capacity;
    private long used; // guarded by this
    private final Map<String, Holder> held = new HashMap<>(); // guarded by this
    private Holder heaviest; // guarded by this: the client seen holding the most as room was taken

    AnswerRoomBefore(long capacity) {
        this.capacity = capacity;
    }

    /** @return {@code client} as the room keeps it: one instance per client, so that answers hold no copy */
    synchronized String client(String client) {
        Holder holder = held.get(client);
        return holder == null ? client : holder.client;
    }

    synchronized boolean take(long bytes) {
        return take(bytes, FeedbackMonitor.NOBODY);
    }

    synchronized boolean take(long bytes, String client) {
        if (used + bytes > capacity) {
            return false;
        }
        used += bytes;
        Holder own = held.computeIfAbsent(client, Holder::new);
        own.bytes += bytes;
        if (heaviest == null || own.bytes > heaviest.bytes) {
            heaviest = own;
        }
        return true;
    }

    synchronized void give(long bytes) {
        give(bytes, FeedbackMonitor.NOBODY);
    }

    synchronized void give(long bytes, String client) {
        used -= bytes;
        Holder own = held.get(client);
        if (own != null && (own.bytes -= bytes) <= 0) {
            held.remove(client);
            if (own == heaviest) {
                heaviest = null;
            }
        }
    }

    synchronized long used() {
        return used;
    }

    /** @return the bytes {@code client} holds */
    synchronized long held(String client) {
        Holder own = held.get(client);
        return own == null ? 0 : own.bytes;
    }

    /**
     * @return the client holding the most of the room, as seen when room was last taken (a client that gave
     *         back since may be named a little longer), or null when no one holds any
     */
    synchronized String heaviest() {
        if (heaviest == null) { // it let all go: look again, once
            for (Holder each : held.values()) {
                if (heaviest == null || each.bytes > heaviest.bytes) {
                    heaviest = each;
                }
            }
        }
        return heaviest == null ? null : heaviest.client;
    }
}
