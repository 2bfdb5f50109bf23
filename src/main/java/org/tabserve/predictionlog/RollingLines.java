package org.tabserve.predictionlog;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.zip.GZIPOutputStream;
import org.tabserve.files.WrittenFile;

/**
 * The log's files in its directory, rotated by size: {@code predictions.jsonl} is written until the next batch would
 * pass the size, then becomes {@code predictions.1.jsonl.gz} (the older ones shift up, the oldest past the count is
 * deleted). Used by the log's one writer thread only.
 * <p>
 * Written with the JDK's own file API rather than logback's rolling appender, which this class used before, because
 * the log's directory is one that other people and processes can write to, and the appender could not be told to
 * mind that: it followed a symbolic link planted as {@code predictions.jsonl} (or as a rolled file's name) and appended
 * to the link's target; it went on writing to a file deleted under it (with its directory) and never rolled it over;
 * it let a second server write the same file; and it reported a full disk only as a status, while the rows still
 * counted as written. Here every file is opened without following links, the directory is locked for one server at
 * a time, the file is checked to be still the one in the directory before each write, and every failure is thrown
 * to the writer, which counts the rows it lost.
 * <p>
 * Its files hold every input value, so they get the checks of {@link WrittenFile} (issue 76): each is made owner-only
 * ({@code rw-------}; an existing one its group or others may read is made so, which is said), one of another user is
 * refused, and the directory (made {@code rwx------} when missing) must be the server user's or root's and not
 * writable by its group or others, sticky or not: the log makes and renames several files there.
 */
final class RollingLines implements AutoCloseable {

