package org.tabserve.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.tabserve.testing.Await;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.KeyDigests;
import org.tabserve.testing.RedisProcess;
import org.tabserve.testing.TabserveProcess;

/**
 * Issue 52's proof: three replicas of the packaged WAR (the shipped JVM options) behind Debian's HAProxy, configured
 * with the docs' deploy/haproxy/haproxy.cfg (only its addresses changed, by {@code bench/haproxy-config}), round robin,
 * 3,000 single-row answers and 3,000 labels (in batches of 100) sent through the balancer. With the shared store
 * ({@code --shared-state}, Debian's redis-server on a port of the test's own) all 3,000 labels join, every replica
 * shows the same {@code live_accuracy} (the fleet's: the accuracy of the 3,000 answers), and the per-replica counters
 * sum to the fleet's figures; then, Redis killed mid-run, 600 more answers are all 200, their 600 keeps are counted
 * as skipped, labels are refused in words (503), and no request thread is left in the Redis client. Issue 78, item 3:
 * a key of {@code 100/m} (the fleet's keys file) gets 100 answers from the fleet in a burst of 4 s (and the few its
 * bucket refills meanwhile), not 300 (before: 303 in 6 s); with Redis dead, its requests are answered from each
 * replica's own bucket, none refused for Redis's sake, which each replica says once. Without the store, about two
 * labels in three miss, each said to be maybe another replica's. About a minute; skipped, saying so, without haproxy
 * or redis-server (which {@code .ci/run} installs).
 */
