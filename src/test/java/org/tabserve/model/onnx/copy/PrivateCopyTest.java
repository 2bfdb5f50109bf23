package org.tabserve.model.onnx.copy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.ModelException;

/**
 * Issue 61, item 10: a local model file is checked once, before a byte of it is read, by the server's load and by
 * {@link OnnxModelLoader#bytes} (the Spark connector's driver, which read {@code /dev/zero} until it ran out of
 * memory): a regular file (links followed) of at most 2 GB. {@code /dev/zero}, a FIFO (which would block the reader
 * until someone wrote to it), a link to one, a directory and a file one byte over the limit (sparse: nothing is
 * written) are each refused in words naming what they are, and neither reader opens them. The hang guard's minute is
 * no timing: a read of any of them never returns, or runs the heap out.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class PrivateCopyTest {

    private static final Duration HANG = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void devZeroIsRefusedAsACharacterDeviceBeforeItIsRead() {
        assertRefusedByBoth(Path.of("/dev/zero"), "it is a character device, not a regular file");
    }

    @Test
    void aFifoAndALinkToOneAreRefusedWithoutBeingOpened() throws Exception {
        Path fifo = dir.resolve("model.onnx");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        assertRefusedByBoth(fifo, "it is a FIFO, not a regular file");
        Path link = Files.createSymbolicLink(dir.resolve("link.onnx"), fifo);
        assertRefusedByBoth(link, "it is a FIFO, not a regular file");
    }

    @Test
    void aDirectoryIsRefusedAsOne() {
        assertRefusedByBoth(dir, "it is a directory, not a regular file");
    }

    @Test
    void aFileOneByteOverTwoGigabytesIsRefusedBeforeItIsRead() throws Exception {
        Path large = dir.resolve("large.onnx");
        try (RandomAccessFile file = new RandomAccessFile(large.toFile(), "rw")) {
            file.setLength(PrivateCopy.MAX_SIZE + 1); // sparse: no byte is written
        }
        assertRefusedByBoth(large, "larger than 2 GB");
    }

    @Test
    void aMissingFileIsNoSuchFile() {
        assertRefusedByBoth(dir.resolve("missing.onnx"), "no such file");
    }

    @Test
    void aRegularModelFileIsReadWholeAsItIsOnDisk() throws Exception {
        Path bundled = Path.of("model.onnx");
        assertArrayEquals(Files.readAllBytes(bundled), OnnxModelLoader.bytes(bundled));
        Path link = Files.createSymbolicLink(dir.resolve("linked.onnx"), bundled.toAbsolutePath());
        assertArrayEquals(Files.readAllBytes(bundled), OnnxModelLoader.bytes(link));
    }

    /** Both readers of a local model file refuse it, in words naming the file and {@code reason}. */
    private static void assertRefusedByBoth(Path file, String reason) {
        assertRefused(file, reason, () -> OnnxModelLoader.bytes(file));
        assertRefused(file, reason, () -> {
            try (Model model = OnnxModelLoader.load(file)) {
                model.signature();
            }
        });
    }

    private static void assertRefused(Path file, String reason, Executable read) {
        ModelException refused =
                assertTimeoutPreemptively(HANG, () -> assertThrows(ModelException.class, read), file.toString());
        assertEquals(ModelException.Kind.UNUSABLE_MODEL, refused.kind());
        assertTrue(
                refused.getMessage().equals("cannot serve model " + file + ": " + refused.reason())
                        && refused.reason().contains(reason),
                refused.getMessage());
    }
}
