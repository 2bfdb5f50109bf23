package org.tabserve.model.onnx.copy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;
import org.tabserve.model.signature.ModelException;

/**
 * A model file's bytes copied into a temporary file that only this process can reach (owner-only, unlinked as soon as
 * it is open) and mapped from there, because a mapping of a file that someone else truncates kills the JVM: ONNX
 * Runtime reading past the new end gets SIGBUS, and Java code an {@link InternalError}. The copy is made with plain
 * reads of the original, which end early at a truncation instead of faulting, and is accepted only if the file's
 * stamp (size, modification and change times, inode) is the same before and after and the bytes copied are its size.
 *
 * <p>Why a file and not memory: a heap array of a 150 MB model does not fit a 128 MB heap, and direct buffers count
 * against the same limit ({@code -XX:MaxDirectMemorySize} defaults to {@code -Xmx}). A mapped private file costs the
 * same resident memory as the mapping of the original did, plus the copy's disk (or tmpfs) space in
 * {@code java.io.tmpdir} until the mapping is collected.
 *
 * <p>Before a byte is read, the file is checked once, here, for every reader of a local model file (the server's
 * loads, the {@code card} and {@code score} commands through them, and the Spark connector's driver through
 * {@link #bytes}): a regular file (links followed) of at most {@link #MAX_SIZE} bytes. A device, a FIFO or a
 * directory is refused by its kind; {@code /dev/zero} read to its end would never end (issue 61, item 10).
 */
public final class PrivateCopy {

    /** ONNX Runtime reads a model from memory only up to 2 GB; larger models keep weights in external files. */
    static final long MAX_SIZE = Integer.MAX_VALUE;

    /** What a change under the loader is reported as. */
    static final String CHANGED = "the file changed while it was read";

    private PrivateCopy() {}

    /**
     * @param file the model file, which others may be writing
     * @return a read-only mapping of a private copy of {@code file}, from position 0 to its size
     * @throws ModelException {@link ModelException.Kind#UNUSABLE_MODEL} when the file cannot be read, is too large,
     *                        or changed while it was copied
     */
    public static ByteBuffer of(Path file) {
        return of(file, () -> {});
    }

    /** {@link #of(Path)}, running {@code afterCopy} between the copy and the second stamp (the tests' seam). */
    public static ByteBuffer of(Path file, Runnable afterCopy) {
        String source = file.toString();
        try {
            Stamp before = checked(file);
            ByteBuffer mapped;
            Path temporary = temporaryFile(source);
            try (FileChannel original = FileChannel.open(file, StandardOpenOption.READ);
                    // Unlinked at once on Linux (deleted on close elsewhere): no other process can open it.
                    FileChannel copy = FileChannel.open(
                            temporary,
                            StandardOpenOption.READ,
                            StandardOpenOption.WRITE,
                            StandardOpenOption.DELETE_ON_CLOSE)) {
                long copied = copy(original, copy, before.size());
                // One byte more than the stamp's size means the file grew while it was copied.
                boolean longer = original.read(ByteBuffer.allocate(1), before.size()) > 0;
                afterCopy.run();
                if (copied != before.size() || longer || !before.equals(Stamp.of(file))) {
                    throw ModelException.unusable(source, CHANGED, null);
                }
                mapped = copy.map(FileChannel.MapMode.READ_ONLY, 0, copied);
            } finally {
                deleteQuietly(temporary);
            }
            return mapped;
        } catch (IOException e) {
            throw ModelException.unusable(source, "cannot read the file (" + withoutPaths(e) + ")", e);
        }
    }

    /**
     * @param file a local model file, which others may be writing
     * @return its bytes in the heap, for a caller that sends them elsewhere (Spark's broadcast): checked first as
     *         {@link #of} checks them, then read up to the size checked
     * @throws ModelException {@link ModelException.Kind#UNUSABLE_MODEL} when the file cannot be read, is not a
     *                        regular file, is too large, or changed while it was read
     */
    public static byte[] bytes(Path file) {
        String source = file.toString();
        try {
            Stamp before = checked(file);
            byte[] bytes = new byte[(int) before.size()];
            ByteBuffer into = ByteBuffer.wrap(bytes);
            try (FileChannel original = FileChannel.open(file, StandardOpenOption.READ)) {
                while (into.hasRemaining() && original.read(into) > 0) {
                    // reads to the size checked, or to an earlier end
                }
                boolean longer = original.read(ByteBuffer.allocate(1)) > 0;
                if (into.hasRemaining() || longer || !before.equals(Stamp.of(file))) {
                    throw ModelException.unusable(source, CHANGED, null);
                }
            }
            return bytes;
        } catch (IOException e) {
            throw ModelException.unusable(source, "cannot read the file (" + withoutPaths(e) + ")", e);
        }
    }

