package org.tabserve.web.http.auth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.tabserve.serving.access.oidc.OidcLogin;

/**
 * The pre-login table under a flood (issue 78): a million sign-in starts hold no more than its bound, the oldest let
 * go, the newest still found, each taken once; and the sessions' store stays within its count however many sign in.
 */
class PendingLoginsTest {

    private static final OidcLogin.Pending PENDING = new OidcLogin.Pending(
            "state", "nonce", "verifier", URI.create("http://127.0.0.1/login/callback"), URI.create("http://issuer/"));

    @Test
    void aMillionStartsHoldNoMoreThanTheBoundAndTheNewestIsFoundOnce() {
        PendingLogins table = new PendingLogins(10_000);
        String first = table.put(PENDING, "/");
        String last = null;
        for (int i = 0; i < 1_000_000; i++) {
            last = table.put(PENDING, "/");
        }
        assertEquals(10_000, table.size(), "bounded: the oldest starts are let go");
        assertNull(table.take(first), "the first start was let go long ago");
        assertNotNull(table.take(last));
        assertNull(table.take(last), "a sign-in is taken once");
        assertEquals(9_999, table.size());
    }

    @Test
    void theSessionsStayWithinTheirCountTheLeastRecentlyUsedEnded() {
        Sessions sessions = new Sessions(new LoginSettings(Duration.ofHours(1), Duration.ofHours(8), 100, 100));
        Sessions.Session kept = sessions.open(person("kept"));
        Sessions.Session dropped = sessions.open(person("dropped"));
        for (int i = 0; i < 5_000; i++) {
            assertNotNull(sessions.find(kept.id()), "used, so kept");
            sessions.open(person("p" + i));
        }
        assertEquals(100, sessions.size());
        assertNull(sessions.find(dropped.id()), "the least recently used is ended first");
        assertNotNull(sessions.find(kept.id()));
        sessions.end(kept.id());
        assertNull(sessions.find(kept.id()), "ended at once");
        assertTrue(sessions.find("not-an-id") == null && sessions.find(null) == null);
    }

    private static org.tabserve.serving.access.oidc.SignedIn person(String name) {
        return new org.tabserve.serving.access.oidc.SignedIn(
                org.tabserve.serving.access.Caller.of("user:" + name, java.util.List.of()), name, "x.y.z", 0);
    }
}
