package org.tabserve.serving;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * A model's {@code rollout.json} on disk, in its own directory of the repository ({@code DIR/<name>/rollout.json}):
 * whether it changed since it was last read, what it says (or why it cannot be used), and writing it the way models
 * are put in place (a hidden file renamed over it), so that the poll never reads it half-written.
 */
final class RolloutFiles {

    /** The file's name. */
    static final String FILE = "rollout.json";

    /**
     * What a file said when read.
     *
     * @param rollout the rollout, or null when the file cannot be used
     * @param invalid why it cannot be used, in words, or null
     */
    record Read(Rollout rollout, String invalid) {
    }

    private RolloutFiles() {
    }

    /** @return the model's file in {@code directory}, the repository's */
    static Path of(Path directory, String name) {
        return directory.resolve(name).resolve(FILE);
    }

    /**
     * @return the file's size, time and identity, which change when it is written or renamed into place (within the
     *         clock's resolution, at the same size, the identity still tells a new file); "unreadable" on failure
     */
    static String stamp(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.size() + "@" + attributes.lastModifiedTime().toMillis() + "#" + attributes.fileKey();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /** @return what the file says, read up to just past a rollout's bound (a longer one is refused for its length) */
    static Read read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new Read(Rollout.parse(in.readNBytes(Rollout.MAX_BYTES + 1)), null);
        } catch (ServingException e) {
            return new Read(null, e.errors().isEmpty() ? e.getMessage() : String.join("; ", e.errors().stream()
                    .map(p -> p.field() + ": " + p.message()).toList()));
        } catch (IOException e) {
            return new Read(null, "cannot be read (" + e.getMessage() + ")");
        }
    }

    /**
     * Writes {@code rollout} as the model's file, when the model has a directory of its own that can be written.
     *
     * @return the written file's stamp, or empty when there is no such directory
     * @throws IOException when writing fails
     */
    static Optional<String> write(Optional<Path> repository, String name, Rollout rollout) throws IOException {
        Optional<Path> directory = repository.map(d -> d.resolve(name)).filter(Files::isDirectory)
                .filter(Files::isWritable);
        if (directory.isEmpty()) {
            return Optional.empty();
        }
        Path file = directory.get().resolve(FILE);
        Path temp = directory.get().resolve("." + FILE + ".part");
        Files.writeString(temp, rollout.text());
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return Optional.of(stamp(file));
    }
}