@Timeout(600)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasIT {

    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static final int ANSWERS = 3_000;
    private static final int BATCH = 100;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /**
     * An answer through the balancer: its id, its label, and the class it is labelled with: the note's true class,
     * but for every seventh, labelled wrongly, so that the live accuracy is not the model's 100 % on these notes.
     */
    private record Answer(String id, String label, String truth) {}

    /**
     * The shipped environment, with each call to Redis given 5 s in all instead of the default 500 ms: on a machine at
     * load 27 (two cores, three replicas, HAProxy, Redis and the test's clients) calls past 500 ms were cut off as the
     * deadline says, their answers not kept, and 13 to 81 of the 3,000 labels missed (the deadline itself is proved by
     * the hostile tests of the shared store); here every label must join, however loaded the machine.
     */
    private static final Map<String, String> ENVIRONMENT = withRedisDeadline(TabserveProcess.SHIPPED_ENVIRONMENT);

    private static Map<String, String> withRedisDeadline(Map<String, String> shipped) {
        Map<String, String> environment = new HashMap<>(shipped);
        environment.put("TABSERVE_REDIS_DEADLINE", "5s");
        return Map.copyOf(environment);
    }

    /** The replicas' feedback token, which labels need. */
    private static final String TOKEN = "replicas-feedback-token-0123456789abcdef";
    /** The shared fleet's key of a client without a rate, with which the answers, figures and metrics are asked. */
    private static final String KEY = "replicas-key-0123456789abcdef0123456789ab";
    /** The shared fleet's key of a client of 100 requests a minute. */
    private static final String METERED_KEY = "metered-key-0123456789abcdef0123456789abc";

    /** Redis and the fleet sharing it, started once for the ordered cases that use them; null without either. */
    private static RedisProcess redis;

    private static Fleet shared;

    @BeforeAll
    static void startTheSharedFleet() throws Exception {
        if (!Files.isExecutable(HAPROXY) || !RedisProcess.installed()) {
            return; // each case says which it needs
        }
        Path keys = Files.createTempDirectory("replicas-keys").resolve("keys");
        Files.write(
                keys,
                List.of(
                        "replicas  predict,read,metrics  " + KeyDigests.sha256(KEY),
                        "metered   predict               " + KeyDigests.sha256(METERED_KEY) + "  100/m"));
        Files.setPosixFilePermissions(keys, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        redis = RedisProcess.launch();
        shared = Fleet.start(List.of("--shared-state", redis.url(), "--api-keys", keys.toString()), KEY);
    }

    @AfterAll
    static void stopTheSharedFleet() throws Exception {
        if (shared != null) {
            shared.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static void assumeTheSharedFleet() {
        assumeTrue(
                Files.isExecutable(HAPROXY),
                "needs Debian's haproxy (apt-get install -y haproxy; .ci/run installs it)");
        assumeTrue(RedisProcess.installed(), RedisProcess.MISSING);
    }

    @Test
    @Order(1)
    void withTheSharedStoreEveryLabelJoinsAndEveryReplicaShowsTheFleetsLiveAccuracy() throws Exception {
        assumeTheSharedFleet();
        Fleet fleet = shared;
        List<Answer> answers = answer(fleet, 0, ANSWERS);
        long right = answers.stream().filter(a -> a.label().equals(a.truth())).count();
        Thread.sleep(500); // the keeps are written by each replica's own thread, within milliseconds
        long joined = 0;
        for (int from = 0; from < ANSWERS; from += BATCH) {
            JsonNode fed = label(fleet, answers.subList(from, from + BATCH), 200);
            joined += fed.path("joined").asLong();
            assertEquals("shared store", fed.path("answers_kept").asText(), fed::toString);
        }
        assertEquals(ANSWERS, joined, "every label joined, whichever replica took it");
        // a replica reads the fleet's figures again once they are a second old (the assertions below say what is
        // wrong if that never comes)
        Await.within(Await.MINUTE, () -> {
            for (TabserveProcess replica : fleet.replicas()) {
                JsonNode entry = get(fleet, replica.uri().resolve("/api/models"))
                        .path("models")
                        .get(0);
                if (entry.path("labelled").asLong() != ANSWERS) {
                    return false;
                }
            }
            return true;
        });
        List<Double> accuracies = new ArrayList<>();
        double joinedSeries = 0;
        double correctSeries = 0;
        for (TabserveProcess replica : fleet.replicas()) {
            JsonNode entry = get(fleet, replica.uri().resolve("/api/models"))
                    .path("models")
                    .get(0);
            assertEquals("fleet", entry.path("live_figures").asText(), entry::toString);
            assertEquals(ANSWERS, entry.path("labelled").asLong(), entry::toString);
            accuracies.add(entry.path("live_accuracy").asDouble());
            String metrics = text(fleet, replica.uri().resolve("/metrics"));
            joinedSeries += sum(metrics, "tabserve_feedback_labels_total\\{[^}]*outcome=\"joined\"[^}]*\\}");
            correctSeries += sum(metrics, "tabserve_feedback_correct_total\\{[^}]*\\}");
        }
        System.out.println("replicas: live_accuracy " + accuracies + ", " + right + " of " + ANSWERS + " right");
        for (double accuracy : accuracies) {
            assertEquals((double) right / ANSWERS, accuracy, 1e-9, "every replica shows the fleet's figure");
        }
        assertEquals(ANSWERS, joinedSeries, "sum over replicas of the joined labels");
        assertEquals(right, correctSeries, "sum over replicas of the labels answered right");
    }

    /**
     * Issue 78, item 3: six clients of one key of {@code 100/m} send as fast as they can through the balancer for 4 s;
     * the fleet answers 100 (the bucket's burst) and the tokens it refills meanwhile (one each 0.6 s), every other
     * request 429; before, each replica had a bucket of its own and 303 were answered in 6 s.
     */
    @Test
    @Order(2)
    void aKeyOf100AMinuteGets100AnswersFromTheFleetNot300() throws Exception {
        assumeTheSharedFleet();
        List<BankNotes.Note> notes = BankNotes.all();
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            long began = System.nanoTime();
            long end = began + Duration.ofSeconds(4).toNanos();
            List<Future<long[]>> sent = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                sent.add(clients.submit(() -> {
                    long[] counts = new long[2]; // answered, refused
                    for (int i = 0; System.nanoTime() - end < 0; i++) {
                        int status = predict(shared.balancer(), METERED_KEY, notes.get(i % notes.size()));
                        assertTrue(status == 200 || status == 429, "status " + status);
                        counts[status == 200 ? 0 : 1]++;
                    }
                    return counts;
                }));
            }
            long answered = 0;
            long refused = 0;
            for (Future<long[]> each : sent) {
                long[] counts = each.get(60, TimeUnit.SECONDS);
                answered += counts[0];
                refused += counts[1];
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            long refilled = (long) Math.floor(seconds * 100 / 60);
            System.out.printf(
                    "replicas: a key of 100/m got %d answers and %d refusals in %.1f s (%d refilled)%n",
                    answered, refused, seconds, refilled);
            assertTrue(refused > 0, "the burst went past the rate");
            assertTrue(answered >= 100, answered + " answered: the bucket's 100 at least");
            assertTrue(answered <= 100 + refilled + 1, answered + " answered: 100 and " + refilled + " refilled");
            double limited = 0;
            double local = 0;
            for (TabserveProcess replica : shared.replicas()) {
                String metrics = text(shared, replica.uri().resolve("/metrics"));
                limited += sum(metrics, "tabserve_client_rate_limited_total\\{client=\"metered\"\\}");
                local += sum(metrics, "tabserve_client_rate_local_takes_total");
            }
            assertEquals(refused, limited, "every refusal counted, on the replica that refused it");
            assertEquals(0, local, "every token was the fleet's");
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * Redis dies mid-run: answers go on, keeps are skipped and counted, labels refused in words; the key of
     * {@code 100/m}, whose fleet's bucket the burst emptied, is answered from each replica's own bucket, never refused
     * for Redis's sake, and each replica says so once.
     */
    @Test
    @Order(3)
    void whenRedisDiesAnswersGoOnLabelsAreRefusedAndRatesAreEachReplicasSaidOnce() throws Exception {
        assumeTheSharedFleet();
        Fleet fleet = shared;
        double skippedBefore = skipped(fleet);
        redis.stop();
        List<Answer> during = answer(fleet, ANSWERS, 600); // every one 200, or answer() fails
        assertEquals(600, during.size());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (skipped(fleet) != skippedBefore + 600) {
            assertTrue(System.nanoTime() < deadline, "skipped keeps " + skipped(fleet) + " after 600 answers");
            Thread.sleep(200);
        }
        for (int i = 0; i < 3; i++) { // each replica, round robin
            JsonNode problem = label(fleet, during.subList(i * 10, i * 10 + 10), 503);
            assertTrue(problem.path("detail").asText().contains("shared store"), problem::toString);
            assertTrue(problem.path("detail").asText().contains("send them again"), problem::toString);
        }
        for (int i = 0; i < 30; i++) {
            assertEquals(
                    200,
                    predict(fleet.balancer(), METERED_KEY, BankNotes.all().get(i)),
                    "the replica's own bucket, not a refusal for Redis's sake");
            Thread.sleep(50); // over more than a second: the store is asked again in between
        }
        double local = 0;
        for (TabserveProcess replica : fleet.replicas()) {
            assertEquals(200, status(replica.uri().resolve("/health/ready")), "a dead store takes no replica out");
            local += sum(text(fleet, replica.uri().resolve("/metrics")), "tabserve_client_rate_local_takes_total");
            long said = replica.output().stream()
                    .filter(line -> line.contains("did not answer a client's rate"))
                    .count();
            assertEquals(1, said, "each replica says it once");
            assertFalse(replica.output().stream().anyMatch(line -> line.contains(METERED_KEY)), "no key in the log");
            String threads = threadDump(replica);
            for (String thread : threads.split("\n\n")) {
                assertFalse(
                        thread.contains("redis.clients") && !thread.contains("\"tabserve-shared-state\""),
                        "a thread other than the store's writer is in the Redis client:\n" + thread);
            }
        }
        assertEquals(30, local, "each of the key's requests taken from its replica's own bucket, and counted");
    }

    @Test
    @Order(4)
    void withoutTheSharedStoreALabelMissesTwiceInThreeAndTheAnswerSaysWhy() throws Exception {
        assumeTrue(
                Files.isExecutable(HAPROXY),
                "needs Debian's haproxy (apt-get install -y haproxy; .ci/run installs it)");
        try (Fleet fleet = Fleet.start(List.of(), null)) {
            List<Answer> answers = answer(fleet, 0, 300);
            long joined = 0;
            long unknown = 0;
            for (int from = 0; from < answers.size(); from += 10) {
                JsonNode fed = label(fleet, answers.subList(from, from + 10), 200);
                joined += fed.path("joined").asLong();
                unknown += fed.path("unknown").asLong();
                assertEquals("this replica", fed.path("answers_kept").asText(), fed::toString);
                for (JsonNode not : fed.path("not_joined")) {
                    assertTrue(not.path("reason").asText().contains("answered by another replica"), fed::toString);
                    assertTrue(not.path("reason").asText().contains("--shared-state"), fed::toString);
                }
            }
            System.out.println("replicas without the shared store: " + joined + " of 300 labels joined");
            assertEquals(300, joined + unknown);
            assertTrue(joined > 0 && joined < 200, joined + " of 300 joined: about one in three");
            for (TabserveProcess replica : fleet.replicas()) {
                JsonNode entry = get(fleet, replica.uri().resolve("/api/models"))
                        .path("models")
                        .get(0);
                assertEquals("replica", entry.path("live_figures").asText(), entry::toString);
            }
        }
    }

    /** {@code count} notes answered through the balancer from the data's {@code first}, by four clients at once. */
    private static List<Answer> answer(Fleet fleet, int first, int count) throws Exception {
        URI balancer = fleet.balancer();
        List<BankNotes.Note> notes = BankNotes.all();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<Answer>> answers = new ArrayList<>();
            for (int i = first; i < first + count; i++) {
                BankNotes.Note note = notes.get(i % notes.size());
                int index = i;
                answers.add(clients.submit(() -> {
                    HttpResponse<String> answer = CLIENT.send(
                            fleet.asked(HttpRequest.newBuilder(balancer.resolve("/api/predict")))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            note.json().toString()))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, answer.statusCode(), answer::body);
                    return new Answer(
                            answer.headers().firstValue("X-Request-Id").orElseThrow(),
                            JSON.readTree(answer.body()).path("label").asText(),
                            index % 7 == 3 ? (note.label().equals("0") ? "1" : "0") : note.label());
                }));
            }
            List<Answer> out = new ArrayList<>();
            for (Future<Answer> answer : answers) {
                out.add(answer.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * Posts the answers' true classes (by the card's names) through the balancer with the feedback token, naming the
     * client whose answers they are when the fleet has keys; returns the answer.
     */
    private static JsonNode label(Fleet fleet, List<Answer> answers, int expected) throws Exception {
        StringJoiner labels = new StringJoiner(",", "[", "]");
        for (Answer answer : answers) {
            labels.add("{\"request_id\":\"" + answer.id() + "\",\"label\":\""
                    + BankNotes.DISPLAY_NAMES.get(answer.truth()) + "\""
                    + (fleet.key() == null ? "" : ",\"client\":\"replicas\"") + "}");
        }
        HttpResponse<String> fed = CLIENT.send(
                HttpRequest.newBuilder(fleet.balancer().resolve("/api/feedback"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(labels.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, fed.statusCode(), fed::body);
        return JSON.readTree(fed.body());
    }

    private static JsonNode get(Fleet fleet, URI uri) throws Exception {
        return JSON.readTree(text(fleet, uri));
    }

    private static String text(Fleet fleet, URI uri) throws Exception {
        HttpResponse<String> answer = CLIENT.send(
                fleet.asked(HttpRequest.newBuilder(uri))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer::body);
        return answer.body();
    }

    /** One prediction of {@code note} through the balancer with {@code key}; returns its status. */
    private static int predict(URI balancer, String key, BankNotes.Note note) throws Exception {
        return CLIENT.send(
                        HttpRequest.newBuilder(balancer.resolve("/api/predict"))
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + key)
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        note.json().toString()))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static int status(URI uri) throws Exception {
        return CLIENT.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** The sum of the series matching {@code series} in a scrape. */
    private static double sum(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(metrics);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private static double skipped(Fleet fleet) throws Exception {
        double sum = 0;
        for (TabserveProcess replica : fleet.replicas()) {
            sum += sum(text(fleet, replica.uri().resolve("/metrics")), "tabserve_shared_state_skipped_keeps_total");
        }
        return sum;
    }

    /** The replica's threads, by the JDK's jcmd. */
    private static String threadDump(TabserveProcess replica) throws Exception {
        Process jcmd = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(replica.process().pid()),
                        "Thread.print")
                .redirectErrorStream(true)
                .start();
        String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jcmd.waitFor(60, TimeUnit.SECONDS) && dump.contains("\"main\""), dump);
        return dump;
    }

    /**
     * Three replicas of the WAR, as README ships it, and HAProxy in front with the docs' configuration, round robin,
     * each replica health-checked.
     */
    private record Fleet(List<TabserveProcess> replicas, Process haproxy, URI balancer, String key)
            implements AutoCloseable {

        /** @param key the key every request but a metered client's sends (null: the fleet asks none) */
        static Fleet start(List<String> flags, String key) throws Exception {
            List<TabserveProcess> replicas = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    List<String> args = new ArrayList<>(List.of("--port", "0", "--feedback-token", TOKEN));
                    args.addAll(flags);
                    replicas.add(TabserveProcess.start(
                            TabserveProcess.war(), TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS, args, ENVIRONMENT));
                }
                for (TabserveProcess replica : replicas) {
                    replica.awaitReady(Duration.ofSeconds(120));
                }
                int port;
                try (ServerSocket socket = new ServerSocket(0)) {
                    port = socket.getLocalPort();
                }
                // The docs' deploy/haproxy/haproxy.cfg with only the addresses changed: bench/haproxy-config.
                List<String> configCommand =
                        new ArrayList<>(List.of("bash", "bench/haproxy-config", "127.0.0.1:" + port));
                for (TabserveProcess replica : replicas) {
                    configCommand.add("127.0.0.1:" + replica.uri().getPort());
                }
                Process configProcess = new ProcessBuilder(configCommand)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                String config = new String(configProcess.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, configProcess.waitFor(), "bench/haproxy-config failed");
                Path cfg = Files.createTempFile("replicas-haproxy", ".cfg");
                Files.writeString(cfg, config);
                Process haproxy = new ProcessBuilder(HAPROXY.toString(), "-f", cfg.toString(), "-db")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                URI balancer = URI.create("http://127.0.0.1:" + port + "/");
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (true) {
                    try {
                        if (status(balancer.resolve("/health/ready")) == 200) {
                            break;
                        }
                    } catch (IOException notYet) {
                        // HAProxy not listening yet
                    }
                    assertTrue(System.nanoTime() < deadline && haproxy.isAlive(), "HAProxy did not start");
                    Thread.sleep(100);
                }
                return new Fleet(List.copyOf(replicas), haproxy, balancer, key);
            } catch (Exception | Error e) {
                for (TabserveProcess replica : replicas) {
                    replica.close();
                }
                throw e;
            }
        }

        /** @return {@code request} with the fleet's key, when it asks one */
        HttpRequest.Builder asked(HttpRequest.Builder request) {
            return key == null ? request : request.header("Authorization", "Bearer " + key);
        }

        @Override
        public void close() throws Exception {
            haproxy.destroy();
            haproxy.waitFor(20, TimeUnit.SECONDS);
            for (TabserveProcess replica : replicas) {
                replica.close();
            }
        }
    }
}
