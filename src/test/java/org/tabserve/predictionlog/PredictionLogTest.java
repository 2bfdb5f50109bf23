package org.tabserve.predictionlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/**
 * The log's own behaviour on the bundled model's real predictions: each row written once with the model's answer;
 * rotation by size into numbered gzip files, keeping as many as asked; a batch the queue cannot take dropped whole
 * and counted (in the counters /metrics gives), never waited for; a request sampled whole by the share asked; settings refused by name.
 */
class PredictionLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A bound in bytes these tests never reach, but the one on purpose. */
    private static final long QUEUE_BYTES = 64L << 20;

    private static Model model;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        model = OnnxModelLoader.load(Path.of("model.onnx"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** A call of {@code rows} bank-note rows scored by the bundled model, as the server hands one to the log. */
    static ScoredCall call(Model model, String id, int rows) {
        double[][] numbers = new double[rows][];
        for (int r = 0; r < rows; r++) {
            numbers[r] = new double[] {r * 0.25 - 3, 8 - r * 0.5, r % 7 - 2.5, -0.5};
        }
        Batch batch = Batch.ofNumbers(model.signature(), numbers);
        List<Prediction> predictions = model.predict(batch);
        return new ScoredCall(
                id,
                "POST /api/predict",
                "banknote",
                1,
                model,
                Instant.now(),
                1_000_000,
                batch,
                predictions,
                null,
                null,
                null);
    }

    private PredictionLogOptions options(long maxFileBytes, int maxFiles, int queueRows, Set<String> mask) {
        return new PredictionLogOptions(dir, 1, mask, maxFileBytes, maxFiles, queueRows);
    }

    private static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                file.toString().endsWith(".gz")
                        ? new GZIPInputStream(Files.newInputStream(file))
                        : Files.newInputStream(file),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    @Test
    void everyRowIsWrittenOnceWithTheModelsAnswer() throws Exception {
        ScoredCall call = call(model, "r-1", 5);
        try (PredictionLog log = PredictionLog.start(options(1 << 20, 3, 100, Set.of("entropy")), QUEUE_BYTES)) {
            log.offer(call);
        } // close writes what is queued
        List<JsonNode> lines = read(dir.resolve(RollingLines.ACTIVE));
        assertEquals(5, lines.size());
        for (int row = 0; row < 5; row++) {
            JsonNode line = lines.get(row);
            assertEquals("r-1", line.path("request_id").asText());
            assertEquals(1.0, line.path("latency_ms").asDouble());
            assertEquals(call.batch().cell(row, 0), (float)
                    line.path("inputs").path("variance").asDouble());
            assertFalse(line.path("inputs").has("entropy"), "masked");
            assertEquals("[\"entropy\"]", line.path("masked").toString());
            Prediction.Classification answer =
                    (Prediction.Classification) call.predictions().get(row);
            assertEquals(answer.label(), line.path("outputs").path("label").asText());
            assertEquals(
                    answer.probabilityOf("1"),
                    line.path("outputs").path("probabilities").path("1").asDouble());
        }
    }

    @Test
    void filesRollOverBySizeIntoNumberedGzipFilesAndOnlyTheNewestAreKept() throws Exception {
        int batches = 60;
        try (PredictionLog log = PredictionLog.start(options(4096, 3, 100_000, Set.of()), QUEUE_BYTES)) {
            for (int i = 0; i < batches; i++) {
                log.offer(call(model, "b-" + i, 10));
                // one batch at a time, so that each is appended (and the size looked at) on its own
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (log.writtenRows() < (i + 1) * 10L && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
            }
            assertEquals(batches * 10L, log.writtenRows());
        }
        List<String> files;
        try (Stream<Path> listed = Files.list(dir)) {
            files = listed.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(
                List.of(
                        RollingLines.LOCK,
                        "predictions.1.jsonl.gz",
                        "predictions.2.jsonl.gz",
                        "predictions.3.jsonl.gz",
                        "predictions.jsonl"),
                files,
                "three rolled files kept, the oldest deleted");
        long active = Files.size(dir.resolve(RollingLines.ACTIVE));
        assertTrue(active < 4096 + 10 * 400, "the active file rolled over near its size: " + active);
        // the newest rolled file holds the batches just before the active file's, whole and in order
        List<JsonNode> newest = read(dir.resolve("predictions.1.jsonl.gz"));
        List<JsonNode> current = read(dir.resolve(RollingLines.ACTIVE));
        int lastRolled = Integer.parseInt(
                newest.get(newest.size() - 1).path("request_id").asText().substring(2));
        int firstActive =
                Integer.parseInt(current.get(0).path("request_id").asText().substring(2));
        assertEquals(lastRolled + 1, firstActive);
        assertEquals(
                batches - 1,
                Integer.parseInt(current.get(current.size() - 1)
                        .path("request_id")
                        .asText()
                        .substring(2)));
        assertEquals(0, newest.size() % 10, "a batch is never split across files");
    }

    @Test
    void aBatchTheQueueCannotTakeIsDroppedWholeAndCountedWithoutWaiting() throws Exception {
        try (PredictionLog log = PredictionLog.start(options(1 << 20, 1, 8, Set.of()), QUEUE_BYTES)) {
            log.offer(call(model, "too-big", 9)); // more rows than the queue holds at all
            log.offer(call(model, "fits", 8));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (log.writtenRows() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(9, log.droppedRows());
            assertEquals(8, log.writtenRows());
            // As /metrics gives them (PredictionLogRoutesTest: the app registers them in its registry).
            PrometheusRegistry registry = new PrometheusRegistry();
            log.register(registry);
            String metrics = org.tabserve.testing.MetricsText.of(registry);
            assertTrue(metrics.contains("tabserve_prediction_log_rows_total{outcome=\"dropped\"} 9.0"), metrics);
            assertTrue(metrics.contains("tabserve_prediction_log_rows_total{outcome=\"written\"} 8.0"), metrics);
        }
        List<JsonNode> lines = read(dir.resolve(RollingLines.ACTIVE));
        assertTrue(lines.stream().allMatch(l -> l.path("request_id").asText().equals("fits")));
    }

    /** A penguin batch of {@code rows} rows whose island and sex are texts of {@code length} characters. */
    static ScoredCall longTexts(Model penguins, String id, int rows, int length) {
        List<Object[]> cells = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            String text = (char) ('a' + r % 26) + "x".repeat(length - 1);
            cells.add(new Object[] {text, 39.1, 18.7, 181.0, 3750.0, text});
        }
        Batch batch = Batch.of(penguins.signature(), cells);
        return new ScoredCall(
                id,
                "POST /api/predict",
                "species",
                1,
                penguins,
                Instant.now(),
                1_000,
                batch,
                penguins.predict(batch),
                null,
                null,
                null);
    }

    static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins/species-zipmap.onnx");

    @Test
    void theQueueIsBoundedByTheHeapItsBatchesHoldNotOnlyByTheirRows() throws Exception {
        long bound = 1 << 20;
        try (Model penguins = OnnxModelLoader.load(PENGUINS);
                PredictionLog log = PredictionLog.start(options(64 << 20, 1, 10_000, Set.of()), bound)) {
            // 100 rows with two texts of 5,000 characters each (and a warning quoting each): about 4 MB of heap, far
            // under 10,000 rows: a queue bounded by rows alone took it, and a stalled disk let such batches fill the
            // heap
            ScoredCall big = longTexts(penguins, "big", 100, 5_000);
            assertTrue(big.heldBytes() > 2 * 100 * 2 * 5_000, "the estimate counts the texts: " + big.heldBytes());
            log.offer(big);
            assertEquals(100, log.droppedRows(), "a batch holding more than the bound is dropped whole");
            ScoredCall small = longTexts(penguins, "small", 10, 5_000); // about 400 KB: two fit at once
            for (int i = 0; i < 20; i++) {
                log.offer(small);
                assertTrue(log.queuedBytes() <= bound, "queued " + log.queuedBytes() + " bytes, bound " + bound);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (log.writtenRows() + log.droppedRows() < 100 + 200 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(300, log.writtenRows() + log.droppedRows(), "each row written or dropped, none lost");
            assertTrue(log.writtenRows() >= 20, "what fits is written: " + log.writtenRows());
        }
    }

    @Test
    void aShareOfRequestsIsSampledAndOneMeansEvery() throws Exception {
        AtomicInteger drawn = new AtomicInteger();
        double[] draws = {0.05, 0.95, 0.2, 0.25, 0.0, 0.999};
        PredictionLogOptions quarter = new PredictionLogOptions(dir, 0.25, Set.of(), 1 << 20, 1, 10);
        try (PredictionLog log = PredictionLog.start(quarter, QUEUE_BYTES, () -> draws[drawn.getAndIncrement()])) {
            List<Boolean> sampled = new ArrayList<>();
            for (int i = 0; i < draws.length; i++) {
                sampled.add(log.sampled());
            }
            assertEquals(List.of(true, false, true, false, true, false), sampled);
        }
        try (PredictionLog every = PredictionLog.start(options(1 << 20, 1, 10, Set.of()), QUEUE_BYTES, () -> 0.9999)) {
            assertTrue(every.sampled());
        }
        assertFalse(PredictionLog.off().sampled());
    }

    @Test
    void settingsAreReadByNameAndAWrongOneIsRefusedNamingIt() {
        Map<String, String> given = Map.of(
                PredictionLogOptions.DIRECTORY,
                dir.toString(),
                PredictionLogOptions.SAMPLE,
                "0.1",
                PredictionLogOptions.MASK,
                " name, email ,");
        PredictionLogOptions options = PredictionLogOptions.resolve(key -> Optional.ofNullable(given.get(key)))
                .orElseThrow();
        assertEquals(0.1, options.sample());
        assertEquals(Set.of("name", "email"), options.mask());
        assertEquals(64L << 20, options.maxFileBytes());
        assertEquals(10, options.maxFiles());
        assertEquals(java.util.OptionalLong.empty(), options.queueBytes(), "the web app sets it from its budget");
        assertEquals(Optional.empty(), PredictionLogOptions.resolve(key -> Optional.empty()));
        for (Map<String, String> wrong : List.of(
                Map.of(PredictionLogOptions.DIRECTORY, "d", PredictionLogOptions.SAMPLE, "0"),
                Map.of(PredictionLogOptions.DIRECTORY, "d", PredictionLogOptions.SAMPLE, "1.5"),
                Map.of(PredictionLogOptions.DIRECTORY, "d", PredictionLogOptions.SAMPLE, "a tenth"),
                Map.of(PredictionLogOptions.DIRECTORY, "d", PredictionLogOptions.MAX_FILES, "21"),
                Map.of(PredictionLogOptions.DIRECTORY, "d", PredictionLogOptions.MAX_FILE_BYTES, "100"),
                Map.of(PredictionLogOptions.DIRECTORY, "d", PredictionLogOptions.QUEUE_BYTES, "100"),
                Map.of(PredictionLogOptions.QUEUE_BYTES, "1000000"),
                Map.of(PredictionLogOptions.SAMPLE, "0.5"))) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> PredictionLogOptions.resolve(key -> Optional.ofNullable(wrong.get(key))));
            String key = wrong.keySet().stream()
                    .filter(k -> !k.equals(PredictionLogOptions.DIRECTORY))
                    .findFirst()
                    .orElseThrow();
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
    }

    @Test
    void aDirectoryThatCannotBeWrittenStopsTheStartNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        IOException e = assertThrows(
                IOException.class,
                () -> PredictionLog.start(
                        new PredictionLogOptions(file.resolve("log"), 1, Set.of(), 1 << 20, 1, 10), QUEUE_BYTES));
        assertTrue(e.getMessage().contains("a-file"), e.getMessage());
    }
}
