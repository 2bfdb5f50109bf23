package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.Multipart;
import org.tabserve.testing.TabserveProcess;

/**
 * Issue 47's rollout and feedback findings (items 10, 11 and 13), against ONE server started as the project ships it
 * ({@code MALLOC_ARENA_MAX=2 java -Xmx128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -jar target/tabserve.war})
 * on a model directory polled every second, with the prediction log masking {@code variance}, an admin token and a
 * feedback token: the anonymous rollout view listed other clients' whole input rows (masked columns too); a
 * {@code rollout.json} linked to another file showed that file in the problem text, and a dangling link, a FIFO, a
 * directory or {@code {}} ended a canary silently; a flood of predictions expired honest answers before their labels
 * came, anyone could forge labels, two labels of 1.7e308 erased a regressor's live MAE, and labels had no bound per
 * client. And item 14's request values, against the same server: a version given as a string, a query parameter given
 * twice, a flag with a full-width digit, and a 2.5 KB CSV of long text cells answered 413 in CSV (200 in JSON). After
 * each case the server must be alive.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileRolloutFeedbackIT {

    private static final String ADMIN_TOKEN = "hostile-rollout-admin-0123456789abcdef";
    private static final String FEEDBACK_TOKEN = "hostile-rollout-feedback-0123456789abcdef";
    private static final String STATUS = "/models/banknote/api/rollout";
    private static final String ADMIN = "/admin/models/banknote/rollout";
    private static final String SECRET = "TOP-SECRET-not-for-anonymous-eyes";

    private static Path dir;
    private static ModelDirectory models;
    private static TabserveProcess server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("tabserve-hostile-rollout-it");
        models = ModelDirectory.withFourModels();
        models.copy(ModelDirectory.PENGUINS.resolve("fixed-batch-4.onnx"), "banknote/2/model.onnx");
        models.copy(BankNotes.MODEL, "notes/1/model.onnx");
        Files.writeString(dir.resolve("secret.txt"), SECRET + " and more of it\n");
        Map<String, String> environment = new HashMap<>(TabserveProcess.SHIPPED_ENVIRONMENT);
        environment.put("TABSERVE_ADMIN_TOKEN", ADMIN_TOKEN);
        environment.put("TABSERVE_FEEDBACK_TOKEN", FEEDBACK_TOKEN);
        server = TabserveProcess.start(
                TabserveProcess.war(),
                TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS,
                List.of(
                        "--port",
                        "0",
                        "--models",
                        models.root().toString(),
                        "--poll-seconds",
                        "1",
                        "--prediction-log",
                        dir.resolve("log").toString(),
                        "--prediction-log-mask",
                        "variance"),
                environment);
        server.awaitReady(Duration.ofSeconds(90));
        http = new Http(server);
        ModelDirectory.awaitReady(http, 5);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        for (Path root : new Path[] {dir, models == null ? null : models.root()}) {
            if (root != null) {
                try (Stream<Path> files = Files.walk(root)) {
                    files.sorted(Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static void assertAlive() {
        List<String> output = server.output();
        assertTrue(
                server.process().isAlive(),
                () -> "the server died: "
                        + String.join("\n", output.subList(Math.max(0, output.size() - 5), output.size())));
        assertEquals(200, http.get("/health/live").status());
    }

    private static Http.Response admin(String method, String path, String json) {
        return http.send(
                method,
                path,
                HttpRequest.BodyPublishers.ofString(json),
                "Content-Type",
                "application/json",
                "Authorization",
                "Bearer " + ADMIN_TOKEN);
    }

    private static JsonNode awaitStatus(Predicate<JsonNode> test, String awaited) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode status = http.get(STATUS).json();
        while (!test.test(status)) {
            assertTrue(System.nanoTime() < deadline, "the rollout never showed " + awaited + ": " + status);
            Thread.sleep(200);
            status = http.get(STATUS).json();
        }
        return status;
    }

    private static Http.Response feedback(String path, String json, String... auth) {
        List<String> headers = new ArrayList<>(List.of("Content-Type", "application/json"));
        headers.addAll(List.of(auth));
        return http.send("POST", path, HttpRequest.BodyPublishers.ofString(json), headers.toArray(String[]::new));
    }

    private static Http.Response labelled(String path, String json) {
        return feedback(path, json, "Authorization", "Bearer " + FEEDBACK_TOKEN);
    }

    /** Issue 47, item 10: the anonymous rollout view lists no client's row; the admin's never a masked column. */
    @Test
    @Order(1)
    void anonymousCallersSeeTheDisagreementsCountsAndDifferencesButNoRowAndTheAdminNeverAMaskedColumn()
            throws Exception {
        assertEquals(
                200,
                admin("PUT", ADMIN, "{\"serving\": 1, \"shadow\": {\"version\": 2}}")
                        .status());
        for (BankNotes.Note note : BankNotes.mixed(40)) {
            assertEquals(
                    200,
                    http.postJson("/models/banknote/api/predict", note.json().toString())
                            .status());
        }
        JsonNode status =
                awaitStatus(s -> s.path("shadow").path("disagreements").size() > 0, "disagreements");
        JsonNode anonymous = status.path("shadow").path("disagreements");
        for (JsonNode row : anonymous) {
            assertTrue(row.path("difference").isNumber(), "each disagreement keeps its difference: " + anonymous);
            assertFalse(row.has("inputs") || row.has("answers"), "no client's row for anonymous callers: " + anonymous);
        }
        String text = http.get(STATUS).text();
        assertFalse(text.contains("\"variance\"") || text.contains("\"skewness\""), text);
        JsonNode shown = http.get(STATUS, "Authorization", "Bearer " + ADMIN_TOKEN)
                .json()
                .path("shadow")
                .path("disagreements");
        assertTrue(shown.size() > 0, shown.toString());
        for (JsonNode row : shown) {
            assertTrue(row.path("inputs").has("skewness"), "the admin sees the rows: " + shown);
            assertFalse(row.path("inputs").has("variance"), "never a masked column: " + shown);
        }
        assertEquals(
                403,
                http.get(STATUS, "Authorization", "Bearer wrong-token-0123456789abcdef")
                        .status());
        String skewness = shown.get(0).path("inputs").path("skewness").asText();
        assertFalse(http.get("/models").text().contains(skewness), "the rollouts page shows no row either");
        assertAlive();
    }

    /** Issue 47, item 11: a linked, dangling, FIFO, directory or empty {@code rollout.json} is refused in words. */
    @Test
    @Order(2)
    void aRolloutFileThatIsALinkOrNotAFileOrNamesNothingIsRefusedInWordsAndTheLastGoodOneHolds() throws Exception {
        assertEquals(
                200,
                admin("PUT", ADMIN, "{\"serving\": 1, \"canary\": {\"version\": 2, \"percent\": 10}}")
                        .status());
        Path file = models.resolve("banknote/rollout.json");
        Path good = dir.resolve("good-rollout.json");
        Files.copy(file, good);
        // Each bad thing is made beside the file and put in its place in one step: a poll between a delete and a
        // create would see no rollout.json at all, which rightly ends the rollout, and the last good one would be none.
        Path next = dir.resolve("next-rollout.json");
        Map<String, Io> cases = new java.util.LinkedHashMap<>();
        cases.put("symbolic link", () -> Files.createSymbolicLink(next, dir.resolve("secret.txt")));
        cases.put("symbolic link ", () -> Files.createSymbolicLink(next, dir.resolve("nowhere.json")));
        cases.put("not a regular file", () -> {
            Process fifo = new ProcessBuilder("mkfifo", next.toString()).start();
            assertEquals(0, fifo.waitFor());
        });
        cases.put("a directory", () -> Files.createDirectory(next));
        cases.put("names no version", () -> Files.writeString(next, "{}"));
        for (Map.Entry<String, Io> each : cases.entrySet()) {
            each.getValue().run();
            putInPlace(next, file);
            String why = each.getKey().strip();
            JsonNode status = awaitStatus(s -> s.path("problem").asText().contains(why), "'" + why + "'");
            assertFalse(status.toString().contains("SECRET"), "the problem shows nothing of a linked file: " + status);
            assertEquals(
                    10,
                    status.path("rollout").path("canary").path("percent").asInt(),
                    "the last good rollout holds: " + status);
            assertEquals(1, status.path("serving").asLong(), status.toString());
            Files.copy(good, next);
            putInPlace(next, file);
            awaitStatus(
                    s -> s.path("problem").isNull()
                            && s.path("rollout").path("canary").path("percent").asInt() == 10,
                    "the good file taken again");
            assertAlive();
        }
        assertEquals(200, admin("POST", ADMIN + "/rollback", "").status());
    }

    private interface Io {
        void run() throws Exception;
    }

    /**
     * Puts {@code made} at {@code file} in one step and removes what was there: a rename, or, when either is a
     * directory (which rename(2) cannot put over a file, nor a file over it), renameat2's RENAME_EXCHANGE through
     * Debian's Python, since Java 17 has no call for it.
     */
    private static void putInPlace(Path made, Path file) throws Exception {
        boolean directory = Files.isDirectory(made, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                || Files.isDirectory(file, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (!directory) {
            Files.move(made, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        Process exchange = new ProcessBuilder(
                        "/usr/bin/python3",
                        "-c",
                        "import ctypes, os, sys\n"
                                + "libc = ctypes.CDLL(None, use_errno=True)\n"
                                + "if libc.renameat2(-100, os.fsencode(sys.argv[1]), -100, os.fsencode(sys.argv[2]), 2):\n"
                                + "    sys.exit(os.strerror(ctypes.get_errno()))\n",
                        made.toString(),
                        file.toString())
                .redirectErrorStream(true)
                .start();
        String said = new String(exchange.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, exchange.waitFor(), "renameat2 exchange: " + said);
        try (Stream<Path> old = Files.walk(made)) {
            old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Issue 47, item 13: a 10 s flood of single-row predictions from another client (127.0.0.2) expires no honest
     * answer before its label, and an answer made after it is kept too.
     */
    @Test
    @Order(5)
    void aFloodOfPredictionsExpiresNoAnswerOfAnotherClientBeforeItsLabelComes() throws Exception {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Http.Response answer = http.send(
                    "POST",
                    "/models/notes/api/predict",
                    HttpRequest.BodyPublishers.ofString(ModelDirectory.NOTE),
                    "Content-Type",
                    "application/json",
                    "X-Request-Id",
                    "honest-" + i);
            assertEquals(200, answer.status());
            labels.add("{\"request_id\": \"honest-" + i + "\", \"label\": \""
                    + answer.json().path("label").asText() + "\"}");
        }
        ExecutorService flood = Executors.newFixedThreadPool(4);
        long sent = 0;
        try {
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            List<Future<Long>> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                clients.add(flood.submit(() -> floodFrom(InetAddress.getByName("127.0.0.2"), until)));
            }
            for (Future<Long> client : clients) {
                sent += client.get();
            }
        } finally {
            flood.shutdownNow();
        }
        assertTrue(sent > 1000, "the flood sent " + sent);
        Http.Response after = http.send(
                "POST",
                "/models/notes/api/predict",
                HttpRequest.BodyPublishers.ofString(ModelDirectory.NOTE),
                "Content-Type",
                "application/json",
                "X-Request-Id",
                "honest-after");
        labels.add("{\"request_id\": \"honest-after\", \"label\": \""
                + after.json().path("label").asText() + "\"}");
        JsonNode outcome = labelled("/models/notes/api/feedback", "[" + String.join(",", labels) + "]")
                .json();
        assertEquals(51, outcome.path("joined").asInt(), "after a flood of " + sent + " predictions: " + outcome);
        assertEquals(0, outcome.path("expired").asInt(), outcome.toString());
        assertAlive();
    }

    /**
     * Single-row predictions as fast as one connection from {@code from} (another loopback address: another client
     * to the server) takes them, until {@code until}.
     *
     * @return how many were answered
     */
    private static long floodFrom(InetAddress from, long until) throws IOException {
        byte[] body = ModelDirectory.NOTE.getBytes(StandardCharsets.UTF_8);
        byte[] request = ("POST /models/notes/api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type:"
                        + " application/json\r\nContent-Length: " + body.length + "\r\n\r\n" + ModelDirectory.NOTE)
                .getBytes(StandardCharsets.UTF_8);
        long count = 0;
        while (System.nanoTime() < until) {
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(from, 0));
                socket.connect(new InetSocketAddress(
                        InetAddress.getLoopbackAddress(), http.uri("/").getPort()));
                socket.setSoTimeout(30_000);
                socket.setTcpNoDelay(true);
                OutputStream out = socket.getOutputStream();
                InputStream in = new BufferedInputStream(socket.getInputStream());
                boolean open = true;
                while (open && System.nanoTime() < until) {
                    out.write(request); // one write: no wait on Nagle's algorithm between a head and its body
                    out.flush();
                    int length = 0;
                    for (String line = line(in); !line.isEmpty(); line = line(in)) {
                        String lower = line.toLowerCase(java.util.Locale.ROOT);
                        if (lower.startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).strip());
                        } else if (lower.startsWith("connection:") && lower.contains("close")) {
                            open = false;
                        }
                    }
                    in.readNBytes(length);
                    count++;
                }
            }
        }
        return count;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the server closed the connection");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** Issue 47, item 13: with a feedback token, labels without it are refused, and the live accuracy stands. */
    @Test
    @Order(3)
    void labelsWithoutTheFeedbackTokenAreRefusedAndForgeNothing() throws Exception {
        String id = "forge-me";
        assertEquals(
                200,
                http.send(
                                "POST",
                                "/models/notes/api/predict",
                                HttpRequest.BodyPublishers.ofString(ModelDirectory.NOTE),
                                "Content-Type",
                                "application/json",
                                "X-Request-Id",
                                id)
                        .status());
        StringBuilder forged = new StringBuilder("[");
        for (int i = 0; i < 1000; i++) {
            forged.append(i == 0 ? "" : ",")
                    .append("{\"request_id\": \"honest-")
                    .append(i % 50)
                    .append("\", \"label\": \"1\"}");
        }
        Http.Response anonymous =
                feedback("/models/notes/api/feedback", forged.append("]").toString());
        assertEquals(401, anonymous.status(), anonymous.text());
        assertTrue(
                anonymous.header("WWW-Authenticate").isPresent(),
                anonymous.headers().toString());
        assertEquals(
                403,
                feedback(
                                "/models/notes/api/feedback",
                                "{\"request_id\": \"" + id + "\", \"label\": \"1\"}",
                                "Authorization",
                                "Bearer not-the-token-0123456789")
                        .status());
        JsonNode first = labelled("/models/notes/api/feedback", "{\"request_id\": \"" + id + "\", \"label\": \"0\"}")
                .json();
        assertEquals(1, first.path("joined").asInt(), "the honest label is the first: " + first);
        assertEquals(1.0, first.path("live_accuracy").asDouble(), first.toString());
        assertEquals(
                200,
                labelled("/models/notes/api/feedback", "{\"request_id\": \"" + id + "\", \"label\": \"1\"}")
                        .status(),
                "the admin token would do too");
        assertAlive();
    }

    /** Issue 47, item 13: a huge regressor label is refused naming it, and the live MAE stays (issue 61: alone). */
    @Test
    @Order(4)
    void aHugeRegressorLabelIsRefusedAndTheLiveMaeStays() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    200,
                    http.send(
                                    "POST",
                                    "/models/mass/api/predict",
                                    HttpRequest.BodyPublishers.ofString(ModelDirectory.SPECIES_OF_MASS),
                                    "Content-Type",
                                    "application/json",
                                    "X-Request-Id",
                                    "mass-" + i)
                            .status());
        }
        Http.Response huge = labelled(
                "/models/mass/api/feedback",
                "[{\"request_id\": \"mass-0\", \"label\": 1.7e308},"
                        + " {\"request_id\": \"mass-1\", \"label\": 1.7e308}]");
        assertEquals(200, huge.status(), huge.text()); // issue 61: refused one by one, never their batch
        assertEquals(2, huge.json().path("refused").asInt(), huge.text());
        JsonNode refused = huge.json().path("not_joined").get(0);
        assertEquals("refused", refused.path("outcome").asText(), huge.text());
        assertTrue(refused.path("reason").asText().contains("range"), "says what is refused: " + huge.text());
        JsonNode honest = labelled("/models/mass/api/feedback", "{\"request_id\": \"mass-2\", \"label\": 3800}")
                .json();
        assertEquals(1, honest.path("joined").asInt(), honest.toString());
        assertTrue(honest.path("live_mae").isNumber(), "the live MAE stands: " + honest);
        String metrics = http.get("/metrics").text();
        assertTrue(
                metrics.lines().anyMatch(l -> l.startsWith("tabserve_live_mae{") && l.contains("\"mass\"")),
                "and is on /metrics");
        assertAlive();
    }

    /** Issue 47, item 13: one client's labels are bounded: past its share, 429 with Retry-After. */
    @Test
    @Order(6)
    void aClientSendingLabelsPastItsBoundIsAnswered429WithRetryAfter() throws Exception {
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 10_000; i++) {
            many.append(i == 0 ? "" : ",")
                    .append("{\"request_id\": \"unknown-")
                    .append(i)
                    .append("\", \"label\": \"0\"}");
        }
        String body = many.append("]").toString();
        Http.Response first = labelled("/models/notes/api/feedback", body);
        assertEquals(200, first.status(), first.text());
        // The bucket holds two batches' labels and refills as they are read: the fourth batch finds it in debt at
        // the latest (a batch is taken while the bucket is not empty), unless reading one took over ten seconds.
        Http.Response next = labelled("/models/notes/api/feedback", body);
        for (int sent = 2; next.status() == 200 && sent < 4; sent++) {
            next = labelled("/models/notes/api/feedback", body);
        }
        assertEquals(429, next.status(), next.text());
        int retry = Integer.parseInt(next.header("Retry-After").orElseThrow());
        assertTrue(retry >= 1 && retry <= 60, "Retry-After: " + retry);
        assertTrue(next.text().contains("Retry") || next.text().contains("send the next ones in"), next.text());
        assertEquals(
                200,
                http.postJson("/models/notes/api/predict", ModelDirectory.NOTE).status(),
                "predictions are not bounded by labels");
        assertAlive();
    }

    /**
     * Issue 47, item 14: a version given as a string ({@code "serving":"1"}) was taken as the number; now 400 naming
     * the field, and the rollout in force stays.
     */
    @Test
    @Order(7)
    void aVersionGivenAsAStringIsRefusedNamingTheFieldAndTheRolloutStays() throws Exception {
        JsonNode before = http.get(STATUS).json();
        for (String body : List.of(
                "{\"serving\": \"1\"}",
                "{\"serving\": 1, \"shadow\": {\"version\": \"2\"}}",
                "{\"serving\": 1, \"canary\": {\"version\": \"2\", \"percent\": 10}}")) {
            Http.Response refused = admin("PUT", ADMIN, body);
            JsonNode problem = refused.problem(400);
            assertTrue(problem.toString().contains("must be a number, got a string"), body + ": " + problem);
        }
        assertEquals(before.path("serving"), http.get(STATUS).json().path("serving"), "the rollout in force stays");
        assertAlive();
    }

    /** Issue 47, item 14: a query parameter given twice ({@code ?coverage=0.8&coverage=0.9}) was read as its last. */
    @Test
    @Order(8)
    void aQueryParameterGivenTwiceIsRefusedNamingIt() {
        for (String query :
                List.of("coverage=0.8&coverage=0.9", "explain=true&explain=false", "on_error=row&on_error=request")) {
            Http.Response refused = http.postJson("/models/notes/api/predict?" + query, ModelDirectory.NOTE);
            JsonNode problem = refused.problem(400);
            String parameter = query.substring(0, query.indexOf('='));
            assertTrue(
                    problem.toString().contains(parameter) && problem.toString().contains("2 times"),
                    query + ": " + problem);
        }
        assertEquals(
                200,
                http.postJson("/models/notes/api/predict?explain=false", ModelDirectory.NOTE)
                        .status(),
                "given once, the same parameter is taken");
        assertAlive();
    }

    /**
     * Issue 47, item 14: {@code --drain-seconds} took a full-width digit ('３０' as 30); the launcher, with the
     * shipped flags, now refuses it naming the flag, as the variable too, and exits 2 before it serves.
     */
    @Test
    @Order(9)
    void aFlagOrVariableWithAFullWidthDigitIsRefusedNamingIt() throws Exception {
        Map<String, String> variable = new HashMap<>(TabserveProcess.SHIPPED_ENVIRONMENT);
        variable.put("TABSERVE_DRAIN_SECONDS", "\uFF13");
        for (Map.Entry<List<String>, Map<String, String>> start : List.of(
                Map.entry(
                        List.of("--port", "0", "--drain-seconds", "\uFF13\uFF10"), TabserveProcess.SHIPPED_ENVIRONMENT),
                Map.entry(List.of("--port", "0"), variable))) {
            TabserveProcess refused = TabserveProcess.start(
                    TabserveProcess.war(),
                    TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS,
                    start.getKey(),
                    start.getValue());
            try {
                assertEquals(2, refused.awaitExit(Duration.ofSeconds(60)), () -> String.join("\n", refused.output()));
                assertTrue(
                        refused.output().stream()
                                .anyMatch(line -> line.contains("--drain-seconds must be a whole" + " number")),
                        () -> String.join("\n", refused.output()));
            } finally {
                refused.close();
            }
        }
    }

    /**
     * Issue 47, item 14: a 2.5 KB CSV whose text cells have 300 characters was answered 413 in CSV (its four rows
     * reserved as whole chunks of 4,096 rows, past the shipped heap's budget) while the same rows got 200 in JSON.
     */
    @Test
    @Order(10)
    void aSmallCsvOfLongTextCellsIsAnsweredInEveryFormat() {
        String text = "x".repeat(300);
        StringBuilder csv =
                new StringBuilder("island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex\n");
        for (int i = 0; i < 4; i++) {
            csv.append(text).append(",39.1,18.7,181,3750,").append(text).append('\n');
        }
        assertTrue(csv.length() < 2600, "about 2.5 KB: " + csv.length());
        for (String accept : List.of("application/json", "text/csv", "text/html")) {
            Http.Response answer =
                    http.upload("/models/species/predict_file", Multipart.csv(csv.toString()), "Accept", accept);
            assertEquals(200, answer.status(), () -> accept + ": " + answer.text());
            assertTrue(answer.mediaType().equals(accept), accept + " answered as " + answer.mediaType());
        }
        Http.Response csvAnswer =
                http.upload("/models/species/predict_file", Multipart.csv(csv.toString()), "Accept", "text/csv");
        assertEquals(5, csvAnswer.text().strip().split("\n").length, csvAnswer::text);
        assertAlive();
    }
}
