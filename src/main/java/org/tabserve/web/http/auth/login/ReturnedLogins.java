package org.tabserve.web.http.auth.login;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tabserve.serving.access.SharedSessions;

/**
 * The sign-ins that came back to the callback in the last {@link LoginSettings#PENDING_FOR}, each by its pre-login
 * cookie's id, so that a sign-in is used once: a second return of the same cookie is refused. A sign-in's own state
 * is in its cookie ({@link PreLogins}), so a start keeps nothing here and no flood of starts reaches this table; a
 * return is counted, and past {@code max} in that time the next is refused until the oldest mark is let go
 * ({@link LoginSettings#MAX_PENDING}): never a mark of a sign-in that may still come back, as each lasts as long as a
 * sign-in may.
 */
final class ReturnedLogins {

    private final int max;
    private final long lifetimeNanos;
    /** Each mark's id and when it came back, oldest first (all last as long, so the oldest ends first). */
    private final Map<String, Long> marks = new LinkedHashMap<>();

    ReturnedLogins(int max) {
        this.max = max;
        this.lifetimeNanos = LoginSettings.PENDING_FOR.toNanos();
    }

    /** @return whether the sign-in of {@code id} came back for the first time (now marked), again, or past the bound */
    SharedSessions.Return mark(String id) {
        long now = System.nanoTime();
        synchronized (marks) {
            Iterator<Long> oldest = marks.values().iterator();
            while (oldest.hasNext() && now - oldest.next() > lifetimeNanos) {
                oldest.remove();
            }
            if (marks.containsKey(id)) {
                return SharedSessions.Return.USED;
            }
            if (marks.size() >= max) {
                return SharedSessions.Return.FULL;
            }
            marks.put(id, now);
            return SharedSessions.Return.FIRST;
        }
    }

    /** @return how many marks are kept */
    int size() {
        synchronized (marks) {
            return marks.size();
        }
    }
}
