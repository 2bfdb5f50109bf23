package org.tabserve.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 79, item 6: {@code mvn -B verify} says how far it has come, "[progress] unit tests: 57 of 379 classes done,
 * 3:12 so far": the forks of a phase count into one ledger (here two writers at once lose no class), and the total is
 * the phase's compiled top-level classes.
 */
class ProgressLinesTest {

    @TempDir
    Path dir;

    @Test
    void forksCountIntoOneLedgerAndNoClassIsLost() throws Exception {
        Path ledger = dir.resolve("progress").resolve("1234-Test.txt");
        Instant before = Instant.ofEpochMilli(System.currentTimeMillis());
        ExecutorService forks = Executors.newFixedThreadPool(2);
        try {
            List<Future<ProgressLines.Done>> done = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String name = "org.example.Class" + i + "Test";
                done.add(forks.submit(() -> ProgressLines.record(ledger, name)));
            }
            List<Integer> counts = new ArrayList<>();
            for (Future<ProgressLines.Done> d : done) {
                counts.add(d.get().classes());
                assertTrue(!d.get().since().isBefore(before), "the ledger started with its first class");
            }
            assertEquals(40, counts.stream().distinct().count(), "each class saw its own count: " + counts);
            assertEquals(40, counts.stream().mapToInt(Integer::intValue).max().orElseThrow());
        } finally {
            forks.shutdownNow();
        }
        assertEquals(41, Files.readAllLines(ledger).size(), "the start and forty classes");
    }

    @Test
    void theTotalIsThePhasesTopLevelClassesAndTheLineSaysItAll() throws IOException {
        Path classes = Files.createDirectories(dir.resolve("test-classes/org/example"));
        for (String name :
                List.of("ATest.class", "BTest.class", "BTest$Inner.class", "CIT.class", "Helper.class", "DIT.class")) {
            Files.createFile(classes.resolve(name));
        }
        assertEquals(2, ProgressLines.total(dir.resolve("test-classes"), ProgressLines.Phase.UNIT));
        assertEquals(2, ProgressLines.total(dir.resolve("test-classes"), ProgressLines.Phase.INTEGRATION));
        String line = ProgressLines.line(
                ProgressLines.Phase.INTEGRATION,
                new ProgressLines.Done(1, Instant.now().minusSeconds(125)),
                2);
        assertTrue(line.matches("\\[progress\\] integration tests: 1 of 2 classes done, 2:0[5-7] so far"), line);
    }
}
