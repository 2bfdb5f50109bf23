package org.tabserve.serving.rollout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import org.tabserve.serving.budget.ServingException;

/**
 * A model's {@code rollout.json} on disk, in its own directory of the repository ({@code DIR/<name>/rollout.json}):
 * whether it changed since it was last read, what it says (or why it cannot be used), and writing it the way models
 * are put in place (a hidden file renamed over it), so that the poll never reads it half-written. The file is never
 * read through a symbolic link (it could lead out of the model's directory, and a bad file's problem, which anyone may
 * read, quotes what it holds), nor when it is not a regular file (opening a FIFO would wait for a writer forever): as
 * the prediction log refuses them, and each refusal is said in words.
 */
final class RolloutFiles {

    /** The file's name. */
    static final String FILE = "rollout.json";

    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

    /**
     * What a file said when read.
     *
     * @param rollout the rollout, or null when the file cannot be used
     * @param invalid why it cannot be used, in words, or null
     */
    record Read(Rollout rollout, String invalid) {}

    private RolloutFiles() {}

    /** @return the model's file in {@code directory}, the repository's */
    static Path of(Path directory, String name) {
        return directory.resolve(name).resolve(FILE);
    }

    /** @return whether there is anything at all under the file's name, a link (even a dangling one) included */
    static boolean present(Path file) {
        return Files.exists(file, NO_FOLLOW);
    }

    /**
     * @return the file's kind, size, time and identity, the link's own when it is one, which change when it is written
     *         or renamed into place (within the clock's resolution, at the same size, the identity still tells a new
     *         file); "unreadable" on failure
     */
    static String stamp(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, NO_FOLLOW);
            String kind = attributes.isRegularFile()
                    ? ""
                    : attributes.isSymbolicLink() ? "link:" : attributes.isDirectory() ? "directory:" : "other:";
            return kind + attributes.size() + "@"
                    + attributes.lastModifiedTime().toMillis() + "#" + attributes.fileKey();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /**
     * @return what the file says, read up to just past a rollout's bound (a longer one is refused for its length); a
     *         link, anything but a regular file, and a rollout that names no version ({@code {}}) are not taken
     */
    static Read read(Path file) {
        String refused = refusal(file);
        if (refused != null) {
            return new Read(null, refused);
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            Rollout rollout = Rollout.parse(in.readNBytes(Rollout.MAX_BYTES + 1));
            if (rollout.none()) {
                // Taken, {} would end a canary at once and hand every request to the highest ready version.
                return new Read(
                        null,
                        "it names no version (no serving, shadow or canary), which would hand every"
                                + " request to the highest ready version; to end a rollout, remove " + FILE
                                + " or roll it back (POST /admin/models/{name}/rollout/rollback)");
            }
            return new Read(rollout, null);
        } catch (FileSystemException e) {
            String since = refusal(file); // a link or a pipe put there since the look above
            return new Read(null, since != null ? since : "cannot be read (" + e.getReason() + ")");
        } catch (ServingException e) {
            return new Read(
                    null,
                    e.errors().isEmpty()
                            ? e.getMessage()
                            : String.join(
                                    "; ",
                                    e.errors().stream()
                                            .map(p -> p.field() + ": " + p.message())
                                            .toList()));
        } catch (IOException e) {
            return new Read(null, "cannot be read (" + e.getMessage() + ")");
        }
    }

    /** @return why the file is not read at all, in words, or null when it is a regular file (or there is none) */
    private static String refusal(Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, NO_FOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return "cannot be read (" + e.getClass().getSimpleName() + ")";
        }
        if (attributes.isSymbolicLink()) {
            return "it is a symbolic link, and " + FILE + " is never read through a link (it could lead out of the"
                    + " model's directory): put the file itself in its place";
        }
        if (attributes.isDirectory()) {
            return "it is a directory, not a file: remove it, and put the file in its place";
        }
        if (!attributes.isRegularFile()) {
            return "it is not a regular file (a FIFO, a socket or a device), which is never opened: remove it, and"
                    + " put the file in its place";
        }
        return null;
    }

    /**
     * Writes {@code rollout} as the model's file, when the model has a directory of its own that can be written.
     *
     * @return the written file's stamp, or empty when there is no such directory
     * @throws IOException when writing fails
     */
    static Optional<String> write(Optional<Path> repository, String name, Rollout rollout) throws IOException {
        Optional<Path> directory =
                repository.map(d -> d.resolve(name)).filter(Files::isDirectory).filter(Files::isWritable);
        if (directory.isEmpty()) {
            return Optional.empty();
        }
        Path file = directory.get().resolve(FILE);
        if (rollout.none()) {
            // No rollout is no file: {} in the file is refused as naming nothing (see read).
            Files.deleteIfExists(file);
            return Optional.of(stamp(file));
        }
        Path temp = directory.get().resolve("." + FILE + ".part");
        Files.writeString(temp, rollout.text());
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return Optional.of(stamp(file));
    }
}