    /** The file being written. */
    static final String ACTIVE = "predictions.jsonl";
    /** The file a server holds a lock on while it writes the directory: one server per directory. */
    static final String LOCK = ".predictions.lock";
    /** The active file while it is compressed into the first rolled file. */
    private static final String ROLLING = ".predictions.rolling.jsonl";

    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};
    /** Told when a file of the log was made owner-only: said in the log, not counted as an error of writing. */
    private static final Consumer<String> FIXED =
            words -> Logger.getLogger(PredictionLog.class.getName()).warning("prediction log: " + words);

    private final Path directory;
    private final long maxFileBytes;
    private final int maxFiles;
    private final Consumer<String> problems;
    private FileChannel lockFile;
    private FileLock lock;
    private FileChannel out;
    /** The identity (device and inode) of the file {@link #out} writes, to see it deleted or replaced. */
    private Object written;

    private long size;

    /**
     * @param problems told, in words, each error besides a failed write (which is thrown): a file deleted or
     *                 replaced under the writer, a rollover that failed
     * @throws IOException when the directory cannot be made or written, another server writes it, or the log's file
     *                     there is a link or no regular file, so that the server does not start with a log that
     *                     writes nothing, or writes where it should not
     */
    RollingLines(PredictionLogOptions options, Consumer<String> problems) throws IOException {
        this.maxFileBytes = options.maxFileBytes();
        this.maxFiles = options.maxFiles();
        this.problems = problems;
        Path given = options.directory().toAbsolutePath();
        Files.createDirectories(given, WrittenFile.ownerOnlyFolder());
        // The directory as named by the operator may be a link (to a data volume, say); the files in it may not.
        this.directory = given.toRealPath();
        WrittenFile.checkFolder(directory, "the prediction log " + directory.resolve(ACTIVE), false);
        if (!Files.isWritable(directory)) {
            throw new IOException("the prediction log's directory " + directory + " is not writable by this process");
        }
        try {
            for (int i = 1; i <= maxFiles; i++) { // an older server's rolled files, perhaps made readable by anyone
                WrittenFile.checkExisting(rolled(i), "the prediction log's rolled file", FIXED);
            }
            WrittenFile.checkExisting(directory.resolve(ROLLING), "the prediction log's file", FIXED);
            lock();
            open();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Appends {@code length} bytes of {@code lines} (whole lines), rolling the file over first when they would pass
     * its size, and making the file again, said, if it was deleted or replaced since the last write.
     *
     * @throws IOException when they could not all be written (a full disk, a directory that cannot be made again)
     */
    void append(byte[] lines, int length) throws IOException {
        if (out == null || !stillWritten()) {
            reopen();
        }
        if (size > 0 && size + length > maxFileBytes) {
            roll();
        }
        ByteBuffer bytes = ByteBuffer.wrap(lines, 0, length);
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
        size += length;
    }

    @Override
    public void close() {
        closeQuietly(out);
        out = null;
        if (lock != null) {
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel below lets it go too
            }
        }
        closeQuietly(lockFile);
        lockFile = null;
    }

    /** Takes the directory's lock, so that a second server on the same directory stops at its start, saying why. */
    private void lock() throws IOException {
        Path file = directory.resolve(LOCK);
        lockFile = FileChannel.open(
                file,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                WrittenFile.ownerOnly());
        try {
            lock = lockFile.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this JVM holds it already: another web app's log
        }
        if (lock == null) {
            throw new IOException("the prediction log's directory " + directory + " is written by another server (it"
                    + " holds " + LOCK + " there); give each server its own --prediction-log directory");
        }
    }

    /** Opens (or makes) the active file, refusing a link or anything but a regular file. */
    private void open() throws IOException {
        Path file = directory.resolve(ACTIVE);
        refuseLinkOrOther(file); // before opening: opening a planted pipe would wait for a reader forever
        WrittenFile.checkExisting(file, "the prediction log's file", FIXED); // another user's, or readable by others
        try {
            out = FileChannel.open(
                    file,
                    Set.of(
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE,
                            StandardOpenOption.APPEND,
                            LinkOption.NOFOLLOW_LINKS),
                    WrittenFile.ownerOnly());
        } catch (FileSystemException e) {
            refuseLinkOrOther(file); // a link planted since: O_NOFOLLOW refused it, say so plainly
            throw e;
        }
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, NO_FOLLOW);
        written = attributes.fileKey();
        size = out.size();
    }

    private static void refuseLinkOrOther(Path file) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, NO_FOLLOW);
        } catch (NoSuchFileException e) {
            return;
        }
        if (attributes.isSymbolicLink()) {
            throw new IOException("the prediction log's file " + file + " is a symbolic link; the log never writes"
                    + " through a link (it could lead out of the directory): remove it");
        }
        if (!attributes.isRegularFile()) {
            throw new IOException("the prediction log's file " + file + " is not a regular file; remove it");
        }
    }

    /** Whether the active file is still in the directory: not deleted (with the directory, say) nor replaced. */
    private boolean stillWritten() {
        try {
            Object now = Files.readAttributes(directory.resolve(ACTIVE), BasicFileAttributes.class, NO_FOLLOW)
                    .fileKey();
            return written == null || Objects.equals(now, written); // no file keys here: that it is there at all
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Makes the directory and the file again after they were deleted (or the file replaced) under the writer: what
     * was written to the deleted file since is lost with it, which is said (and counted by the caller).
     */
    private void reopen() throws IOException {
        if (out != null) {
            problems.accept(directory.resolve(ACTIVE) + " was deleted or replaced while this server wrote it (was"
                    + " the directory removed?); lines written to it since its last check are lost with it;"
                    + " making it again");
            closeQuietly(out);
            out = null;
        }
        if (!Files.isDirectory(directory, NO_FOLLOW)) {
            Files.createDirectories(directory, WrittenFile.ownerOnlyFolder());
        }
        if (lock == null || !Files.exists(directory.resolve(LOCK), NO_FOLLOW)) {
            closeQuietly(lockFile); // the lock of a deleted file: take one on the new file
            lock = null;
            lock();
        }
        open();
    }

    /**
     * Rolls the active file over: the rolled files shift up (the last one goes), the active one is compressed into
     * the first, and a new active file is begun. A failure to compress is said; the new file is begun either way.
     */
    private void roll() throws IOException {
        closeQuietly(out);
        out = null;
        Path active = directory.resolve(ACTIVE);
        Path rolling = directory.resolve(ROLLING);
        Files.move(active, rolling, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        open();
        try {
            Files.deleteIfExists(rolled(maxFiles));
            for (int i = maxFiles - 1; i >= 1; i--) {
                if (Files.exists(rolled(i), NO_FOLLOW)) {
                    Files.move(
                            rolled(i),
                            rolled(i + 1),
                            StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Path part = directory.resolve(".predictions.1.jsonl.gz.part");
            Files.deleteIfExists(part);
            try (InputStream in = Files.newInputStream(rolling, LinkOption.NOFOLLOW_LINKS);
                    OutputStream gzip = new GZIPOutputStream(
                            Channels.newOutputStream(Files.newByteChannel(
                                    part,
                                    Set.of(
                                            StandardOpenOption.CREATE_NEW,
                                            StandardOpenOption.WRITE,
                                            LinkOption.NOFOLLOW_LINKS),
                                    WrittenFile.ownerOnly())),
                            1 << 16)) {
                in.transferTo(gzip);
            }
            Files.move(part, rolled(1), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(rolling);
        } catch (IOException e) {
            // the new file is open: the batch goes on to it; the rolled lines wait in their own file
            problems.accept("rolling " + ACTIVE + " over to " + rolled(1).getFileName() + " failed (" + e
                    + "); its lines are in " + rolling + " until the next rollover");
        }
    }

    private Path rolled(int index) {
        return directory.resolve("predictions." + index + ".jsonl.gz");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more can be written to it either way
            }
        }
    }
}