    /**
     * The one check of a local model file before a byte of it is read.
     *
     * @return its stamp, for the reader to compare once it has read it
     * @throws ModelException {@link ModelException.Kind#UNUSABLE_MODEL} for no such file, a file that is not a regular
     *                        file (named by its kind), or one larger than {@link #MAX_SIZE}
     */
    static Stamp checked(Path file) throws IOException {
        String source = file.toString();
        Stamp stamp;
        try {
            stamp = Stamp.of(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw ModelException.unusable(source, "no such file", e);
        }
        if (!stamp.kind().equals(Stamp.REGULAR)) {
            throw ModelException.unusable(source, "it is " + stamp.kind() + ", not a regular file", null);
        }
        if (stamp.size() > MAX_SIZE) {
            throw ModelException.unusable(
                    source, "the file is larger than 2 GB, which ONNX Runtime cannot read" + " from memory", null);
        }
        return stamp;
    }

    /** An owner-only file (where POSIX) in {@code java.io.tmpdir}, or a refusal saying why there is none. */
    private static Path temporaryFile(String source) {
        try {
            return Files.createTempFile("tabserve-model-", ".onnx");
        } catch (IOException e) {
            throw ModelException.unusable(
                    source,
                    "no room for its private copy in the temporary directory (" + withoutPaths(e)
                            + "; see java.io.tmpdir)",
                    e);
        }
    }

    /**
     * What went wrong, without the paths a {@link java.nio.file.FileSystemException} puts in its message: reasons are
     * shown to anonymous callers.
     */
    private static String withoutPaths(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fs) {
            return fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * @return a read-only mapping of a new private file holding {@code model} (position to limit) then
     *         {@code suffix}: a model with more appended, which must not take a direct buffer of the model's size
     * @throws java.io.UncheckedIOException when the temporary file cannot be written (a full disk)
     */
    static ByteBuffer joined(ByteBuffer model, byte[] suffix) {
        try {
            Path temporary = Files.createTempFile("tabserve-model-", ".onnx");
            try (FileChannel copy = FileChannel.open(
                    temporary, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE)) {
                ByteBuffer from = model.duplicate();
                while (from.hasRemaining()) {
                    copy.write(from);
                }
                ByteBuffer tail = ByteBuffer.wrap(suffix);
                while (tail.hasRemaining()) {
                    copy.write(tail);
                }
                return copy.map(FileChannel.MapMode.READ_ONLY, 0, copy.size());
            } finally {
                deleteQuietly(temporary);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Already gone where DELETE_ON_CLOSE unlinks at open (Linux); elsewhere the file is deleted when its last
     * handle closes, so a failure here (a file still open or mapped) is no failure of the load.
     */
    private static void deleteQuietly(Path temporary) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            System.getLogger(PrivateCopy.class.getName())
                    .log(System.Logger.Level.DEBUG, "Cannot delete " + temporary + " yet", e);
        }
    }

    /** Copies up to {@code size} bytes, in the kernel where it can; returns how many there were. */
    private static long copy(FileChannel from, FileChannel to, long size) throws IOException {
        long position = 0;
        while (position < size) {
            long n = from.transferTo(position, size - position, to);
            if (n <= 0) {
                break; // the end of the file: it is shorter than it was
            }
            position += n;
        }
        return position;
    }

    /**
     * What changes when a file is written: its size, its times and, when it is replaced by another, its inode. The
     * change time cannot be set back by a writer (unlike the modification time, which {@code cp -p} and
     * {@code touch} set), so it is used where the file system reports it. Read with it, the file's kind: a
     * regular file, or what else it is (links followed).
     */
    record Stamp(long size, Object modified, Object changed, Object key, String kind) {

        static final String REGULAR = "a regular file";

        static Stamp of(Path file) throws IOException {
            if (file.getFileSystem().supportedFileAttributeViews().contains("unix")) {
                Map<String, Object> unix = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,ino,dev,mode");
                return new Stamp(
                        (Long) unix.get("size"),
                        unix.get("lastModifiedTime"),
                        unix.get("ctime"),
                        Objects.toString(unix.get("dev")) + ":" + unix.get("ino"),
                        kind((Integer) unix.get("mode")));
            }
            BasicFileAttributes basic = Files.readAttributes(file, BasicFileAttributes.class);
            String kind = basic.isRegularFile() ? REGULAR : basic.isDirectory() ? "a directory" : "no file";
            return new Stamp(basic.size(), basic.lastModifiedTime(), null, basic.fileKey(), kind);
        }

        /** The kind of file POSIX's {@code st_mode} names. */
        private static String kind(int mode) {
            return switch (mode & 0170000) {
                case 0100000 -> REGULAR;
                case 0040000 -> "a directory";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0010000 -> "a FIFO";
                case 0140000 -> "a socket";
                default -> "no file";
            };
        }
    }
}
