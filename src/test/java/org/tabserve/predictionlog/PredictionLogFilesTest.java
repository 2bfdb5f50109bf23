package org.tabserve.predictionlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * The log's files hold every input value: they are made owner-only (an older one readable by others is made so), one
 * of another user is refused, and so is a directory others may write (issue 76). A symbolic link planted there (as
 * the file being written, or as a rolled file's name) is never written through; the directory deleted while the server writes
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

    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY =
            PosixFilePermissions.fromString("rw-------");

    @Test
    void theLogsFilesAreMadeOwnerOnlyInAFolderOfItsOwn() throws Exception {
        Path log = dir.resolve("made/log");
        try (PredictionLog predictionLog = PredictionLog.start(options(log, 2048), QUEUE_BYTES)) {
            for (int i = 0; i < 10; i++) { // past 2 KiB: rolled over
                predictionLog.offer(call("row-" + i, 5));
                int batch = i;
                await(() -> predictionLog.writtenRows() == 5 * (batch + 1L));
            }
            assertEquals(0, predictionLog.errors());
        }
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(log));
        for (String file : List.of(RollingLines.ACTIVE, "predictions.1.jsonl.gz", RollingLines.LOCK)) {
            assertEquals(OWNER_ONLY, Files.getPosixFilePermissions(log.resolve(file)), file);
        }
    }

    @Test
    void aFolderOthersMayWriteIsRefusedAtTheStartStickyOrNot() throws Exception {
        for (String mode : List.of("rwxrwxrwx", "rwxrwx---")) {
            Path log = Files.createDirectories(dir.resolve("shared-" + mode));
            Files.setPosixFilePermissions(log, PosixFilePermissions.fromString(mode));
            IOException e =
                    assertThrows(IOException.class, () -> PredictionLog.start(options(log, 1 << 20), QUEUE_BYTES));
            assertTrue(e.getMessage().contains("can be written by other users"), e.getMessage());
            assertTrue(e.getMessage().contains(log.toString()), "names the folder: " + e.getMessage());
            assertFalse(Files.exists(log.resolve(RollingLines.ACTIVE)), "nothing written there");
        }
        Path sticky = Files.createDirectories(dir.resolve("sticky"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        IOException e =
                assertThrows(IOException.class, () -> PredictionLog.start(options(sticky, 1 << 20), QUEUE_BYTES));
        assertTrue(e.getMessage().contains("can be written by other users"), e.getMessage());
    }

    @Test
    void anOlderLogReadableByOthersIsMadeOwnerOnly() throws Exception {
        Path log = Files.createDirectories(dir.resolve("older"));
        Path active = Files.writeString(log.resolve(RollingLines.ACTIVE), "{\"id\":\"old\"}\n");
        Path rolled = Files.write(log.resolve("predictions.1.jsonl.gz"), new byte[] {31, -117});
        for (Path file : List.of(active, rolled)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
        try (PredictionLog predictionLog = PredictionLog.start(options(log, 1 << 20), QUEUE_BYTES)) {
            predictionLog.offer(call("new", 2));
            await(() -> predictionLog.writtenRows() == 2);
        }
        assertEquals(OWNER_ONLY, Files.getPosixFilePermissions(active));
        assertEquals(OWNER_ONLY, Files.getPosixFilePermissions(rolled));
        assertTrue(Files.readString(active).startsWith("{\"id\":\"old\"}"), "appended to, not replaced");
    }

    @Test
    void aLogFileOfAnotherUserIsRefusedAtTheStart() throws Exception {
        assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "only root can give a file to another user (nobody) to plant it");
        Path log = Files.createDirectories(dir.resolve("planted"));
        Path active = Files.writeString(log.resolve(RollingLines.ACTIVE), "someone else's\n");
        Files.setPosixFilePermissions(active, OWNER_ONLY);
        Files.setOwner(
                active, active.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        IOException e = assertThrows(IOException.class, () -> PredictionLog.start(options(log, 1 << 20), QUEUE_BYTES));
        assertTrue(e.getMessage().contains("is owned by nobody"), e.getMessage());
        assertEquals("someone else's\n", Files.readString(active));
    }
}
