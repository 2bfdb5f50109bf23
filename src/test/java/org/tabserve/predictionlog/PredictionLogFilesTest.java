package org.tabserve.predictionlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;

/**
 * The log's directory is one other people and processes can write to: a symbolic link planted there (as the file
 * being written, or as a rolled file's name) is never written through; the directory deleted while the server writes
 * is said, counted and made again instead of rows going to an unlinked file; a second log on the same directory is
 * refused at its start; and rows a write loses count as failed, never as written.
 */
class PredictionLogFilesTest {

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

    private static ScoredCall call(String id, int rows) {
        return PredictionLogTest.call(model, id, rows);
    }

    private static PredictionLogOptions options(Path log, long maxFileBytes) {
        return new PredictionLogOptions(log, 1, Set.of(), maxFileBytes, 2, 10_000);
    }

    /** Waits (a bounded while) for the writer to have done what {@code done} says. */
    private static void await(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertTrue(done.getAsBoolean(), "the writer did not get there");
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void aLinkPlantedAsTheLogsFileStopsTheStartAndItsTargetIsNeverWritten() throws Exception {
        Path log = Files.createDirectory(dir.resolve("log"));
        Path target = Files.writeString(dir.resolve("elsewhere.txt"), "someone else's file\n");
        Files.createSymbolicLink(log.resolve(RollingLines.ACTIVE), target);
        IOException e = assertThrows(IOException.class, () -> PredictionLog.start(options(log, 1 << 20), QUEUE_BYTES));
        assertTrue(e.getMessage().contains("is a symbolic link"), e.getMessage());
        assertEquals("someone else's file\n", Files.readString(target));
    }

    @Test
    void aLinkPlantedWhileItRunsIsNeitherWrittenThroughNorRolledOverOnto() throws Exception {
        Path log = dir.resolve("log");
        Path active = Files.writeString(dir.resolve("active-target.txt"), "kept\n");
        Path rolled = Files.writeString(dir.resolve("rolled-target.txt"), "kept\n");
        try (PredictionLog predictionLog = PredictionLog.start(options(log, 4096), QUEUE_BYTES)) {
            predictionLog.offer(call("first", 5));
            await(() -> predictionLog.writtenRows() == 5);
            // a rolled file's name, planted before the first rollover: the rolled file replaces the link
            Files.createSymbolicLink(log.resolve("predictions.1.jsonl.gz"), rolled);
            // the file being written, swapped for a link
            Files.delete(log.resolve(RollingLines.ACTIVE));
            Files.createSymbolicLink(log.resolve(RollingLines.ACTIVE), active);
            predictionLog.offer(call("second", 5));
            await(() -> predictionLog.failedRows() == 5);
            assertEquals(5, predictionLog.writtenRows(), "rows that went nowhere are not written ones");
            Files.delete(log.resolve(RollingLines.ACTIVE));
            for (int i = 0; i < 20; i++) { // past 4 KiB: rolled over at least once
                predictionLog.offer(call("more-" + i, 5));
                int batch = i;
                await(() -> predictionLog.writtenRows() == 5 + 5 * (batch + 1L));
            }
            assertTrue(predictionLog.errors() >= 2, "the swap and the link were errors: " + predictionLog.errors());
        }
        assertEquals("kept\n", Files.readString(active));
        assertEquals("kept\n", Files.readString(rolled));
        assertFalse(Files.isSymbolicLink(log.resolve("predictions.1.jsonl.gz")), "the link was replaced, not followed");
    }

    @Test
    void theDirectoryDeletedWhileItIsWrittenIsSaidCountedAndMadeAgain() throws Exception {
        Path log = dir.resolve("log");
        try (PredictionLog predictionLog = PredictionLog.start(options(log, 1 << 20), QUEUE_BYTES)) {
            predictionLog.offer(call("before", 5));
            await(() -> predictionLog.writtenRows() == 5);
            deleteTree(log);
            predictionLog.offer(call("after", 5));
            await(() -> predictionLog.writtenRows() == 10);
            assertEquals(1, predictionLog.errors(), "the deleted file is one error, said");
            List<String> lines = Files.readAllLines(log.resolve(RollingLines.ACTIVE));
            assertEquals(5, lines.size(), "the rows after it are in the directory made again");
            assertTrue(lines.stream().allMatch(l -> l.contains("\"after\"")), lines::toString);
            // and it is still one server's: the lock was taken again on the new directory
            assertThrows(IOException.class, () -> PredictionLog.start(options(log, 1 << 20), QUEUE_BYTES));
        }
    }

    @Test
    void rowsAWriteLosesCountAsFailedNeverAsWritten() throws Exception {
        Path log = dir.resolve("log");
        try (PredictionLog predictionLog = PredictionLog.start(options(log, 1 << 20), QUEUE_BYTES)) {
            predictionLog.offer(call("before", 5));
            await(() -> predictionLog.writtenRows() == 5);
            deleteTree(log);
            Files.writeString(log, "a file where the directory was: nothing can be written"); // as a full disk fails
            for (int i = 0; i < 3; i++) {
                predictionLog.offer(call("lost-" + i, 4));
            }
            await(() -> predictionLog.failedRows() == 12);
            assertEquals(5, predictionLog.writtenRows());
            assertTrue(
                    predictionLog.errors() >= 2,
                    "the deletion and the failed writes are errors: " + predictionLog.errors());
        }
    }

    @Test
    void aSecondLogOnTheSameDirectoryIsRefusedAtItsStart() throws Exception {
        Path log = dir.resolve("log");
        try (PredictionLog first = PredictionLog.start(options(log, 1 << 20), QUEUE_BYTES)) {
            IOException e =
                    assertThrows(IOException.class, () -> PredictionLog.start(options(log, 1 << 20), QUEUE_BYTES));
            assertTrue(e.getMessage().contains("is written by another server"), e.getMessage());
            assertTrue(e.getMessage().contains("--prediction-log"), e.getMessage());
            first.offer(call("first", 3));
            await(() -> first.writtenRows() == 3);
        }
        try (PredictionLog again = PredictionLog.start(options(log, 1 << 20), QUEUE_BYTES)) {
            assertEquals(0, again.errors(), "the lock goes with the server that held it");
        }
    }
}
