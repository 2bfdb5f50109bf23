package org.tabserve.web.http.auth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.tabserve.serving.access.SharedSessions;
import org.tabserve.serving.access.oidc.OidcLogin;

/**
 * Issue 91: a sign-in under way is its sealed pre-login cookie, so that any number of starts keep nothing on the
 * server; each comes back once, and the returns are bounded ({@link ReturnedLogins}); a cookie changed, made up or
 * sealed with another secret is no sign-in; one address starts at most its bound. And the sessions' store
 * stays within its count however many sign in (issue 78).
 */
class ReturnedLoginsTest {

    private static final OidcLogin.Pending PENDING = new OidcLogin.Pending(
            "state", "nonce", "verifier", URI.create("http://127.0.0.1/login/callback"), URI.create("http://issuer/"));
    private static final SessionSeal SEAL = new SessionSeal(
            (purpose, text) -> SharedSessionsTest.derive("secret".getBytes(StandardCharsets.UTF_8), purpose, text));

    @Test
    void fiveThousandStartsKeepNothingAndEachSignInComesBackOnceWithinTheBound() {
        PreLogins cookies = new PreLogins(SEAL);
        ReturnedLogins returned = new ReturnedLogins(3);
        String first = cookies.seal(PENDING, "/models/banknote/?x=1");
        for (int i = 0; i < 5_000; i++) {
            cookies.seal(PENDING, "/");
        }
        assertEquals(0, returned.size(), "a start keeps nothing on the server");
        PreLogins.Entry entry = cookies.open(first);
        assertNotNull(entry, "the first start's cookie still opens after five thousand more");
        assertEquals("state", entry.pending().state());
        assertEquals("verifier", entry.pending().verifier());
        assertEquals("/models/banknote/?x=1", entry.returnTo());
        assertEquals(SharedSessions.Return.FIRST, returned.mark(entry.id()));
        assertEquals(SharedSessions.Return.USED, returned.mark(entry.id()), "a sign-in comes back once");
        assertEquals(SharedSessions.Return.FIRST, returned.mark(SessionIds.next()));
        assertEquals(SharedSessions.Return.FIRST, returned.mark(SessionIds.next()));
        assertEquals(SharedSessions.Return.FULL, returned.mark(SessionIds.next()), "past the bound of returns");
        assertEquals(SharedSessions.Return.USED, returned.mark(entry.id()), "still used once the bound is reached");
    }

    @Test
    void aCookieChangedMadeUpOrSealedWithAnotherSecretIsNoSignIn() {
        PreLogins cookies = new PreLogins(SEAL);
        String value = cookies.seal(PENDING, "/");
        // base64url: the last character's low bits may be padding that decodes to the same bytes, its high bit never
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char flipped = alphabet.charAt(alphabet.indexOf(value.charAt(value.length() - 1)) ^ 32);
        String id = value.substring(0, value.indexOf('.'));
        String other = new PreLogins(new SessionSeal(
                        (p, t) -> SharedSessionsTest.derive("another".getBytes(StandardCharsets.UTF_8), p, t)))
                .seal(PENDING, "/");
        for (String forged : java.util.List.of(
                value.substring(0, value.length() - 1)
                        + flipped, // its last character's first bit, always one of the seal's
                SessionIds.next() + value.substring(value.indexOf('.')), // another id, the same seal
                id + other.substring(other.indexOf('.')),
                other,
                id,
                "garbage",
                "")) {
            assertNull(cookies.open(forged), forged);
        }
        assertNull(cookies.open(null));
        assertNotNull(cookies.open(value));
        assertEquals(
                "/",
                cookies.open(cookies.seal(PENDING, "/" + "a".repeat(PreLogins.MAX_RETURN_TO)))
                        .returnTo(),
                "a page too long for a cookie returns to /");
    }

    @Test
    void oneAddressStartsAtMostItsBoundAndAnIpv6OneCountsByItsSlash64() {
        LoginStarts starts = new LoginStarts(2);
        starts.take("192.0.2.1");
        starts.take("192.0.2.1");
        org.tabserve.web.http.HttpProblem refused = org.junit.jupiter.api.Assertions.assertThrows(
                org.tabserve.web.http.HttpProblem.class, () -> starts.take("192.0.2.1"));
        assertEquals(429, refused.status());
        assertTrue(refused.detail().contains(LoginSettings.MAX_STARTS_PER_ADDRESS), refused.detail());
        assertTrue(refused.headers().containsKey("Retry-After"));
        starts.take("192.0.2.2"); // another address is not held by the first's starts
        starts.take("2001:db8:1:2::1");
        starts.take("[2001:db8:1:2:ffff::7]");
        org.junit.jupiter.api.Assertions.assertThrows(
                org.tabserve.web.http.HttpProblem.class, () -> starts.take("2001:db8:1:2::99"), "one /64");
        starts.take("2001:db8:1:3::1");
        assertEquals("20010db800010002::/64", LoginStarts.source("2001:db8:1:2:0:0:0:1"));
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
