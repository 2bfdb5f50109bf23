package org.tabserve.web.http.auth.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.Grant;
import org.tabserve.serving.access.SharedSessions;
import org.tabserve.serving.access.oidc.SignedIn;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.serving.shared.RedisSessions;
import org.tabserve.testing.RedisProcess;
import redis.clients.jedis.RedisClient;

/**
 * Issue 78: the pages' sessions and sign-ins under way in the fleet's shared store, against Debian's real
 * {@code redis-server}: two replicas (two stores, two clients, one Redis) see the same session, a sign-out on one ends
 * it on the other at once, both timeouts hold in Redis, Redis holds no id, token, claim or CSRF token in clear, a value
 * planted under a session's key is no session, and a Redis that is down is a 503 in words, never a session.
 */
@Timeout(120)
class SharedSessionsTest {

    private static final byte[] FLEET_SECRET = "the login client's secret".getBytes(StandardCharsets.UTF_8);
    private static final String ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJlbWFpbCI6ImFsaWNlQHNlY3JldC5leGFtcGxlIn0.c2ln";

    static RedisProcess redis;
    private SharedSessions a;
    private SharedSessions b;

    @BeforeAll
    static void startRedis() throws Exception {
        assumeTrue(RedisProcess.installed(), RedisProcess.MISSING);
        redis = RedisProcess.launch();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void close() {
        for (SharedSessions store : new SharedSessions[] {a, b}) {
            if (store != null) {
                store.close();
            }
        }
    }

    /** The fleet's HMAC, as {@link OidcLogin#derive} makes it from the login client's secret. */
    static byte[] derive(byte[] secret, String purpose, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(purpose.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final BiFunction<String, String, byte[]> FLEET = (p, t) -> derive(FLEET_SECRET, p, t);

    private SharedLoginState replica(LoginSettings settings) {
        SharedSessions store = RedisSessions.open(
                redis.url(),
                s -> Optional.ofNullable(
                        Map.of("tabserve.redis-deadline", "300ms").get(s)));
        if (a == null) {
            a = store;
        } else {
            b = store;
        }
        return new SharedLoginState(store, new SessionSeal(FLEET), settings);
    }

    private static LoginSettings settings(Duration idle, Duration absolute, int maxPending) {
        return new LoginSettings(idle, absolute, 100, maxPending);
    }

    private static SignedIn alice() {
        return new SignedIn(
                Caller.of("user:alice", List.of(Grant.parse("read:banknote"), Grant.parse("predict:banknote"))),
                "alice",
                ID_TOKEN,
                1_900_000_000_000L);
    }

    @Test
    void twoReplicasSeeTheSameSessionAndASignOutOnOneEndsItOnTheOther() {
        LoginSettings settings = settings(Duration.ofMinutes(30), Duration.ofHours(8), 100);
        SharedLoginState one = replica(settings);
        SharedLoginState two = replica(settings);
        Sessions.Session opened = one.open(alice());

        Sessions.Session seen = two.find(opened.id());
        assertNotNull(seen, "the other replica finds the session");
        assertEquals("user:alice", seen.person().caller().name());
        assertEquals("alice", seen.person().name());
        assertEquals(opened.csrf(), seen.csrf(), "one CSRF token for the session, on every replica");
        assertEquals(ID_TOKEN, seen.person().idToken(), "the sign-out's hint, on every replica");
        assertTrue(seen.person().caller().may(org.tabserve.serving.access.Scope.PREDICT, "banknote"));
        assertFalse(seen.person().caller().may(org.tabserve.serving.access.Scope.READ, "species"));

        two.end(seen.id());
        assertNull(one.find(opened.id()), "signed out on one replica, ended on the other at once");
        assertNull(two.find(opened.id()));
    }

    @Test
    void redisHoldsNoIdTokenClaimNorCsrfTokenInClear() {
        SharedLoginState one = replica(settings(Duration.ofMinutes(30), Duration.ofHours(8), 100));
        Sessions.Session opened = one.open(alice());
        String login = SessionIds.next();
        assertEquals(SharedSessions.Return.FIRST, one.returned(login));
        try (RedisClient client = redis.client(null)) {
            List<String> keys = List.copyOf(client.keys("*"));
            assertFalse(keys.isEmpty());
            StringBuilder everything = new StringBuilder(String.join("\n", keys));
            for (String key : keys) {
                String type = client.type(key);
                if (type.equals("hash")) {
                    client.hgetAll(key).forEach((f, v) -> everything.append(f).append(v));
                } else if (type.equals("string")) {
                    everything.append(client.get(key));
                }
            }
            String all = everything.toString();
            for (String secret : List.of(
                    opened.id(),
                    opened.csrf(),
                    login,
                    ID_TOKEN,
                    "alice",
                    "banknote",
                    "the-state",
                    "the-nonce",
                    "the-verifier",
                    "eyJ")) {
                assertFalse(all.contains(secret), "Redis holds '" + secret + "' in clear");
            }
        }
    }

    @Test
    void theIdleTimeoutHoldsInRedisAndUseMovesItOn() throws Exception {
        SharedLoginState one = replica(settings(Duration.ofMillis(1200), Duration.ofHours(8), 100));
        SharedLoginState two = replica(settings(Duration.ofMillis(1200), Duration.ofHours(8), 100));
        Sessions.Session opened = one.open(alice());
        String key = new SessionSeal(FLEET).key(SessionSeal.Kind.SESSION, opened.id());
        try (RedisClient client = redis.client(null)) {
            long ttl = client.pttl("tabserve:session:" + key);
            assertTrue(ttl > 0 && ttl <= 1200, "Redis ends it by itself when unused: " + ttl);
            for (int i = 0; i < 4; i++) {
                Thread.sleep(400);
                assertNotNull((i % 2 == 0 ? two : one).find(opened.id()), "used within its idle time, on either");
            }
            Thread.sleep(1600);
            assertNull(one.find(opened.id()), "unused past its idle time");
            assertFalse(client.exists("tabserve:session:" + key), "and gone from Redis");
        }
    }

    @Test
    void theAbsoluteTimeoutHoldsHoweverMuchTheSessionIsUsed() throws Exception {
        SharedLoginState one = replica(settings(Duration.ofSeconds(30), Duration.ofMillis(2000), 100));
        try (RedisClient client = redis.client(null)) {
            client.ping();
            long openedAt = System.nanoTime();
            Sessions.Session opened = one.open(alice());
            long returnedAt = System.nanoTime(); // the session opened between openedAt and now
            String key = new SessionSeal(FLEET).key(SessionSeal.Kind.SESSION, opened.id());
            assertTrue(client.pttl("tabserve:session:" + key) <= 2000, "its expiry is never past its absolute end");
            while (System.nanoTime() - openedAt < Duration.ofMillis(1200).toNanos()) {
                assertNotNull(one.find(opened.id()));
                assertTrue(client.pttl("tabserve:session:" + key) <= 2000);
                Thread.sleep(100);
            }
            // Past its absolute end however late in the call it opened (a loaded machine's open took over 100 ms).
            Thread.sleep(Math.max(0, 2100 - (System.nanoTime() - returnedAt) / 1_000_000));
            assertNull(one.find(opened.id()), "used all along, ended at its absolute timeout");
            // Redis told the session is younger (a hostile or stale 'c') does not lengthen it: the sealed time rules.
            Sessions.Session again = one.open(alice());
            String other = new SessionSeal(FLEET).key(SessionSeal.Kind.SESSION, again.id());
            client.hset("tabserve:session:" + other, "c", Long.toString(System.currentTimeMillis() + 1000));
            assertNull(one.find(again.id()), "a time in Redis that is not the sealed one is no session");
        }
    }

    @Test
    void valuesPlantedUnderASessionsKeyAreNoSession() {
        SharedLoginState one = replica(settings(Duration.ofMinutes(30), Duration.ofHours(8), 100));
        Sessions.Session real = one.open(alice());
        String realKey = "tabserve:session:" + new SessionSeal(FLEET).key(SessionSeal.Kind.SESSION, real.id());
        String id = SessionIds.next();
        String key = "tabserve:session:" + new SessionSeal(FLEET).key(SessionSeal.Kind.SESSION, id);
        String now = Long.toString(System.currentTimeMillis());
        // A session sealed with another secret, for this very id: a replica of another fleet, or a forger
        Sessions.Session forged;
        try (SharedSessions store = RedisSessions.open(redis.url(), s -> Optional.empty())) {
            forged = new SharedLoginState(
                            store,
                            new SessionSeal((p, t) -> derive("another secret".getBytes(StandardCharsets.UTF_8), p, t)),
                            settings(Duration.ofMinutes(30), Duration.ofHours(8), 100))
                    .open(alice());
        }
        try (RedisClient client = redis.client(null)) {
            String sealedElsewhere = client.hget(realKey, "v");
            String forgedValue = client.hget(
                    "tabserve:session:"
                            + new SessionSeal((p, t) -> derive("another secret".getBytes(StandardCharsets.UTF_8), p, t))
                                    .key(SessionSeal.Kind.SESSION, forged.id()),
                    "v");
            String sealedLogin =
                    new SessionSeal(FLEET).seal(SessionSeal.Kind.LOGIN, id, "{}".getBytes(StandardCharsets.UTF_8));
            String sealedJunk = new SessionSeal(FLEET)
                    .seal(
                            SessionSeal.Kind.SESSION,
                            id,
                            "{\"n\":\"alice\",\"g\":[\"admin\"]}".getBytes(StandardCharsets.UTF_8));
            String sealedBadScope = new SessionSeal(FLEET)
                    .seal(
                            SessionSeal.Kind.SESSION,
                            id,
                            ("{\"n\":\"mallory\",\"g\":[\"root\"],\"t\":\"x\",\"x\":0,\"c\":\"" + SessionIds.next()
                                            + "\",\"s\":" + now + "}")
                                    .getBytes(StandardCharsets.UTF_8));
            for (String planted : List.of(
                    "garbage",
                    "",
                    "x".repeat(SharedSessions.MAX_VALUE + 1),
                    sealedElsewhere, // another session's value: sealed under another id
                    forgedValue, // sealed under another fleet's secret
                    sealedLogin, // a sign-in's value in a session's place
                    sealedJunk, // opens, but is not a session (fields missing)
                    sealedBadScope)) { // opens, a scope that is none
                client.del(key);
                client.hset(key, Map.of("v", planted, "c", now, "u", now));
                assertNull(one.find(id), "a planted value is no session");
            }
            client.del(key);
            client.hset(key, Map.of("v", sealedElsewhere, "c", "soon", "u", now));
            assertNull(one.find(id), "a time that is no number");
            client.del(key);
            client.set(key, sealedElsewhere);
            assertNull(one.find(id), "a key of another type");
            client.del(key);
            client.rpush(key, "a", "b");
            assertNull(one.find(id), "a list");
            client.del(key);
            assertNull(one.find("not an id"), "a cookie of another making is not looked up");
            assertNotNull(one.find(real.id()), "the real session is still there");
        }
    }

    @Test
    void aSignInComesBackOnceFleetWideAndTheFleetsReturnsAreBounded() {
        SharedLoginState one = replica(settings(Duration.ofMinutes(30), Duration.ofHours(8), 3));
        SharedLoginState two = replica(settings(Duration.ofMinutes(30), Duration.ofHours(8), 3));
        try (RedisClient client = redis.client(null)) {
            client.keys("tabserve:logins:*").forEach(client::del);
        }
        String started = SessionIds.next(); // the id of a browser's pre-login cookie
        assertEquals(SharedSessions.Return.FIRST, two.returned(started), "the issuer sent the person to the other");
        assertEquals(SharedSessions.Return.USED, one.returned(started), "a sign-in comes back once, fleet-wide");
        String planted = SessionIds.next();
        String plantedKey = "tabserve:login:" + new SessionSeal(FLEET).key(SessionSeal.Kind.LOGIN, planted);
        try (RedisClient client = redis.client(null)) {
            assertTrue(
                    client.ttl("tabserve:login:" + new SessionSeal(FLEET).key(SessionSeal.Kind.LOGIN, started)) <= 600,
                    "a mark lasts as long as a sign-in may");
            client.set(plantedKey, "anything");
            assertEquals(SharedSessions.Return.USED, one.returned(planted), "a mark planted there only refuses");
        }
        assertEquals(SharedSessions.Return.FIRST, one.returned(SessionIds.next()));
        assertEquals(SharedSessions.Return.FIRST, two.returned(SessionIds.next()));
        assertEquals(SharedSessions.Return.FULL, two.returned(SessionIds.next()), "three came back in this window");
        try (RedisClient client = redis.client(null)) {
            client.keys("tabserve:logins:*").forEach(k -> client.set(k, "many"));
        }
        assertEquals(SharedSessions.Return.FULL, one.returned(SessionIds.next()), "a count that is no number is full");
    }

    @Test
    void aRedisThatIsDownIsA503InWordsNeverASessionAndSaidOnce() throws Exception {
        SharedLoginState one = replica(settings(Duration.ofMinutes(30), Duration.ofHours(8), 100));
        Sessions.Session opened = one.open(alice());
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(RedisSessions.class.getName());
        List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                said.add(record.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(handler);
        redis.stop();
        try {
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                ServingException down = assertThrows(ServingException.class, () -> one.find(opened.id()));
                assertEquals(ServingException.Kind.UNAVAILABLE, down.kind(), "a 503");
                assertTrue(down.getMessage().contains("shared store of sessions"), down.getMessage());
                assertFalse(down.getMessage().contains(opened.id()), "the id is never said");
                assertTrue(System.nanoTime() - started < Duration.ofSeconds(2).toNanos(), "within the deadline");
                assertThrows(ServingException.class, () -> one.returned(SessionIds.next()));
                Thread.sleep(600);
            }
            assertEquals(
                    1,
                    said.stream().filter(m -> m.contains("did not answer")).count(),
                    "said once in the log: " + said);
        } finally {
            redis.start();
            log.removeHandler(handler);
        }
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Sessions.Session back = null;
        while (back == null && System.nanoTime() < until) {
            try {
                back = one.open(alice());
            } catch (ServingException stillDown) {
                Thread.sleep(200);
            }
        }
        assertNotNull(back, "the store answers again once Redis does");
        assertNotNull(one.find(back.id()));
        assertNull(one.find(opened.id()), "a Redis restarted without its data has no old session");
    }

    @Test
    void aRedisThatRefusesWritesIsA503InWordsNeverASessionAndSaidInTheLog() throws Exception {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(RedisSessions.class.getName());
        List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel() == java.util.logging.Level.WARNING) {
                    said.add(record.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(handler);
        // A primary that takes no write without a replica: Redis answers every write with a refusal (NOREPLICAS).
        try (RedisProcess refusing = RedisProcess.launch("--min-replicas-to-write", "1");
                SharedSessions store = RedisSessions.open(refusing.url(), s -> Optional.empty())) {
            SharedLoginState replica = new SharedLoginState(
                    store, new SessionSeal(FLEET), settings(Duration.ofMinutes(30), Duration.ofHours(8), 100));
            ServingException refused = assertThrows(ServingException.class, () -> replica.open(alice()));
            assertEquals(ServingException.Kind.UNAVAILABLE, refused.kind(), refused.getMessage());
            assertTrue(refused.getMessage().contains("refused the command"), refused.getMessage());
            assertThrows(ServingException.class, () -> replica.returned(SessionIds.next()));
            assertNull(replica.find(SessionIds.next()), "a read of no session still answers: none");
        } finally {
            log.removeHandler(handler);
        }
        assertEquals(1, said.stream().filter(m -> m.contains("refused")).count(), "said once in the log: " + said);
    }
}
