package org.tabserve.serving.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.ClientBuckets;
import org.tabserve.serving.access.Grant;
import org.tabserve.serving.access.Quota;
import org.tabserve.serving.access.Scope;
import org.tabserve.testing.RedisProcess;
import redis.clients.jedis.RedisClient;

/**
 * The fleet's buckets of clients' rates against a real Redis (Debian's redis-server on a port of the test's own):
 * replicas sharing one Redis share one budget exactly, every take one script run on Redis's clock; a bucket's key
 * names the client and never its credential, and goes when the bucket would be full again; a Redis killed mid-run or
 * frozen never refuses a request for its own sake (the replica takes its own bucket, within the deadline), is said
 * once in the log, and the fleet's bucket is taken again once it answers. Skipped, saying so, without redis-server.
 */
@Timeout(120)
class RedisBucketsTest {

    private static final String CREDENTIAL = "key-0123456789abcdef0123456789abcdef";
    private static final Logger LOG = Logger.getLogger(RedisBuckets.class.getName());

    private final List<RedisAnswers> stores = new ArrayList<>();
    private final List<LogRecord> said = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Handler listener = new Handler() {
        @Override
        public void publish(LogRecord record) {
            said.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private RedisProcess redis;
    private Level before;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(RedisProcess.installed(), RedisProcess.MISSING);
        redis = RedisProcess.launch();
        before = LOG.getLevel();
        LOG.setLevel(Level.INFO);
        LOG.addHandler(listener);
    }

    @AfterEach
    void stop() throws Exception {
        LOG.removeHandler(listener);
        LOG.setLevel(before);
        stores.forEach(RedisAnswers::close);
        if (redis != null) {
            redis.close();
        }
    }

    /** One replica's buckets: a store of its own on the test's Redis, as each replica opens one. */
    private ClientBuckets replica(Duration deadline) {
        RedisAnswers store = new RedisAnswers(RedisAddress.parse(redis.url()), () -> {}, deadline);
        stores.add(store);
        return ClientBuckets.fleet(store.buckets(), new PrometheusRegistry());
    }

    /** The client as a replica's keys file names it: a bucket of its own on each replica, as the rate is parsed there. */
    private static Caller client(String name, String rate) {
        return new Caller(name, List.of(new Grant(Scope.PREDICT, Grant.ALL)), true, Quota.parse(rate));
    }

    private List<String> warnings() {
        return said.stream()
                .filter(r -> r.getLevel() == Level.WARNING)
                .map(LogRecord::getMessage)
                .toList();
    }

    /** Takes a token until the store answers one (not taken on the replica's own bucket), for at most 10 s. */
    private static void answeredByTheStore(ClientBuckets replica) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            long local = replica.takenLocally();
            assertEquals(0, replica.take(client("warm-up", "1000/s")));
            if (replica.takenLocally() == local) {
                return;
            }
            assertTrue(System.nanoTime() - until < 0, "the store answers");
            Thread.sleep(100);
        }
    }

    @Test
    void twoReplicasSharingOneRedisLetExactlyTheRatesNumberThroughBetweenThem() throws Exception {
        // 5 s a call, not 500 ms: on a loaded machine eight connections made at once may take longer, and a take
        // past the deadline is the replica's own (the deadline itself is the frozen Redis's test)
        ClientBuckets first = replica(Duration.ofSeconds(5));
        ClientBuckets second = replica(Duration.ofSeconds(5));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> takes = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                ClientBuckets replica = i % 2 == 0 ? first : second;
                Caller notes = client("notes", "10/m"); // each request's caller, as each replica's file makes it
                takes.add(threads.submit((Callable<Long>) () -> replica.take(notes)));
            }
            int allowed = 0;
            long shortest = Long.MAX_VALUE;
            for (Future<Long> take : takes) {
                long wait = take.get(30, TimeUnit.SECONDS);
                allowed += wait == 0 ? 1 : 0;
                shortest = wait == 0 ? shortest : Math.min(shortest, wait);
            }
            assertEquals(10, allowed, "10/m across two replicas: 10 in all, not 10 on each");
            assertTrue(
                    shortest > TimeUnit.SECONDS.toNanos(5) && shortest <= TimeUnit.SECONDS.toNanos(6),
                    "a refusal waits for the next token, one every 6 s: " + shortest);
            assertEquals(0, first.takenLocally() + second.takenLocally(), "the store answered every take");
            assertEquals(0, second.take(client("other", "10/m")), "another client's bucket is its own");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void twoReplicasShareEveryBucketOfAClientOfSeveralRatesAndARefusalTakesFromNone() throws Exception {
        ClientBuckets first = replica(Duration.ofSeconds(5));
        ClientBuckets second = replica(Duration.ofSeconds(5));
        String minute = "tabserve:rate:5:notes:3/60";
        String day = "tabserve:rate:5:notes:5/86400";
        for (int i = 0; i < 3; i++) {
            ClientBuckets replica = i % 2 == 0 ? first : second;
            assertEquals(Quota.Wait.TAKEN, replica.admit(client("notes", "3/m+5/d")), "request " + (i + 1));
        }
        for (int i = 0; i < 4; i++) {
            Quota.Wait refused = (i % 2 == 0 ? first : second).admit(client("notes", "3/m+5/d"));
            assertEquals(0, refused.rate(), "the fleet's minute refuses, on either replica");
            assertTrue(
                    refused.nanos() > TimeUnit.SECONDS.toNanos(19) && refused.nanos() <= TimeUnit.SECONDS.toNanos(20),
                    "a token of the minute's every 20 s: " + refused.nanos());
        }
        try (RedisClient client = redis.client(null)) {
            assertEquals(2.0, Double.parseDouble(client.hget(day, "t")), 1e-3, "the minute's refusals took no day's");
            client.del(minute); // the minute's bucket full again, as if a minute had passed
            assertEquals(Quota.Wait.TAKEN, second.admit(client("notes", "3/m+5/d")));
            assertEquals(Quota.Wait.TAKEN, first.admit(client("notes", "3/m+5/d")));
            for (int i = 0; i < 4; i++) {
                Quota.Wait refused = (i % 2 == 0 ? first : second).admit(client("notes", "3/m+5/d"));
                assertEquals(1, refused.rate(), "now the fleet's day refuses");
                assertTrue(
                        refused.nanos() > TimeUnit.HOURS.toNanos(4)
                                && refused.nanos() <= TimeUnit.HOURS.toNanos(24) / 5,
                        "a token of the day's every 4.8 h: " + refused.nanos());
            }
            assertEquals(
                    1.0, Double.parseDouble(client.hget(minute, "t")), 1e-3, "the day's refusals took no minute's");
            assertTrue(client.pttl(day) > TimeUnit.HOURS.toMillis(23), "the day's key lasts until it is full again");
        }
        assertEquals(0, first.takenLocally() + second.takenLocally(), "the store answered every take");
        assertEquals(0, second.take(client("notes", "3/m")), "a rate of its own is the client's key, not the joined's");
    }

    @Test
    void aBucketsKeyNamesTheClientNeverItsCredentialAndGoesWhenTheBucketIsFullAgain() throws Exception {
        ClientBuckets replica = replica(Duration.ofSeconds(5));
        assertEquals(0, replica.take(client("oidc:" + "x".repeat(200), "2/h")));
        try (RedisClient client = redis.client(null)) {
            // notes' bucket is full again 200 ms after its take, and its key gone: on a busy machine the keys may be
            // read after that, so the take is made again (on a full bucket: the same 200 ms) until they are read in
            // time.
            java.util.Set<String> keys;
            int takes = 0;
            do {
                assertEquals(0, replica.take(client("notes", "5/s")));
                keys = client.keys("*");
            } while (!keys.contains("tabserve:rate:5:notes:5/1") && ++takes < 50);
            assertEquals(
                    java.util.Set.of(
                            "tabserve:rate:5:notes:5/1",
                            "tabserve:rate:#"
                                    + org.tabserve.testing.KeyDigests.sha256("oidc:" + "x".repeat(200))
                                    + ":2/3600"),
                    keys,
                    "the name spelled with its length, or its SHA-256 when long");
            assertFalse(keys.toString().contains(CREDENTIAL));
            long notesLeft = client.pttl("tabserve:rate:5:notes:5/1");
            assertTrue(notesLeft <= 201, "full again in 200 ms: " + notesLeft);
            long longLeft = client.pttl(
                    keys.stream().filter(k -> k.contains("#")).findFirst().orElseThrow());
            assertTrue(longLeft > 1_790_000 && longLeft <= 1_800_001, "full again in 30 min: " + longLeft);
            long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // its 200 ms, with slack for a busy machine
            while (client.exists("tabserve:rate:5:notes:5/1") && System.nanoTime() - gone < 0) {
                Thread.sleep(20);
            }
            assertNull(client.get("tabserve:rate:5:notes:5/1"), "an idle client's bucket leaves no key");
            assertFalse(client.exists("tabserve:rate:5:notes:5/1"));
        }
    }

    @Test
    void aBucketHoldingWhatNoReplicaWritesIsTakenAsFullAndReplaced() throws Exception {
        ClientBuckets replica = replica(Duration.ofSeconds(5));
        try (RedisClient client = redis.client(null)) {
            client.set("tabserve:rate:5:notes:2/3600", "x".repeat(100_000));
            client.hset("tabserve:rate:4:ops:2/3600", java.util.Map.of("t", "nan", "at", "inf"));
            client.hset("tabserve:rate:3:ci:2/3600", java.util.Map.of("t", "1", "at", "9".repeat(40)));
            for (String name : List.of("notes", "ops", "ci")) {
                assertEquals(0, replica.take(client(name, "2/h")), name);
                assertEquals(0, replica.take(client(name, "2/h")), name);
                assertTrue(replica.take(client(name, "2/h")) > 0, name + ": then its rate holds");
            }
            assertEquals("hash", client.type("tabserve:rate:5:notes:2/3600"));
        }
        assertEquals(0, replica.takenLocally());
        assertEquals(List.of(), warnings(), "nothing wrong with the store itself");
    }

    @Test
    void aRedisKilledMidRunRefusesNoRequestForItsSakeIsSaidOnceAndTheFleetsBucketComesBack() throws Exception {
        ClientBuckets replica = replica(Duration.ofMillis(300));
        answeredByTheStore(replica);
        said.clear();
        long before = replica.takenLocally();
        for (int i = 0; i < 5; i++) {
            assertEquals(0, replica.take(client("notes", "5/h")), "the fleet's 5");
        }
        Caller notes = client("notes", "5/h"); // the replica's own bucket, kept across requests as its file keeps it
        assertTrue(replica.take(notes) > 0, "the fleet's bucket is empty");
        redis.stop();
        int allowed = 0;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_600); // past a retry of the store
        int takes = 0;
        while (System.nanoTime() - end < 0) {
            long began = System.nanoTime();
            allowed += replica.take(notes) == 0 ? 1 : 0;
            assertTrue(System.nanoTime() - began < TimeUnit.MILLISECONDS.toNanos(2_000), "never past the deadline");
            takes++;
            Thread.sleep(20);
        }
        assertEquals(5, allowed, "the replica's own bucket of 5/h, not none and not every request");
        assertEquals(takes, replica.takenLocally() - before, "each taken here is counted");
        List<String> warned = warnings();
        assertEquals(1, warned.size(), "said once: " + warned);
        assertTrue(warned.get(0).contains("this replica's own bucket"), warned.get(0));
        assertTrue(warned.get(0).contains(redis.url()), warned.get(0));
        assertFalse(warned.get(0).contains("notes") || warned.get(0).contains(CREDENTIAL), warned.get(0));

        redis.start(); // empty: a Redis restarted without its data, and without the script
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long takenHere = replica.takenLocally();
        while (replica.take(client("notes", "5/h")) != 0 || replica.takenLocally() != takenHere) {
            takenHere = replica.takenLocally();
            assertTrue(System.nanoTime() - waitUntil < 0, "the fleet's bucket is taken again");
            Thread.sleep(100);
        }
        for (int i = 1; i < 5; i++) {
            assertEquals(0, replica.take(notes), "the fleet's new bucket: request " + (i + 1));
        }
        assertTrue(replica.take(notes) > 0, "and its rate holds again");
        assertEquals(takenHere, replica.takenLocally());
        assertEquals(1, warnings().size());
        assertTrue(said.stream().anyMatch(r -> r.getMessage().contains("answers again")), "the return is said too");
    }

    @Test
    void aFrozenRedisHoldsNoRequestPastTheDeadlineAndOnlyOneRequestASecondAsksItAgain() throws Exception {
        ClientBuckets replica = replica(Duration.ofMillis(200));
        answeredByTheStore(replica); // a cold first call (a connection, the script loaded) may take longer than 200 ms
        long before = replica.takenLocally();
        said.clear();
        redis.freeze();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> took = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Caller notes = client("notes", "100/s");
                took.add(threads.submit(() -> {
                    long began = System.nanoTime();
                    assertEquals(0, replica.take(notes), "let through on the replica's own bucket");
                    return System.nanoTime() - began;
                }));
            }
            for (Future<Long> each : took) {
                long nanos = each.get(30, TimeUnit.SECONDS);
                assertTrue(nanos < TimeUnit.MILLISECONDS.toNanos(1_200), "held " + nanos / 1_000_000 + " ms");
            }
            long began = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                assertEquals(0, replica.take(client("notes", "100/s")));
            }
            assertTrue(
                    System.nanoTime() - began < TimeUnit.MILLISECONDS.toNanos(150),
                    "while the store is down, requests do not wait for it");
            assertEquals(58, replica.takenLocally() - before);
            assertEquals(1, warnings().size(), "said once: " + warnings());
            assertTrue(
                    warnings().get(0).contains("tabserve.redis-deadline"),
                    warnings().get(0));
        } finally {
            threads.shutdownNow();
            redis.thaw();
        }
    }
}
