package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.cli.FixtureCards;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.TabserveProcess;

/**
 * Issue 34 item 4: {@code GET /v2/models/stats} answers every version's live figures (each input's counts and drift),
 * a few kilobytes an input. Built whole, one answer for 500 models was 1.9 MB of JSON, and 64 readers at once ended
 * the JVM as the project ships it. Here the same weight comes from fewer, wider models (30 copies of the 69-input
 * fixture with its card), so that the server starts in seconds: 64 readers at once must each get every version's
 * figures, and the server must live.
 */
class ManyModelsStatsIT {

    private static final int MODELS = 30;
    private static final int READERS = 64;

    private static Path dir;
    private static TabserveProcess server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("tabserve-stats");
        Path wide = Path.of("src/test/resources/org/tabserve/fixtures/wide");
        Path carded = FixtureCards.card(
                wide.resolve("wide-69.onnx"),
                wide.resolve("wide-69.labelled.csv"),
                "label",
                Files.createTempDirectory("tabserve-stats-card").resolve("wide.onnx"));
        for (int i = 1; i <= MODELS; i++) {
            Files.copy(carded, dir.resolve(String.format(Locale.ROOT, "wide-%02d.onnx", i)));
        }
        Files.delete(carded);
        Files.delete(carded.getParent());
        server = TabserveProcess.start(
                TabserveProcess.war(),
                TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS,
                List.of("--port", "0", "--models", dir.toString(), "--max-models", Integer.toString(MODELS)),
                TabserveProcess.SHIPPED_ENVIRONMENT);
        server.awaitReady(Duration.ofSeconds(90));
        http = new Http(server);
        ModelDirectory.awaitReady(http, MODELS);
        StringBuilder row = new StringBuilder("{");
        for (int f = 0; f < 69; f++) {
            row.append(f == 0 ? "" : ", ").append("\"f").append(f).append("\": 0.5");
        }
        String instance = row.append('}').toString();
        for (int i = 1; i <= MODELS; i++) { // a version's live figures start with its first scored row
            http.postJson(String.format(Locale.ROOT, "/models/wide-%02d/api/predict", i), instance)
                    .json();
        }
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

    @Test
    void manyReadersAtOnceEachGetEveryVersionsFiguresAndTheServerLives() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        try {
            List<Future<Http.Response>> readers = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                readers.add(pool.submit(() -> http.fresh().get("/v2/models/stats")));
            }
            long bytes = 0;
            for (Future<Http.Response> reader : readers) {
                Http.Response answer;
                try {
                    answer = reader.get(2, TimeUnit.MINUTES);
                } catch (java.util.concurrent.ExecutionException e) {
                    server.process().waitFor(5, TimeUnit.SECONDS); // a JVM ending on an OutOfMemoryError
                    throw new AssertionError(
                            server.process().isAlive()
                                    ? "a reader got no answer"
                                    : "the server died (exit status "
                                            + server.process().exitValue() + "): "
                                            + server.output().stream()
                                                    .filter(line -> line.contains("OutOfMemoryError"))
                                                    .findFirst()
                                                    .orElse(""),
                            e);
                }
                JsonNode stats = answer.json().path("model_stats");
                assertEquals(MODELS, stats.size(), "one entry per version");
                assertEquals(69, stats.get(0).path("live").size(), "each input's live figures");
                bytes = answer.body().length;
            }
            assertTrue(bytes > 1_000_000, "the answer weighs as the issue's did: " + bytes + " bytes");
        } finally {
            pool.shutdownNow();
        }
        assertTrue(server.process().isAlive(), () -> "the server died:\n" + String.join("\n", server.output()));
    }
}
