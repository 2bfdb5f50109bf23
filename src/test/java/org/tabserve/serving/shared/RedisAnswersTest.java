package org.tabserve.serving.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.serving.feedback.FeedbackMonitor;
import org.tabserve.serving.feedback.RecentAnswers;
import org.tabserve.serving.feedback.SharedAnswers;
import org.tabserve.testing.RedisProcess;
import redis.clients.jedis.RedisClient;

/**
 * The shared store's answers against a real Redis (Debian's redis-server on a port of the test's own): an answer kept
 * for labels is never replaced, so that a request re-sent under a kept id can neither clear its rows' labels (20
 * re-answers and 20 labels once made 21 rows labelled of one) nor move them to another row (a victim's id re-used with
 * another row made the victim's true label join the attacker's answer); the later parts of a request whose first part
 * was refused never join the victim's rows, and an expired answer's id is not taken while its mark lasts. Skipped,
 * saying so, without redis-server.
 */
@Timeout(120)
class RedisAnswersTest {

    private static final String MODEL = "notes";

    static RedisProcess redis;
    static RedisAnswers store;
    static final AtomicInteger reused = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RedisProcess.installed(), RedisProcess.MISSING);
        redis = RedisProcess.launch();
        store = new RedisAnswers(RedisAddress.parse(redis.url()), reused::incrementAndGet, RedisDeadline.DEFAULT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** Waits until {@code done}, the store's writer being a thread of its own. */
    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(10);
        }
    }

    private static String rowsKept(String id) {
        try (RedisClient client = redis.client(null)) {
            return client.hget(RedisKeys.answerKey(MODEL, id), "n");
        }
    }

    private static List<SharedAnswers.Joined> label(String id, int... rows) {
        return store.join(
                MODEL,
                java.util.Arrays.stream(rows)
                        .mapToObj(row -> new FeedbackMonitor.Label(id, row, "0", Double.NaN))
                        .toList(),
                AnswerTrace.NONE);
    }

    @Test
    void aReSentRequestNeitherClearsNorMovesTheLabelsOfTheAnswerKeptUnderItsId() throws Exception {
        store.keep(new SharedAnswers.Kept(
                MODEL, 1, FeedbackMonitor.NOBODY, "order-7", 0, 7, new int[] {0}, null, AnswerTrace.NONE));
        await("the first answer is kept", () -> "1".equals(rowsKept("order-7")));
        assertEquals(RecentAnswers.Outcome.JOINED, label("order-7", 0).get(0).outcome());
        int before = reused.get();
        for (int i = 1; i <= 20; i++) {
            store.keep(new SharedAnswers.Kept(
                    MODEL, 1, FeedbackMonitor.NOBODY, "order-7", 0, 100 + i, new int[] {1}, null, AnswerTrace.NONE));
            int expected = before + i;
            await("the re-sent answer is refused and counted", () -> reused.get() == expected);
            SharedAnswers.Joined again = label("order-7", 0).get(0);
            assertEquals(RecentAnswers.Outcome.DUPLICATE, again.outcome(), "the first label counts, re-sent or not");
        }

        store.keep(new SharedAnswers.Kept(
                MODEL, 1, FeedbackMonitor.NOBODY, "victim", 0, 11, new int[] {0, 0}, null, AnswerTrace.NONE));
        await("the victim's answer is kept", () -> "2".equals(rowsKept("victim")));
        int taken = reused.get();
        store.keep(new SharedAnswers.Kept(
                MODEL, 2, FeedbackMonitor.NOBODY, "victim", 0, 99, new int[] {1}, null, AnswerTrace.NONE));
        store.keep(new SharedAnswers.Kept(
                MODEL,
                2,
                FeedbackMonitor.NOBODY,
                "victim",
                2,
                99,
                new int[] {1},
                null,
                AnswerTrace.NONE)); // the attacker's later part, numbered on
        await("both of the attacker's parts are refused", () -> reused.get() == taken + 2);
        store.keep(new SharedAnswers.Kept(
                MODEL,
                1,
                FeedbackMonitor.NOBODY,
                "victim",
                2,
                11,
                new int[] {0},
                null,
                AnswerTrace.NONE)); // the victim's own later part
        await("the victim's own later part is kept", () -> "3".equals(rowsKept("victim")));
        List<SharedAnswers.Joined> joined = label("victim", 0, 1, 2, 3);
        for (int row = 0; row < 3; row++) {
            assertEquals(RecentAnswers.Outcome.JOINED, joined.get(row).outcome(), "row " + row);
            assertEquals(1, joined.get(row).version(), "the victim's version answered row " + row);
            assertEquals(0, joined.get(row).predictedClass(), "the victim's answer, row " + row);
        }
        assertEquals(RecentAnswers.Outcome.UNKNOWN, joined.get(3).outcome(), "the attacker's rows were never kept");
    }

    /** Labels row 0 of {@code client}'s answer {@code id} through {@code replica}. */
    private static SharedAnswers.Joined labelOf(SharedAnswers replica, String client, String id) {
        return replica.join(MODEL, List.of(new FeedbackMonitor.Label(id, 0, "0", Double.NaN, client)), AnswerTrace.NONE)
                .get(0);
    }

    private static boolean kept(String client, String id) {
        try (RedisClient client1 = redis.client(null)) {
            return client1.exists(RedisKeys.answerKey(MODEL, client, id));
        }
    }

    @Test
    void twoCallersChoosingOneIdOnTwoReplicasAreTwoAnswersAndEachLabelJoinsItsOwn() throws Exception {
        AtomicInteger otherReused = new AtomicInteger();
        try (SharedAnswers other = new RedisAnswers(
                RedisAddress.parse(redis.url()), otherReused::incrementAndGet, RedisDeadline.DEFAULT)) {
            int before = reused.get();
            store.keep(new SharedAnswers.Kept(MODEL, 1, "alice", "r1", 0, 21, new int[] {0}, null, AnswerTrace.NONE));
            other.keep(new SharedAnswers.Kept(MODEL, 2, "bob", "r1", 0, 22, new int[] {1, 1}, null, AnswerTrace.NONE));
            other.keep(new SharedAnswers.Kept(MODEL, 1, "", "r1", 0, 23, new int[] {1}, null, AnswerTrace.NONE));
            await("each caller's r1 is kept", () -> kept("alice", "r1") && kept("bob", "r1") && kept("", "r1"));
            assertEquals(before, reused.get(), "no id was taken: each caller chose its own");
            assertEquals(0, otherReused.get());

            SharedAnswers.Joined alices = labelOf(other, "alice", "r1");
            assertEquals(RecentAnswers.Outcome.JOINED, alices.outcome(), "alice's label, on the other replica");
            assertEquals(1, alices.version());
            assertEquals(0, alices.predictedClass(), "alice's answer, not bob's");
            SharedAnswers.Joined bobs = labelOf(store, "bob", "r1");
            assertEquals(RecentAnswers.Outcome.JOINED, bobs.outcome());
            assertEquals(2, bobs.version());
            assertEquals(1, bobs.predictedClass(), "bob's answer, not alice's");
            assertEquals(RecentAnswers.Outcome.JOINED, labelOf(store, "", "r1").outcome());
            assertEquals(
                    RecentAnswers.Outcome.UNKNOWN,
                    labelOf(store, "carol", "r1").outcome(),
                    "another caller's id is unknown to carol, as an id never answered is");

            // A name and an id can make no other caller's key: names are spelled with their length.
            store.keep(new SharedAnswers.Kept(MODEL, 1, "a", "lice:r2", 0, 24, new int[] {0}, null, AnswerTrace.NONE));
            await("kept", () -> kept("a", "lice:r2"));
            assertEquals(
                    RecentAnswers.Outcome.UNKNOWN, labelOf(store, "alice", "r2").outcome());
            assertEquals(
                    RecentAnswers.Outcome.UNKNOWN, labelOf(store, "", "lice:r2").outcome());
            // A name of other characters, or too long, is kept under its digest: a key of bounded length.
            String odd = "CN=Alice Smith,O=Example " + "x".repeat(300);
            store.keep(new SharedAnswers.Kept(MODEL, 1, odd, "r3", 0, 25, new int[] {0}, null, AnswerTrace.NONE));
            await("kept", () -> kept(odd, "r3"));
            assertTrue(RedisKeys.answerKey(MODEL, odd, "r3").length() < 120, RedisKeys.answerKey(MODEL, odd, "r3"));
            assertEquals(RecentAnswers.Outcome.JOINED, labelOf(other, odd, "r3").outcome());
            assertEquals(
                    RecentAnswers.Outcome.UNKNOWN,
                    labelOf(other, odd.substring(1), "r3").outcome());
        }
    }

    @Test
    void anExpiredAnswersIdIsNotTakenWhileItsMarkLasts() throws Exception {
        store.keep(new SharedAnswers.Kept(
                MODEL, 1, FeedbackMonitor.NOBODY, "late", 0, 5, new int[] {0}, null, AnswerTrace.NONE));
        await("kept", () -> "1".equals(rowsKept("late")));
        try (RedisClient client = redis.client(null)) {
            client.del(RedisKeys.answerKey(MODEL, "late")); // as its hour ends; its mark lasts two
        }
        int before = reused.get();
        store.keep(new SharedAnswers.Kept(
                MODEL, 1, FeedbackMonitor.NOBODY, "late", 0, 6, new int[] {1}, null, AnswerTrace.NONE));
        await("refused", () -> reused.get() == before + 1);
        assertEquals(RecentAnswers.Outcome.EXPIRED, label("late", 0).get(0).outcome(), "its late label is told so");
    }
}
