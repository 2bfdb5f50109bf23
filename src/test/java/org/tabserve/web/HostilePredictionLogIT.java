package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.TabserveProcess;

/**
 * Issue 34's prediction-log deaths, against ONE server started as the project ships it ({@code MALLOC_ARENA_MAX=2
 * java -Xmx128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -jar target/tabserve.war}) with
 * {@code --prediction-log DIR --prediction-log-mask sex} over the skl2onnx penguin pipeline: four clients sending
 * 100-row batches of 5,000-character texts outpaced the log's writer, and its queue, bounded in rows alone, filled
 * the heap (exit 3); now the queue's bytes are bounded and what it cannot take is dropped and counted. A masked
 * column's value sent in a query stays out of the access log. A second server on the same log directory stops at its
 * start saying why, where two servers once shared one file and lost a quarter of the rows.
 */
class HostilePredictionLogIT {

    private static final Path PENGUINS =
            Path.of("src/test/resources/org/tabserve/fixtures/penguins/species-zipmap.onnx");
    /** Clients at once, and batches each sends, of {@link #ROWS} rows. */
    private static final int CLIENTS = 4;

    private static final int BATCHES = 40;
    private static final int ROWS = 100;
    private static final int TEXT = 5_000;

    private static Path dir;
    private static Path log;
    private static TabserveProcess server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("tabserve-plog-it");
        Path models = Files.createDirectory(dir.resolve("models"));
        Files.copy(PENGUINS, models.resolve("penguins.onnx"));
        log = dir.resolve("log");
        server = TabserveProcess.start(
                TabserveProcess.war(),
                TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS,
                List.of(
                        "--port",
                        "0",
                        "--models",
                        models.toString(),
                        "--prediction-log",
                        log.toString(),
                        "--prediction-log-mask",
                        "sex"),
                TabserveProcess.SHIPPED_ENVIRONMENT);
        server.awaitReady(Duration.ofSeconds(90));
        http = new Http(server);
        ModelDirectory.awaitIndex(
                http,
                index ->
                        index.size() == 1 && index.get(0).path("state").asText().equals("READY"));
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

    /** A batch of {@link #ROWS} penguins whose island and sex are texts of {@link #TEXT} characters. */
    private static byte[] longTexts(int batch) {
        StringBuilder body = new StringBuilder("{\"instances\": [");
        for (int r = 0; r < ROWS; r++) {
            String text = Integer.toString(batch * ROWS + r, 36) + "x".repeat(TEXT - 8);
            body.append(r == 0 ? "" : ",")
                    .append("{\"island\": \"")
                    .append(text)
                    .append(
                            "\", \"bill_length_mm\": 39.1,"
                                    + " \"bill_depth_mm\": 18.7, \"flipper_length_mm\": 181, \"body_mass_g\": 3750, \"sex\": \"")
                    .append(text)
                    .append("\"}");
        }
        return body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static double metric(String metrics, String name) {
        return metrics.lines()
                .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void fourClientsSendingBatchesOfLongTextsFasterThanTheDiskTakesThemAreServedAndWhatTheLogDropsIsCounted()
            throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<List<Integer>>> sent = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                sent.add(clients.submit(() -> {
                    Http own = http.fresh();
                    List<Integer> statuses = new ArrayList<>();
                    for (int b = 0; b < BATCHES && server.process().isAlive(); b++) {
                        try {
                            statuses.add(own.post("/api/predict", "application/json", longTexts(client * BATCHES + b))
                                    .status());
                        } catch (RuntimeException e) {
                            statuses.add(-1); // no answer: said below, with the server's last words
                        }
                    }
                    return statuses;
                }));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<List<Integer>> each : sent) {
                statuses.addAll(each.get());
            }
            List<String> output = server.output();
            assertTrue(
                    server.process().isAlive(),
                    () -> "the server died after " + statuses.size() + " batches: "
                            + String.join("\n", output.subList(Math.max(0, output.size() - 5), output.size())));
            // 503 (with Retry-After) is the memory budget asking a client to come back; no other refusal, no 5xx
            assertTrue(statuses.stream().allMatch(status -> status == 200 || status == 503), statuses::toString);
        } finally {
            clients.shutdownNow();
        }
        // every scored row is written or dropped once the writer has taken what was queued
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String metrics;
        double scored;
        double written;
        double dropped;
        do {
            metrics = new String(http.get("/metrics").body(), StandardCharsets.UTF_8);
            scored = metric(metrics, "tabserve_rows_scored_total");
            written = metric(metrics, "tabserve_prediction_log_rows_total{outcome=\"written\"}");
            dropped = metric(metrics, "tabserve_prediction_log_rows_total{outcome=\"dropped\"}");
        } while (written + dropped < scored && System.nanoTime() < deadline && sleep());
        assertTrue(scored >= ROWS, metrics);
        assertEquals(scored, written + dropped, metrics);
        assertEquals(0, metric(metrics, "tabserve_prediction_log_rows_total{outcome=\"failed\"}"), metrics);
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(50);
        return true;
    }

    @Test
    void aMaskedColumnsValueInAQueryStaysOutOfTheAccessLog() throws Exception {
        Http.Response answer = http.get("/predict?island=Biscoe&bill_length_mm=45.2&bill_depth_mm=14.8"
                + "&flipper_length_mm=212&body_mass_g=5200&sex=Secret-Sex-Value");
        assertEquals(200, answer.status(), answer::toString);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String line = null;
        while (line == null && System.nanoTime() < deadline) {
            line = server.output().stream()
                    .filter(l -> l.contains("GET /predict?island=Biscoe"))
                    .findFirst()
                    .orElse(null);
            Thread.sleep(20);
        }
        assertTrue(line != null && line.contains("&sex=(masked) HTTP/1.1"), String.join("\n", server.output()));
        String output = String.join("\n", server.output());
        assertFalse(output.contains("Secret-Sex-Value"), output);
    }

    @Test
    void aSecondServerOnTheSameLogDirectoryStopsAtItsStartSayingWhy() throws Exception {
        TabserveProcess second = TabserveProcess.start(
                TabserveProcess.war(),
                TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS,
                List.of("--port", "0", "--model", PENGUINS.toString(), "--prediction-log", log.toString()),
                TabserveProcess.SHIPPED_ENVIRONMENT);
        try {
            int status = second.awaitExit(Duration.ofSeconds(60));
            assertNotEquals(0, status, String.join("\n", second.output()));
            assertTrue(
                    second.output().stream().anyMatch(l -> l.contains("is written by another server")),
                    String.join("\n", second.output()));
        } finally {
            second.close();
        }
        assertTrue(server.process().isAlive(), "the first server still serves");
    }
}
