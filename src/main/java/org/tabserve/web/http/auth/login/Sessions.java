package org.tabserve.web.http.auth.login;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tabserve.serving.access.oidc.SignedIn;

/**
 * The sessions of the people signed in, in the server's memory, each under a random id that only its cookie carries:
 * the person, the session's CSRF token, and the ID token kept for the issuer's sign-out. A session ends when it has
 * gone unused for the idle timeout, when it has lasted the absolute timeout, at sign-out, and when the store is full
 * (the least recently used first): at most {@link LoginSettings#maxSessions()} sessions, and at most
 * {@link #MAX_BYTES} of them in all, each weighed by its ID token's length, so that sessions never hold more memory
 * than that however many people sign in.
 */
final class Sessions {

    /** The most memory all sessions may hold, by the weight {@link #weight} gives each. */
    static final long MAX_BYTES = 16L << 20;
    /** What a session holds besides its ID token, about. */
    private static final int OVERHEAD_BYTES = 512;

    /** One session; its last use is the only thing that changes. */
    static final class Session {
        private final String id;
        private final SignedIn person;
        private final String csrf;
        private final long createdNanos;
        private volatile long usedNanos;

        Session(String id, SignedIn person, String csrf, long now) {
            this.id = id;
            this.person = person;
            this.csrf = csrf;
            this.createdNanos = now;
            this.usedNanos = now;
        }

        String id() {
            return id;
        }

        SignedIn person() {
            return person;
        }

        String csrf() {
            return csrf;
        }

        @Override
        public String toString() {
            return "Session[" + person.name() + "]"; // never the id, the token or the CSRF token
        }
    }

    private final long idleNanos;
    private final long absoluteNanos;
    private final int max;
    private final Map<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true); // least recently used first
    private long bytes;

    Sessions(LoginSettings settings) {
        this.idleNanos = settings.idle().toNanos();
        this.absoluteNanos = settings.absolute().toNanos();
        this.max = settings.maxSessions();
    }

    /** @return a new session of {@code person}, under a fresh id, the least recently used let go if the store is full */
    Session open(SignedIn person) {
        Session session = new Session(SessionIds.next(), person, SessionIds.next(), System.nanoTime());
        synchronized (sessions) {
            sessions.put(session.id(), session);
            bytes += weight(session);
            Iterator<Session> eldest = sessions.values().iterator();
            while ((sessions.size() > max || bytes > MAX_BYTES) && eldest.hasNext()) {
                Session gone = eldest.next();
                if (gone == session) {
                    break;
                }
                eldest.remove();
                bytes -= weight(gone);
            }
        }
        return session;
    }

    /**
     * @param id the session cookie's value, or null
     * @return its session, its use noted, or null when there is none or its time is up (which ends it)
     */
    Session find(String id) {
        if (!SessionIds.looksLikeId(id)) {
            return null;
        }
        long now = System.nanoTime();
        synchronized (sessions) {
            Session session = sessions.get(id);
            if (session == null) {
                return null;
            }
            if (now - session.usedNanos > idleNanos || now - session.createdNanos > absoluteNanos) {
                sessions.remove(id);
                bytes -= weight(session);
                return null;
            }
            session.usedNanos = now;
            return session;
        }
    }

    /** Ends the session of {@code id} at once, if there is one. */
    void end(String id) {
        if (id == null) {
            return;
        }
        synchronized (sessions) {
            Session gone = sessions.remove(id);
            if (gone != null) {
                bytes -= weight(gone);
            }
        }
    }

    /** @return how many sessions are kept */
    int size() {
        synchronized (sessions) {
            return sessions.size();
        }
    }

    private static long weight(Session session) {
        return OVERHEAD_BYTES + 2L * session.person().idToken().length();
    }
}
