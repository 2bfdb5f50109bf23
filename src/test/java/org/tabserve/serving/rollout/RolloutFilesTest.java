package org.tabserve.serving.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code rollout.json} on disk: a link (to a file whose text would be quoted, or to nothing), a directory, a FIFO and
 * {@code {}} are refused in words without being opened or followed, and no rollout is written as no file.
 */
class RolloutFilesTest {

    private Path dir;
    private Path file;

    @BeforeEach
    void directory() throws Exception {
        dir = Files.createTempDirectory("tabserve-rollout-files");
        Files.createDirectory(dir.resolve("m"));
        file = RolloutFiles.of(dir, "m");
    }

    @AfterEach
    void clean() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aLinkIsNeverFollowedAndWhatItLeadsToIsNeverQuoted() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "SECRET-TEXT-of-another-file");
        Files.createSymbolicLink(file, secret);
        RolloutFiles.Read read = RolloutFiles.read(file);
        assertNull(read.rollout());
        assertTrue(read.invalid().contains("symbolic link"), read.invalid());
        assertFalse(read.invalid().contains("SECRET"), read.invalid());
        String stamp = RolloutFiles.stamp(file);
        Files.delete(file);
        Files.createSymbolicLink(file, dir.resolve("nowhere"));
        assertTrue(RolloutFiles.present(file), "a dangling link is something there, not a removed file");
        assertTrue(RolloutFiles.read(file).invalid().contains("symbolic link"));
        assertNotEquals(stamp, RolloutFiles.stamp(file));
    }

    @Test
    void aDirectoryAFifoAndARolloutNamingNothingAreRefusedInWords() throws Exception {
        Files.createDirectory(file);
        assertTrue(RolloutFiles.read(file).invalid().contains("a directory"));
        Files.delete(file);
        assertEquals(0, new ProcessBuilder("mkfifo", file.toString()).start().waitFor());
        assertTrue(RolloutFiles.read(file).invalid().contains("not a regular file"), "and never opened: no hang");
        Files.delete(file);
        Files.writeString(file, "{}");
        assertTrue(RolloutFiles.read(file).invalid().contains("names no version"));
        Files.writeString(file, "{\"serving\": 1}");
        assertEquals(OptionalLong.of(1), RolloutFiles.read(file).rollout().serving());
    }

    @Test
    void noRolloutIsWrittenAsNoFile() throws Exception {
        Files.writeString(file, "{\"serving\": 1}");
        RolloutFiles.write(Optional.of(dir), "m", Rollout.NONE);
        assertFalse(RolloutFiles.present(file));
    }
}
