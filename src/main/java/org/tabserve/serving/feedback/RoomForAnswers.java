package org.tabserve.serving.feedback;

/**
 * Takes the room one model version's answers ({@link RecentAnswers}) need from the {@link AnswerRoom} all versions
 * share, letting this version's older answers go while there is none: the oldest while it is at least
 * {@link RecentAnswers#KEPT_AT_LEAST_NANOS} old, else the oldest of the client that holds the most room (the
 * newcomer's own, when that is it). A full room is freed by a little more than the one answer it needs when what goes
 * is the newcomer's own or past that floor ({@link #SLACK_ANSWERS}), so that the next answers find room at once
 * rather than each letting one go (bench/RESULTS.notes.md, "Single-row CPU, round 5"). Not thread-safe: the
 * version's lock is held.
 */
final class RoomForAnswers {

    /** The most answers let go beyond the need when a full room is freed. */
    static final int SLACK_ANSWERS = 32;
    /** ... and at most this fraction (1/64) of the version's answers, so that a small room lets go only its need. */
    static final int SLACK_SHARE = 64;

    private final RecentAnswers version;
    private final IdRing answers;
    private final AnswerRoom room;

    RoomForAnswers(RecentAnswers version, IdRing answers, AnswerRoom room) {
        this.version = version;
        this.answers = answers;
        this.room = room;
    }

    /**
     * Takes {@code bytes} of room for {@code client}, letting this version's answers go while there is none.
     *
     * @param own the slot of the request's own earlier rows, never let go for it (-1: none)
     * @return {@code client} as the room keeps it, or null when there is no room even so: the client holding the most
     *         has no other answer here
     */
    String take(long now, long bytes, int own, String client) {
        String kept;
        while ((kept = room.takeFor(bytes, client)) == null) {
            if (!letGo(now, bytes, own, client)) {
                return null;
            }
        }
        return kept;
    }

    /**
     * Lets answers go until {@code bytes} are free, then up to {@link #SLACK_ANSWERS} more while they are past the
     * floor or {@code client}'s own (never another client's younger answers beyond the need).
     *
     * @return false when none that may go is left and the room is still short
     */
    private boolean letGo(long now, long bytes, int own, String client) {
        long free = room.free();
        if (free >= bytes) {
            return true; // given back meanwhile: take again
        }
        int slack = Math.min(SLACK_ANSWERS, answers.size() / SLACK_SHARE);
        long ownLetGo = 0; // the client's own young answers let go for slack, given back to the room at once
        boolean needed = true;
        boolean fromOwn = false; // whether the client gave back its own young answers for the need
        while (needed || slack-- > 0) {
            int oldest = answers.oldest();
            boolean young = oldest < 0 || oldest == own || now - answers.at(oldest) < RecentAnswers.KEPT_AT_LEAST_NANOS;
            int slot;
            if (!young) {
                slot = oldest;
            } else if (needed) {
                String from = room.heaviestOver(client);
                fromOwn = from.equals(client);
                slot = oldestOf(from, own);
            } else {
                slot = fromOwn ? oldestOf(client, own) : -1;
            }
            if (slot < 0) {
                break;
            }
            if (needed || !young) {
                free += version.forget(slot, true);
            } else {
                long bytesOf = version.forget(slot, false);
                ownLetGo += bytesOf;
                free += bytesOf;
            }
            needed = free < bytes;
        }
        if (ownLetGo > 0) {
            room.give(ownLetGo, client);
        }
        return !needed;
    }

    /** @return the slot of {@code client}'s oldest answer here other than {@code own}, or -1 when it has none */
    int oldestOf(String client, int own) {
        for (int slot = answers.oldest(); slot >= 0; slot = answers.next(slot)) {
            if (slot != own && version.client(slot).equals(client)) {
                return slot;
            }
        }
        return -1;
    }
}
