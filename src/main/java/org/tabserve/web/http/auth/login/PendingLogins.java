package org.tabserve.web.http.auth.login;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tabserve.serving.access.oidc.OidcLogin;

/**
 * The sign-ins under way, each under the random id of the browser's pre-login cookie: what its start made (state,
 * nonce, PKCE verifier) and the page to return to. Bounded: at most {@code max} at once, the oldest let go when a new
 * one would pass it, so that a flood of starts (a million) holds no more than {@code max} small entries, and each
 * lasts {@link LoginSettings#PENDING_FOR} at most. An entry is taken once: a second callback with the same cookie
 * finds nothing.
 */
final class PendingLogins {

    /** A sign-in under way. */
    record Entry(OidcLogin.Pending pending, String returnTo, long startedNanos) {}

    private final int max;
    private final long lifetimeNanos;
    private final Map<String, Entry> entries;

    PendingLogins(int max) {
        this.max = max;
        this.lifetimeNanos = LoginSettings.PENDING_FOR.toNanos();
        this.entries = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > PendingLogins.this.max;
            }
        };
    }

    /** @return the new sign-in's id, for its pre-login cookie */
    String put(OidcLogin.Pending pending, String returnTo) {
        String id = SessionIds.next();
        synchronized (entries) {
            entries.put(id, new Entry(pending, returnTo, System.nanoTime()));
        }
        return id;
    }

    /** @return the sign-in under way of {@code id}, taken out (null: none, or its time is past) */
    Entry take(String id) {
        if (id == null) {
            return null;
        }
        Entry entry;
        synchronized (entries) {
            entry = entries.remove(id);
        }
        return entry == null || System.nanoTime() - entry.startedNanos() > lifetimeNanos ? null : entry;
    }

    /** @return how many sign-ins are under way */
    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
