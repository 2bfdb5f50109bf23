package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.copy.PrivateCopy;
import org.tabserve.model.signature.ModelException;

/**
 * Issue 21 case 2: a model file truncated or rewritten while it loads ends as an unusable model whose reason says
 * the file changed, never as a dead JVM (SIGBUS in ONNX Runtime) or an escaped {@link InternalError}.
 */
class ModelFileChangeTest {

    private static final Path BUNDLED = Path.of("model.onnx");

    @TempDir
    Path dir;

    @Test
    void aFileTruncatedWhileItIsCopiedIsRefusedAsChanged() throws IOException {
        Path file = Files.copy(BUNDLED, dir.resolve("m.onnx"));
        ModelException e = assertThrows(ModelException.class, () -> PrivateCopy.of(file, () -> truncate(file, 100)));
        assertEquals(ModelException.Kind.UNUSABLE_MODEL, e.kind());
        assertTrue(e.getMessage().contains("the file changed while it was read"), e.getMessage());
    }

    @Test
    void aFileThatGrowsOrIsReplacedWhileItIsCopiedIsRefusedAsChanged() throws IOException {
        Path file = Files.copy(BUNDLED, dir.resolve("m.onnx"));
        ModelException grown = assertThrows(ModelException.class, () -> PrivateCopy.of(file, () -> append(file)));
        assertTrue(grown.getMessage().contains("the file changed while it was read"), grown.getMessage());

        Path other = Files.copy(BUNDLED, dir.resolve("other.onnx"));
        ModelException replaced =
                assertThrows(ModelException.class, () -> PrivateCopy.of(file, () -> move(other, file)));
        assertTrue(replaced.getMessage().contains("the file changed while it was read"), replaced.getMessage());
    }

    @Test
    void theCopyIsTheFileAndOutlivesChangesToTheFile() throws IOException {
        Path file = Files.copy(BUNDLED, dir.resolve("m.onnx"));
        ByteBuffer copy = PrivateCopy.of(file);
        try (var temporary = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertTrue(
                    temporary.noneMatch(p -> p.getFileName().toString().startsWith("tabserve-model-")),
                    "the private copy has no name left in the temporary directory");
        }
        byte[] original = Files.readAllBytes(file);
        truncate(file, 0); // the copy is private: reading it afterwards faults nothing
        byte[] read = new byte[copy.remaining()];
        copy.duplicate().get(read);
        assertEquals(ByteBuffer.wrap(original), ByteBuffer.wrap(read));
        try (Model model = OnnxModelLoader.load(Files.write(dir.resolve("again.onnx"), original))) {
            assertEquals(2, model.signature().classLabels().size());
        }
    }

    /**
     * An {@link InternalError} while loading (a fault reading mapped bytes, here a mapping whose file was truncated
     * under it, which the private copy prevents) makes the model unusable rather than escaping the loader, which
     * left a model LOADING forever. Run in a JVM of its own: Java 17 throws the error for a fault in compiled code's
     * read of a mapping only when the thread next enters the VM, which in a JVM that has run the loader before may
     * come after ONNX Runtime has read the same bytes and died of SIGBUS (the surefire fork's exit 134 in CI). In a
     * fresh JVM the loader's classes are resolved for the first time between the digest and ONNX Runtime, and that
     * resolution enters the VM.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void anInternalErrorWhileLoadingMakesTheModelUnusable() throws Exception {
        Path file = Files.copy(BUNDLED, dir.resolve("m.onnx"));
        LoadInOwnJvm.Outcome child = LoadInOwnJvm.runOnTruncatedMapping(file, dir, List.of());
        assertEquals(0, child.status(), "exit status; output:\n" + child.output());
        assertTrue(child.output().contains("refused: "), child.output());
        assertTrue(child.output().contains("reading it failed (a fault occurred"), child.output());
    }

    /**
     * The loader never maps the model file itself: a second thread truncates the file the moment it appears in the
     * process's mappings. Run in a JVM of its own, since before the fix this killed the JVM (SIGBUS in
     * {@code OrtSession.createSession}, exit 134) or let an {@link InternalError} out of the loader.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void aModelTruncatedWhileItLoadsNeverKillsTheJvm() throws Exception {
        Path file = largeModel(dir.resolve("large.onnx"), 64 << 20);
        LoadInOwnJvm.Outcome child = LoadInOwnJvm.run(file, dir, true);
        assertEquals(0, child.status(), "exit status; output:\n" + child.output());
        assertTrue(
                child.output().lines().anyMatch(l -> l.startsWith("loaded ") || l.startsWith("refused: ")),
                child.output());
    }

    /** The bundled model followed by a field ONNX Runtime and the graph reader skip, {@code padding} bytes long. */
    private static Path largeModel(Path file, int padding) throws IOException {
        byte[] model = Files.readAllBytes(BUNDLED);
        ByteBuffer tag = ByteBuffer.allocate(16);
        tag.put((byte) ((1000 << 3 | 2) & 0x7F | 0x80)).put((byte) (1000 >>> 4));
        for (long v = padding; ; v >>>= 7) {
            if (v < 0x80) {
                tag.put((byte) v);
                break;
            }
            tag.put((byte) (v & 0x7F | 0x80));
        }
        tag.flip();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(model));
            out.write(tag);
            out.write(ByteBuffer.wrap(new byte[] {0}), out.position() + padding - 1); // the rest is a sparse hole
        }
        return file;
    }

    private static void truncate(Path file, long size) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void append(Path file) {
        try {
            Files.write(file, List.of("more"), StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
