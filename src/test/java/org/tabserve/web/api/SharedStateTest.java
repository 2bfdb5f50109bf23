package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.RedisProcess;
import redis.clients.jedis.RedisClient;

/**
 * The answers kept for labels in a real Redis ({@code --shared-state}, Debian's redis-server on a port of the test's
 * own, with a password): a label joins the answer kept there, the live figures say they are the fleet's, keys are
 * under {@code tabserve:} and leave within the hour; the password is never logged nor shown; values no replica wrote
 * (a string where a hash goes, 8 MiB values, negative and non-numeric sums) are counted and said corrupt, never
 * fatal; a Redis that hangs (SIGSTOP) slows no answer and refuses labels after its timeout; and a Redis that dies
 * mid-run fails no answer (the keeps skipped, counted), refuses labels in words (503,
 * naming the store without its password) and is used again once it is back; and a request re-sent under a kept id
 * neither clears nor moves its labels (issue 61). Skipped, saying so, without
 * redis-server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class SharedStateTest {

    private static final String PASSWORD = "s3cret-redis-password-4d1f";
    private static final String TOKEN = "shared-state-feedback-token-0123456789";
    private static final Pattern SKIPPED =
            Pattern.compile("(?m)^tabserve_shared_state_skipped_keeps_total ([0-9.eE+]+)$");

    static RedisProcess redis;
    static TabserveServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RedisProcess.installed(), RedisProcess.MISSING);
        redis = RedisProcess.launch("--requirepass", PASSWORD);
        // Each call to Redis gets 3 s in all, not the shipped 500 ms: in a CI run at load 14 a keep past 500 ms was
        // cut off as the deadline says, the store taken as down for a second and the next answers not kept, so the
        // joins this class counts went missing. The deadline itself is TricklingRedisTest's (300 ms, a Redis that
        // trickles); a frozen Redis here is still refused after it.
        server = TabserveServer.startReady(
                Map.of("TABSERVE_REDIS_DEADLINE", "3s"),
                "--shared-state",
                "redis://:" + PASSWORD + "@127.0.0.1:" + redis.port(),
                "--feedback-token",
                TOKEN);
        http = new Http(server);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** Posts labels, with the feedback token. */
    private static Http.Response post(String path, String body) {
        return http.post(
                path, "application/json", body.getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer " + TOKEN);
    }

    private static String label(String id, String label) {
        return "{\"request_id\":\"" + id + "\",\"label\":\"" + label + "\"}";
    }

    /** Answers {@code notes}, one request each; returns each answer's id and label. */
    private static List<String[]> answer(List<BankNotes.Note> notes) {
        List<String[]> answers = new ArrayList<>();
        for (BankNotes.Note note : notes) {
            Http.Response answer = http.postJson("/api/predict", note.json().toString());
            assertEquals(200, answer.status(), answer::text);
            answers.add(new String[] {
                answer.header("X-Request-Id").orElseThrow(),
                answer.json().path("label").asText()
            });
        }
        return answers;
    }

    /** Labels the answers with the notes' true classes, by the names the card gives them; returns the answer. */
    private static JsonNode labelAll(List<String[]> answers, List<BankNotes.Note> notes) throws Exception {
        StringJoiner labels = new StringJoiner(",", "[", "]");
        for (int i = 0; i < answers.size(); i++) {
            labels.add(label(
                    answers.get(i)[0], BankNotes.DISPLAY_NAMES.get(notes.get(i).label())));
        }
        // The keeps are written by the store's own thread, within milliseconds: a label that comes first is unknown.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (RedisClient client = redis.client(PASSWORD)) {
                if (client.exists(
                        "tabserve:a:" + model().length() + ":" + model() + ":" + answers.get(answers.size() - 1)[0])) {
                    break;
                }
            }
            assertTrue(System.nanoTime() < deadline, "the last answer was never kept in Redis");
            Thread.sleep(20);
        }
        Http.Response fed = post("/api/feedback", labels.toString());
        assertEquals(200, fed.status(), fed::text);
        return fed.json();
    }

    private static String model() {
        return http.get("/api/models").json().path("models").get(0).path("name").asText();
    }

    private static JsonNode figures() {
        return http.get("/api/models").json().path("models").get(0);
    }

    @Test
    @Order(1)
    void aLabelJoinsTheAnswerKeptInRedisAndTheFiguresAreTheFleets() throws Exception {
        List<BankNotes.Note> notes = BankNotes.mixed(40);
        List<String[]> answers = answer(notes);
        JsonNode fed = labelAll(answers, notes);
        assertEquals(40, fed.path("joined").asInt(), fed::toString);
        assertEquals("shared store", fed.path("answers_kept").asText(), fed::toString);
        assertEquals(40, fed.path("joined_by_version").path("1").asInt(), fed::toString);
        long right = 0;
        for (int i = 0; i < notes.size(); i++) {
            right += answers.get(i)[1].equals(notes.get(i).label()) ? 1 : 0;
        }
        JsonNode entry = figures();
        assertEquals("fleet", entry.path("live_figures").asText(), entry::toString);
        assertEquals(40, entry.path("labelled").asInt(), entry::toString);
        assertEquals(right / 40.0, entry.path("live_accuracy").asDouble(), 1e-9, entry::toString);
        JsonNode again =
                post("/api/feedback", label(answers.get(0)[0], "genuine")).json();
        assertEquals(1, again.path("duplicates").asInt(), again::toString);
        assertEquals(
                "duplicate", again.path("not_joined").get(0).path("outcome").asText(), again::toString);
        try (RedisClient client = redis.client(PASSWORD)) {
            java.util.Set<String> keys = client.keys("*");
            assertFalse(keys.isEmpty());
            for (String key : keys) {
                assertTrue(key.startsWith("tabserve:"), "every key is under tabserve: " + key);
                long ttl = client.ttl(key);
                assertTrue(ttl > 0 && ttl <= 2 * 3600, key + " leaves in " + ttl + " s");
            }
        }
    }

    @Test
    @Order(2)
    void valuesNoReplicaWroteAreCountedAndSaidCorruptNeverFatal() throws Exception {
        String prefix = "tabserve:a:" + model().length() + ":" + model() + ":";
        String huge = "9".repeat(8 << 20);
        try (RedisClient client = redis.client(PASSWORD)) {
            client.set(prefix + "hostile-string", huge);
            client.hset(prefix + "hostile-version", Map.of("v", huge, "0", "1"));
            client.hset(prefix + "hostile-answer", Map.of("v", "1", "0", huge));
            client.hset(prefix + "hostile-text", Map.of("v", "one", "0", "1"));
            client.rpush(prefix + "hostile-list", "1", "2");
            for (String key : client.keys("tabserve:live:*")) { // the hour's sums: a string, negatives, not numbers
                client.del(key);
                if (key.hashCode() % 2 == 0) {
                    client.set(key, huge);
                } else {
                    client.hset(key, Map.of("labelled", "-1000", "correct", "1e400", "error", "nan", "unknown", huge));
                }
            }
        }
        StringJoiner labels = new StringJoiner(",", "[", "]");
        for (String id :
                List.of("hostile-string", "hostile-version", "hostile-answer", "hostile-text", "hostile-list")) {
            labels.add(label(id, "genuine"));
        }
        Http.Response fed = post("/api/feedback", labels.toString());
        assertEquals(200, fed.status(), fed::text);
        JsonNode answer = fed.json();
        assertEquals(0, answer.path("joined").asInt(), answer::toString);
        assertEquals(5, answer.path("unknown").asInt(), answer::toString);
        for (JsonNode not : answer.path("not_joined")) {
            assertTrue(not.path("reason").asText().contains("no replica wrote"), answer::toString);
        }
        assertTrue(fed.text().length() < 20_000, "nothing of the values is sent back");
        JsonNode entry = figures();
        assertTrue(entry.path("labelled").asLong() >= 0, entry::toString);
        assertTrue(
                entry.path("live_accuracy").isNull()
                        || entry.path("live_accuracy").asDouble() >= 0
                                && entry.path("live_accuracy").asDouble() <= 1,
                entry::toString);
        assertEquals(200, http.get("/health/ready").status());
        assertEquals(200, http.get("/metrics").status());
    }

    @Test
    @Order(5) // after the store was down: its warning names it
    void theStoresPasswordIsNeverLoggedNorShown() {
        assertTrue(
                server.output().stream().anyMatch(line -> line.contains("redis://127.0.0.1:" + redis.port())),
                "the log names the store (its warning while it was down): " + server.output());
        for (String line : server.output()) {
            assertFalse(line.contains(PASSWORD), line);
        }
        for (String path : List.of("/api/models", "/metrics", "/api/model", "/models")) {
            assertFalse(http.get(path).text().contains(PASSWORD), path);
        }
    }

    @Test
    @Order(3)
    void aFrozenRedisSlowsNoAnswerAndLabelsAreRefusedAfterItsTimeout() throws Exception {
        redis.freeze();
        try {
            List<String[]> answers = answer(BankNotes.mixed(100)); // every one 200, none waits for Redis
            assertEquals(100, answers.size());
            JsonNode problem =
                    post("/api/feedback", label(answers.get(0)[0], "genuine")).problem(503);
            assertTrue(problem.path("detail").asText().contains("shared store"), problem::toString);
            assertEquals(200, http.get("/api/models").status(), "the figures fall back to this replica's");
        } finally {
            redis.thaw();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode fed;
        while (true) { // tried at once, then every half second: a wait for the store, not a measure of it
            List<BankNotes.Note> more = BankNotes.mixed(5);
            fed = post("/api/feedback", "[]").status() == 200 ? labelAll(answer(more), more) : null;
            if ((fed != null && fed.path("joined").asInt() == 5) || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(500);
        }
        assertTrue(fed != null && fed.path("joined").asInt() == 5, "labels join again once Redis thaws: " + fed);
    }

    @Test
    @Order(4)
    void aDeadRedisFailsNoAnswerRefusesLabelsInWordsAndIsUsedAgainOnceBack() throws Exception {
        double before = skipped();
        redis.stop();
        List<BankNotes.Note> notes = BankNotes.mixed(200);
        long started = System.nanoTime();
        List<String[]> answers = answer(notes); // every one 200
        long took = System.nanoTime() - started;
        assertEquals(200, answers.size());
        awaitSkipped(before + 200);
        Http.Response refused = post("/api/feedback", label(answers.get(0)[0], "genuine"));
        JsonNode problem = refused.problem(503);
        String detail = problem.path("detail").asText();
        assertTrue(detail.contains("shared store") && detail.contains("redis://127.0.0.1:" + redis.port()), detail);
        assertTrue(detail.contains("send them again"), detail);
        assertFalse(refused.text().contains(PASSWORD), refused.text());
        assertTrue(refused.header("Retry-After").isPresent(), "says when to come back");
        assertEquals(200, http.get("/health/ready").status(), "a dead store does not take the server out");
        assertEquals(200, http.get("/api/models").status());
        System.out.println("200 answers with Redis down took " + took / 1_000_000 + " ms");

        redis.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode fed;
        while (true) { // tried at once, then every half second: a wait for the store, not a measure of it
            List<BankNotes.Note> more = BankNotes.mixed(5);
            fed = post("/api/feedback", "[]").status() == 200 ? labelAll(answer(more), more) : null;
            if ((fed != null && fed.path("joined").asInt() == 5) || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(500);
        }
        assertTrue(fed != null && fed.path("joined").asInt() == 5, "labels join again once Redis is back: " + fed);
    }

    @Test
    @Order(6)
    void labelsJoinAfterRedisLosesTheScripts() throws Exception {
        List<BankNotes.Note> notes = BankNotes.mixed(3);
        List<String[]> answers = answer(notes);
        try (RedisClient client = redis.client(PASSWORD)) {
            client.scriptFlush(); // as a restarted Redis, or an operator, does
        }
        JsonNode fed = labelAll(answers, notes);
        assertEquals(3, fed.path("joined").asInt(), fed::toString);
    }

    @Test
    @Order(7)
    void aReSentRequestNeitherClearsNorMovesTheLabelsOfTheAnswerKeptUnderItsId() throws Exception {
        BankNotes.Note genuine = BankNotes.genuine();
        BankNotes.Note forged = BankNotes.forged();
        assertEquals(
                200,
                http.post(
                                "/api/predict",
                                "application/json",
                                genuine.json().toString().getBytes(StandardCharsets.UTF_8),
                                "X-Request-Id",
                                "victim-61")
                        .status());
        double reused = reused();
        // Issue 61: 20 re-answers and 20 labels once made 21 labelled rows of one. Each re-answer is refused after the
        // first answer was kept (the store's writer keeps them in order), so the first label joins the first answer.
        for (int i = 1; i <= 20; i++) {
            assertEquals(
                    200,
                    http.post(
                                    "/api/predict",
                                    "application/json",
                                    forged.json().toString().getBytes(StandardCharsets.UTF_8),
                                    "X-Request-Id",
                                    "victim-61")
                            .status());
            double expected = reused + i;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (reused() != expected) {
                assertTrue(System.nanoTime() < deadline, "the re-sent answer is refused and counted: " + reused());
                Thread.sleep(20);
            }
            JsonNode fed = post("/api/feedback", label("victim-61", "genuine")).json();
            assertEquals(i == 1 ? 1 : 0, fed.path("joined").asInt(), "the first label counts: " + fed);
            assertEquals(i == 1 ? 0 : 1, fed.path("duplicates").asInt(), fed::toString);
        }
        try (RedisClient client = redis.client(PASSWORD)) {
            assertEquals(
                    "0",
                    client.hget("tabserve:a:" + model().length() + ":" + model() + ":victim-61", "0"),
                    "the victim's answer (genuine) is the one kept, not a later forged one");
        }
    }

    private static double reused() {
        Matcher m = Pattern.compile("(?m)^tabserve_feedback_reused_ids_total ([0-9.eE+]+)$")
                .matcher(http.get("/metrics").text());
        assertTrue(m.find(), "the reused ids are a series");
        return Double.parseDouble(m.group(1));
    }

    private static double skipped() {
        Matcher m = SKIPPED.matcher(http.get("/metrics").text());
        assertTrue(m.find(), "the skipped keeps are a series");
        return Double.parseDouble(m.group(1));
    }

    private static void awaitSkipped(double expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (skipped() != expected) {
            assertTrue(skipped() < expected, "more skipped than answered: " + skipped());
            assertTrue(System.nanoTime() < deadline, "skipped keeps " + skipped() + ", not " + expected);
            Thread.sleep(100);
        }
    }
}
