package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
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
 * Issue 61 item 2: {@code GET /metrics} at the default {@code --max-models 100}, each model carded (so each has its
 * inputs' drift bins) and scored once, is about 2 MB of text, and each request built its own whole: 64 readers at once
 * ended the JVM as the project ships it ({@code -Xmx128m}, {@code OutOfMemoryError}, exit 3). Here 100 copies of the
 * carded bank-note model are read by 64 readers at once: each must get the whole answer (or 503 with
 * {@code Retry-After}, as the models page's readers past their share), and the server must live.
 */
class ManyModelsMetricsIT {

    private static final int MODELS = 100;
    private static final int READERS = 64;

    private static Path dir;
    private static TabserveProcess server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("tabserve-metrics");
        Path card = Files.createTempDirectory("tabserve-metrics-card");
        Path carded = FixtureCards.banknote(card);
        for (int i = 1; i <= MODELS; i++) {
            Files.copy(carded, dir.resolve(name(i) + ".onnx"));
        }
        delete(card);
        server = TabserveProcess.start(
                TabserveProcess.war(),
                TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS,
                List.of("--port", "0", "--models", dir.toString(), "--max-models", Integer.toString(MODELS)),
                TabserveProcess.SHIPPED_ENVIRONMENT);
        server.awaitReady(Duration.ofSeconds(90));
        http = new Http(server);
        ModelDirectory.awaitReady(http, MODELS);
        for (int i = 1; i <= MODELS; i++) { // a version's drift bins and counters start with its first scored row
            assertEquals(
                    200,
                    http.postJson("/models/" + name(i) + "/api/predict", ModelDirectory.NOTE)
                            .status());
        }
    }

    private static String name(int i) {
        return String.format(Locale.ROOT, "note-%03d", i);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        delete(dir);
    }

    private static void delete(Path root) throws java.io.IOException {
        if (root != null) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void manyReadersAtOnceEachGetEveryModelsSeriesAndTheServerLives() throws Exception {
        Http.Response alone = http.get("/metrics");
        assertEquals(200, alone.status(), alone.text());
        assertTrue(alone.body().length > 1_500_000, "the answer weighs as the issue's: " + alone.body().length);
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        long started = System.nanoTime();
        int served = 0;
        int refused = 0;
        try {
            List<Future<Http.Response>> readers = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                readers.add(pool.submit(() -> http.fresh().get("/metrics")));
            }
            for (Future<Http.Response> reader : readers) {
                Http.Response answer;
                try {
                    answer = reader.get(2, TimeUnit.MINUTES);
                } catch (ExecutionException e) {
                    throw died(e);
                }
                if (answer.status() == 503) {
                    assertTrue(answer.header("Retry-After").isPresent(), "a 503 says when to retry");
                    refused++;
                    continue;
                }
                assertEquals(200, answer.status(), answer.text());
                String text = answer.text();
                for (int i = 1; i <= MODELS; i++) {
                    assertTrue(
                            text.contains("tabserve_model_info{model=\"" + name(i) + "\""),
                            "every model's series: " + name(i));
                }
                assertTrue(text.contains("tabserve_feature_bin_values_total{"), "each input's drift bins");
                served++;
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf(
                Locale.ROOT,
                "ManyModelsMetricsIT: %d models, /metrics %d bytes; %d readers at once: %d answered whole, %d refused"
                        + " 503, in %d ms%n",
                MODELS,
                alone.body().length,
                READERS,
                served,
                refused,
                (System.nanoTime() - started) / 1_000_000);
        assertTrue(served > 0, "some readers were answered");
        assertTrue(server.process().isAlive(), () -> "the server died:\n" + String.join("\n", server.output()));
    }

    private static AssertionError died(Exception e) throws InterruptedException {
        server.process().waitFor(5, TimeUnit.SECONDS); // a JVM ending on an OutOfMemoryError
        List<String> output = server.output();
        return new AssertionError(
                (server.process().isAlive()
                                ? "a reader got no answer"
                                : "the server died (exit status "
                                        + server.process().exitValue() + ")")
                        + "; the server's last lines:\n"
                        + String.join("\n", output.subList(Math.max(0, output.size() - 5), output.size())),
                e);
    }
}
