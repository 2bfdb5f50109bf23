package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.Http;
import org.tabserve.testing.TabserveProcess;

/**
 * Issue 76 item 7: a models folder of 3,000 model files, of which {@code --max-models 100} load (the other 2,900
 * listed {@code UNAVAILABLE}, one entry each), made {@code /metrics}, {@code /api/models} and {@code /models} 503 on
 * every request at the shipped {@code -Xmx128m}: their builds were sized as if every file were loaded (93 MB for the
 * page, past the 46 MB one build may hold). Sized by what is loaded, each answers 200. The files are hard links of
 * the repository's small bank-note model, made in a temporary folder.
 */
class ManyModelFilesIT {

    private static final int FILES = 3_000;
    private static final int LOADED = 100;

    private static Path dir;
    private static TabserveProcess server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("tabserve-many-files");
        Path model = Path.of("model.onnx").toAbsolutePath();
        for (int i = 1; i <= FILES; i++) {
            Files.createLink(dir.resolve(name(i) + ".onnx"), model);
        }
        server = TabserveProcess.start(
                TabserveProcess.war(),
                TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS,
                List.of("--port", "0", "--models", dir.toString(), "--max-models", Integer.toString(LOADED)),
                TabserveProcess.SHIPPED_ENVIRONMENT);
        server.awaitReady(Duration.ofSeconds(90));
        http = new Http(server);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (http.get("/health/ready").status() != 200) { // every file tried: 100 loaded, the rest past the limit
            assertTrue(System.nanoTime() < deadline, "the server never became ready");
            Thread.sleep(100);
        }
    }

    private static String name(int i) {
        return String.format(Locale.ROOT, "m%04d", i);
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
    void theMetricsTheIndexAndThePageAnswerSizedByTheModelsLoaded() throws Exception {
        Http.Response metrics = http.get("/metrics");
        assertEquals(200, metrics.status(), metrics.text());
        assertTrue(metrics.text().contains("tabserve_model_info{model=\"" + name(1) + "\""), "a loaded model's series");

        Http.Response index = http.get("/api/models");
        assertEquals(200, index.status(), index.text());
        JsonNode models = Http.JSON.readTree(index.body()).path("models");
        assertEquals(FILES, models.size(), "every file is listed");
        long ready = 0;
        for (JsonNode model : models) {
            ready += model.path("state").asText().equals("READY") ? 1 : 0;
        }
        assertEquals(LOADED, ready, "--max-models of them loaded");

        Http.Response page = http.get("/models");
        assertEquals(200, page.status(), page.text());
        assertTrue(page.text().contains(name(FILES)), "the page lists the last file too");
        System.out.printf(
                Locale.ROOT,
                "ManyModelFilesIT: %d files, %d loaded: /metrics %d bytes, /api/models %d bytes, /models %d bytes%n",
                FILES,
                LOADED,
                metrics.body().length,
                index.body().length,
                page.body().length);
        assertTrue(server.process().isAlive(), () -> "the server died:\n" + String.join("\n", server.output()));
    }
}
