package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tabserve.model.card.CardKeys;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.Multipart;
import org.tabserve.testing.TabserveProcess;

/**
 * Issue 47's findings on the memory budget (items 3 and 7), against ONE server started as the project ships it
 * ({@code MALLOC_ARENA_MAX=2 java -Xmx128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -jar target/tabserve.war})
 * over a directory of models built here: {@code wide}, a 4,000-column regressor whose version 2, a chain of 200
 * matrix products, is the slow shadow of version 1 ({@code rollout.json}); {@code plain}, the same linear regressor
 * alone; and the bank-note classifier for CSV uploads. A row of {@code wide} is 8,000 bytes of JSON ("0," a value),
 * so a 256-row batch is a 2 MB body.
 * <ul>
 *   <li>47.3: the shadow's queue was bounded at 64 batches, not bytes: with a slow shadow, one client sending 2 MB
 *       batches one at a time ended the JVM (78 to 191 requests in the issue). Now queued work reserves from the
 *       budget, or is skipped and counted.</li>
 *   <li>47.7: two clients sending 2 MB batches got 10 answers in 20 s, each request waiting for room while holding
 *       the part of the budget its body had taken so far; two bodies that stalled after 1.45 MB made CSV uploads 503
 *       for as long as they stalled. Now a body of declared length reserves it all before it is read, and a body that
 *       stalls is cut by the minimum body rate, giving its room back.</li>
 * </ul>
 * The shadow's case runs last, so that the room its queued work takes is no part of the others' arithmetic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileBudgetIT {

    /** The wide models' columns, rows of a batch, and the shadow's chain of products. */
    private static final int COLUMNS = 4_000;

    private static final int ROWS = 256;
    private static final int HIDDEN = 512;
    private static final int PRODUCTS = 200;
    private static final Pattern BUDGET = Pattern.compile("Memory budget for large requests: (\\d+) MB");

    private static Path dir;
    private static TabserveProcess server;
    private static Http http;
    /** The budget's capacity as the server's log says it, in MB. */
    private static long budgetMb;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("tabserve-budget-it");
        Path models = Files.createDirectory(dir.resolve("models"));
        Files.createDirectories(models.resolve("wide/1"));
        Files.createDirectories(models.resolve("wide/2"));
        Files.createDirectories(models.resolve("plain"));
        Files.write(models.resolve("wide/1/model.onnx"), linear());
        Files.write(models.resolve("wide/2/model.onnx"), slow());
        Files.writeString(models.resolve("wide/rollout.json"), "{\"shadow\": {\"version\": 2}}");
        Files.write(models.resolve("plain/model.onnx"), linear());
        Files.copy(BankNotes.MODEL, models.resolve("banknote.onnx"));
        server = TabserveProcess.start(
                TabserveProcess.war(),
                TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS,
                List.of("--port", "0", "--models", models.toString()),
                TabserveProcess.SHIPPED_ENVIRONMENT);
        server.awaitReady(Duration.ofSeconds(90));
        http = new Http(server);
        ModelDirectory.awaitReady(http, 4);
        budgetMb = server.output().stream()
                .map(BUDGET::matcher)
                .filter(Matcher::find)
                .mapToLong(m -> Long.parseLong(m.group(1)))
                .findFirst()
                .orElseThrow();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long shadowSkipped() {
        return http.get("/models/wide/api/rollout")
                .json()
                .path("shadow")
                .path("skipped")
                .asLong();
    }

    private void assertAlive(String after) {
        List<String> output = server.output();
        assertTrue(
                server.process().isAlive(),
                () -> "the server died " + after + ": "
                        + String.join("\n", output.subList(Math.max(0, output.size() - 8), output.size())));
    }

    @Test
    @Order(3)
    void aSlowShadowBesideAClientSendingBigBatchesBackToBackSkipsWhatTheBudgetCannotHoldAndCountsIt() throws Exception {
        byte[] batch = batch(ROWS, "0");
        List<Integer> statuses = new ArrayList<>();
        // Sent until the shadow has skipped for 20 batches: the budget was full and kept being offered more, the state
        // that ended the JVM after 78 to 191 batches before the fix. Counted in batches, not seconds, so a loaded
        // machine only makes it slower; the deadline only ends a run in which the shadow never skips.
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        Http own = http.fresh();
        int afterFirstSkip = -1;
        for (int i = 0;
                i < 400
                        && afterFirstSkip < 20
                        && System.nanoTime() < deadline
                        && server.process().isAlive();
                i++) {
            try {
                statuses.add(own.post("/models/wide/api/predict", "application/json", batch)
                        .status());
            } catch (RuntimeException e) {
                statuses.add(-1); // no answer: said below, with the server's last words
            }
            if (afterFirstSkip >= 0) {
                afterFirstSkip++;
            } else if (i % 5 == 4 && shadowSkipped() > 0) {
                afterFirstSkip = 0;
            }
        }
        assertAlive("after " + statuses.size() + " batches of " + batch.length + " bytes with a slow shadow");
        assertTrue(statuses.stream().allMatch(s -> s == 200), statuses::toString);
        JsonNode shadow = http.get("/models/wide/api/rollout").json().path("shadow");
        assertEquals(2, shadow.path("version").asLong(), shadow::toString);
        assertTrue(
                shadow.path("skipped").asLong() > 0,
                "the shadow, far slower than the client, skipped batches (" + statuses.size() + " sent): " + shadow);
        assertTrue(afterFirstSkip >= 20, "20 batches were answered after the shadow first skipped: " + statuses.size());
        assertTrue(shadow.path("compared").asLong() > 0, "what the budget had room for was compared: " + shadow);
        System.out.println("slow shadow: " + statuses.size() + " batches answered 200; the shadow compared "
                + shadow.path("compared").asLong() / ROWS + " and skipped "
                + shadow.path("skipped").asLong());
        String metrics = http.get("/metrics").text();
        assertTrue(
                metrics.lines()
                        .anyMatch(l -> l.startsWith("tabserve_rollout_skipped_batches_total{")
                                && l.contains("model=\"wide\"")
                                && !l.endsWith(" 0.0")),
                metrics);
    }

    @Test
    @Order(1)
    void twoClientsSendingTwoMegabyteBatchesBothMakeSteadyProgress() throws Exception {
        byte[] batch = batch(ROWS, "0");
        assertTrue(
                batch.length > 2_000_000 && 16L * batch.length < budgetMb << 20,
                "one batch fits the budget alone (" + budgetMb + " MB), two do not: " + batch.length);
        assertEquals(
                200,
                http.post("/models/plain/api/predict", "application/json", batch)
                        .status(),
                "warm-up");
        // The pace is the machine's (about 80 answers a client in 20 s on an idle one, 7 at load 20), so the two
        // clients are held to one client's pace measured just before, in the same run: before the fix each overlap of
        // the two cost a 5 s wait and a 503 (3 answers each in 20 s), which no machine's pace hides.
        int answers = 8;
        long alone = System.nanoTime();
        for (int i = 0; i < answers; i++) {
            assertEquals(
                    200,
                    http.post("/models/plain/api/predict", "application/json", batch)
                            .status(),
                    "one client alone, batch " + i);
        }
        Duration aloneTook = Duration.ofNanos(System.nanoTime() - alone);
        // Two clients share the cores one had: twice its time, three times again for the machine's swings between the
        // two measurements (a fresh clone's CI run at load saw 5.6x: 17.9 s against 3.2 s alone, every answer a 200),
        // and 5 s; but always under what the fault this guards against cost (each overlap of the two clients' batches
        // waited 5 s: about twice the time alone plus 8 x 5 s), with 5 s to spare.
        Duration allowed = min(
                aloneTook.multipliedBy(6).plusSeconds(5),
                aloneTook.multipliedBy(2).plusSeconds(answers * 5L - 5));
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            long together = System.nanoTime();
            long deadline =
                    together + allowed.toNanos() + Duration.ofSeconds(60).toNanos();
            List<Future<List<Integer>>> sent = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                sent.add(clients.submit(() -> {
                    Http own = http.fresh();
                    List<Integer> statuses = new ArrayList<>();
                    while (statuses.stream().filter(s -> s == 200).count() < answers
                            && System.nanoTime() < deadline
                            && server.process().isAlive()) {
                        try {
                            statuses.add(own.post("/models/plain/api/predict", "application/json", batch)
                                    .status());
                        } catch (RuntimeException e) {
                            statuses.add(-1);
                        }
                    }
                    return statuses;
                }));
            }
            List<List<Integer>> each = new ArrayList<>();
            for (Future<List<Integer>> client : sent) {
                each.add(client.get());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - together);
            assertAlive("under two clients' 2 MB batches");
            System.out.println("two clients of 2 MB batches, " + answers + " answers (200) each in " + took.toMillis()
                    + " ms; one alone took " + aloneTook.toMillis() + " ms: " + each);
            for (List<Integer> statuses : each) {
                assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 503), statuses::toString);
                assertEquals(
                        answers,
                        statuses.stream().filter(s -> s == 200).count(),
                        () -> "each client is answered " + answers + " times: " + each);
            }
            assertTrue(
                    took.compareTo(allowed) <= 0,
                    "two clients took " + took.toMillis() + " ms for " + answers + " answers each, past "
                            + allowed.toMillis() + " ms (one client alone: " + aloneTook.toMillis() + " ms for "
                            + answers + "): " + each);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    @Order(2)
    void twoBodiesThatStallHoldNoRoomLongerThanTheMinimumBodyRateAllows() throws Exception {
        // Each sends enough that the two together take all but half a megabyte of the budget (16 heap bytes a body
        // byte), then stalls, a byte every 15 s as in the issue.
        long each = ((budgetMb << 20) - (512 << 10)) / 2 / 16;
        byte[] body = batch((int) (each / (2 * COLUMNS)) + 1, "0");
        int sentBeforeStall = body.length - 4; // the last byte would come a minute later
        List<Socket> stalled = new ArrayList<>();
        List<String> stalledAnswers = new CopyOnWriteArrayList<>();
        ExecutorService tricklers = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 2; i++) {
                Socket socket = new Socket(server.uri().getHost(), server.uri().getPort());
                stalled.add(socket);
                OutputStream out = socket.getOutputStream();
                out.write(
                        ("POST /models/plain/api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                        + "Content-Length: " + body.length + "\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, 0, sentBeforeStall);
                out.flush();
                tricklers.submit(() -> {
                    try {
                        InputStream in = socket.getInputStream();
                        for (int b = sentBeforeStall; b < body.length; b++) {
                            socket.setSoTimeout(15_000);
                            try {
                                int first = in.read();
                                stalledAnswers.add(
                                        first < 0
                                                ? "closed"
                                                : (char) first
                                                        + new String(in.readNBytes(11), StandardCharsets.ISO_8859_1));
                                return null;
                            } catch (java.net.SocketTimeoutException stillWaiting) {
                                out.write(body[b]); // one byte every 15 s, after none was answered meanwhile
                                out.flush();
                            }
                        }
                    } catch (IOException e) {
                        stalledAnswers.add("reset");
                    }
                    return null;
                });
            }
            Thread.sleep(1_000);
            byte[] upload = bankNotesCsv(5_000);
            long start = System.nanoTime();
            long lastRefused = -1;
            int answered = 0;
            List<String> seen = new ArrayList<>();
            while (System.nanoTime() - start < Duration.ofSeconds(45).toNanos()) {
                Http.Response answer = http.fresh().upload("/models/banknote/predict_file", Multipart.csv(upload));
                long at = (System.nanoTime() - start) / 1_000_000;
                seen.add(answer.status() + "@" + at + "ms");
                if (answer.status() == 503) {
                    lastRefused = at;
                } else {
                    assertEquals(200, answer.status(), answer::text);
                    answered++;
                }
                if (answered >= 5 && at > 25_000) {
                    break;
                }
            }
            assertAlive("with two stalled bodies");
            System.out.println("uploads beside two stalled bodies: " + seen.subList(0, Math.min(seen.size(), 8))
                    + " ... (" + seen.size() + " in all, the last refused at " + lastRefused
                    + " ms); the stalled bodies: "
                    + stalledAnswers);
            // --min-request-rate-grace (10 s) is as long as a body may stall: past it, the stalled bodies are cut and
            // their room is back; 25 s leaves the grace itself, a check's delay and a loaded machine's slowness.
            assertTrue(lastRefused < 25_000, "uploads refused until " + lastRefused + " ms: " + seen);
            assertTrue(answered >= 5, seen::toString);
            assertEquals(2, stalledAnswers.size(), "both stalled bodies were answered or closed: " + stalledAnswers);
        } finally {
            tricklers.shutdownNow();
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    /** {@code {"instances": [[v, v, ...], ...]}}, {@code rows} rows of {@link #COLUMNS} values {@code value}. */
    private static byte[] batch(int rows, String value) {
        StringBuilder row = new StringBuilder("[");
        for (int c = 0; c < COLUMNS; c++) {
            row.append(c == 0 ? "" : ",").append(value);
        }
        row.append(']');
        StringBuilder body = new StringBuilder(rows * row.length() + 32).append("{\"instances\": [");
        for (int r = 0; r < rows; r++) {
            body.append(r == 0 ? "" : ",").append(row);
        }
        return body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A CSV of {@code rows} bank notes. */
    private static byte[] bankNotesCsv(int rows) {
        StringBuilder csv = new StringBuilder("variance,skewness,curtosis,entropy\n");
        for (int r = 0; r < rows; r++) {
            csv.append(r % 7 - 3.5)
                    .append(',')
                    .append(8.6661)
                    .append(',')
                    .append(-2.8073)
                    .append(',')
                    .append(-0.44699)
                    .append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The linear regressor: {@code input} [N, 4000] times a column of weights, [N, 1]. */
    private static byte[] linear() {
        OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder()
                .addInput(tensor("input", "N", COLUMNS))
                .addInitializer(floats("W", COLUMNS, 1, 0.001f))
                .addNode(node("MatMul", List.of("input", "W"), "value"))
                .addOutput(tensor("value", "N", 1));
        return model(graph);
    }

    /**
     * The slow regressor, about a second of CPU for a 256-row batch: {@code input} [N, 4000] into 32 columns, then
     * {@link #HIDDEN}, {@link #PRODUCTS} times through the identity, then summed into [N, 1].
     */
    private static byte[] slow() {
        float[] identity = new float[HIDDEN * HIDDEN];
        for (int i = 0; i < HIDDEN; i++) {
            identity[i * HIDDEN + i] = 1;
        }
        OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder()
                .addInput(tensor("input", "N", COLUMNS))
                .addInitializer(floats("W", COLUMNS, 32, 0.001f / 32))
                .addInitializer(floats("U", 32, HIDDEN, 1f / HIDDEN))
                .addInitializer(floats("I", HIDDEN, HIDDEN, identity))
                .addInitializer(floats("S", HIDDEN, 1, 1f))
                .addNode(node("MatMul", List.of("input", "W"), "narrow"))
                .addNode(node("MatMul", List.of("narrow", "U"), "h0"));
        for (int i = 0; i < PRODUCTS; i++) {
            graph.addNode(node("MatMul", List.of("h" + i, "I"), "h" + (i + 1)));
        }
        graph.addNode(node("MatMul", List.of("h" + PRODUCTS, "S"), "value")).addOutput(tensor("value", "N", 1));
        return model(graph);
    }

    private static byte[] model(OnnxMl.GraphProto.Builder graph) {
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("tabserve-tests")
                .setProducerVersion("1")
                .addOpsetImport(
                        OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey(CardKeys.TASK)
                        .setValue("regression"))
                .setGraph(graph.setName("wide"))
                .build()
                .toByteArray();
    }

    private static OnnxMl.NodeProto node(String op, List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder()
                .setOpType(op)
                .setName(op + "_" + output)
                .addAllInput(inputs)
                .addOutput(output)
                .build();
    }

    private static OnnxMl.ValueInfoProto tensor(String name, String batch, int width) {
        OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(batch))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(width))
                .build();
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                                .setShape(shape)))
                .build();
    }

    private static OnnxMl.TensorProto floats(String name, int rows, int columns, float value) {
        float[] values = new float[rows * columns];
        java.util.Arrays.fill(values, value);
        return floats(name, rows, columns, values);
    }

    private static OnnxMl.TensorProto floats(String name, int rows, int columns, float[] values) {
        OnnxMl.TensorProto.Builder tensor = OnnxMl.TensorProto.newBuilder()
                .setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                .addDims(rows)
                .addDims(columns);
        for (float value : values) {
            tensor.addFloatData(value);
        }
        return tensor.build();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
