package org.tabserve.serving.feedback;

import java.util.HashMap;
import java.util.Map;

/**
 * The room all model versions' answers kept for labels share: the share of the memory budget
 * {@link FeedbackMonitor#keepWithin} sets aside for them, counted here as answers are kept and let go, in all and by
 * the client they were answered to, so that room can be taken back from the client that holds the most of it
 * ({@link RecentAnswers}). Thread-safe: one lock, held for a count.
 */
final class AnswerRoom {

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

    AnswerRoom(long capacity) {
        this.capacity = capacity;
    }

    /**
     * Takes {@code bytes} for {@code client}, unless the room has less free.
     *
     * @return {@code client} as the room keeps it (one instance per client, so that answers hold no copy), or null
     *         when there is no room
     */
    synchronized String takeFor(long bytes, String client) {
        if (used + bytes > capacity) {
            return null;
        }
        used += bytes;
        Holder own = held.computeIfAbsent(client, Holder::new);
        own.bytes += bytes;
        if (heaviest == null || own.bytes > heaviest.bytes) {
            heaviest = own;
        }
        return own.client;
    }

    /** @return the bytes no one holds */
    synchronized long free() {
        return capacity - used;
    }

    /**
     * @return {@code client} when it holds at least as much as the {@link #heaviest} (or no one holds any), else the
     *         heaviest: whose answers give room back for {@code client}'s, under one lock
     */
    synchronized String heaviestOver(String client) {
        String heaviest = heaviest();
        return heaviest == null || held(client) >= held(heaviest) ? client : heaviest;
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
    private synchronized String heaviest() {
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
