package org.tabserve.cardmaking;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.tabserve.model.loading.CardBeside;

/**
 * Writes the card of a model whose file carries none inside (an XGBoost or LightGBM file, an MLflow directory): a copy
 * of the model, byte for byte, with its card beside it ({@link CardBeside}) as a JSON object of the same key/values an
 * ONNX file's metadata holds. Each file is written under a temporary name and moved into place; a directory's copy is
 * made in a temporary folder beside its target and moved into place whole.
 */
public final class CardBesideFile {

    /** Most files copied out of a model directory (an MLflow model has about ten). */
    public static final int MAX_FILES = 1_000;

    /** Most bytes copied out of a model directory in all. */
    public static final long MAX_BYTES = 4L << 30;

    /** Deepest folder copied out of a model directory. */
    public static final int MAX_DEPTH = 8;

    private CardBesideFile() {}

    /** @return the card as a JSON object of strings, one entry a line, in the card's order */
    public static String json(Map<String, String> card) {
        StringJoiner out = new StringJoiner(",\n", "{\n", "\n}\n");
        card.forEach((key, value) -> out.add("  " + CardJsonWriter.write(key) + ": " + CardJsonWriter.write(value)));
        return out.toString();
    }

    /**
     * Copies the model file {@code model} to {@code out} and writes {@code card} beside the copy.
     *
     * @param replace whether an existing {@code out} and card file may be replaced
     * @throws java.nio.file.FileAlreadyExistsException when one exists and {@code replace} is false
     */
    public static void writeFile(Path model, Map<String, String> card, Path out, boolean replace) throws IOException {
        Path target = out.toAbsolutePath();
        Path copy = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.copy(model, copy, StandardCopyOption.REPLACE_EXISTING);
            CardFile.permissionsOf(model, copy);
            move(copy, target, replace);
        } finally {
            Files.deleteIfExists(copy);
        }
        Path cardFile = CardBeside.of(target);
        Path text = Files.createTempFile(target.getParent(), "." + cardFile.getFileName(), ".tmp");
        try {
            Files.writeString(text, json(card), StandardCharsets.UTF_8);
            CardFile.permissionsOf(model, text);
            move(text, cardFile, replace);
        } finally {
            Files.deleteIfExists(text);
        }
    }

    /**
     * Copies the regular files of the model directory {@code model} into the new directory {@code out} (a link is
     * copied as the file it leads to inside the directory; one leading out of it is refused), leaving out its card
     * file, and writes {@code card} as the copy's card file.
     *
     * @throws IllegalArgumentException saying which file cannot be copied (nothing is left at {@code out})
     */
    public static void writeDirectory(Path model, Map<String, String> card, Path out) throws IOException {
        Path from = model.toRealPath();
        Path target = out.toAbsolutePath();
        List<Path> files = files(from);
        Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName());
        try {
            for (Path file : files) {
                Path to = tmp.resolve(from.relativize(file).toString());
                Files.createDirectories(to.getParent());
                Files.copy(file.toRealPath(), to);
                CardFile.permissionsOf(file, to);
            }
            Path cardFile = tmp.resolve(CardBeside.IN_DIRECTORY);
            Files.writeString(cardFile, json(card), StandardCharsets.UTF_8);
            CardFile.permissionsOf(from.resolve("MLmodel"), cardFile);
            CardFile.permissionsOf(from, tmp);
            Files.move(tmp, target);
        } finally {
            deleteTree(tmp);
        }
    }

    /** The regular files of {@code from} to copy, bounded, each inside it (links resolved), its card file left out. */
    private static List<Path> files(Path from) throws IOException {
        List<Path> files = new ArrayList<>();
        long[] bytes = {0};
        Files.walkFileTree(from, java.util.Set.of(), MAX_DEPTH + 1, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (file.equals(from.resolve(CardBeside.IN_DIRECTORY))) {
                    return FileVisitResult.CONTINUE;
                }
                if (attributes.isDirectory()) {
                    throw new IllegalArgumentException(
                            from.relativize(file) + " is more than " + MAX_DEPTH + " folders deep");
                }
                Path real = file.toRealPath();
                if (!real.startsWith(from)) {
                    throw new IllegalArgumentException(from.relativize(file)
                            + " is a link leading out of the model's directory; the copy" + " follows none");
                }
                BasicFileAttributes target = Files.readAttributes(real, BasicFileAttributes.class);
                if (!target.isRegularFile()) {
                    throw new IllegalArgumentException(
                            from.relativize(file) + " is not a regular file or a folder; the copy takes files only");
                }
                bytes[0] += target.size();
                files.add(file);
                if (files.size() > MAX_FILES || bytes[0] > MAX_BYTES) {
                    throw new IllegalArgumentException("the directory holds more than " + MAX_FILES + " files or "
                            + MAX_BYTES + " bytes; a model directory is copied up to those");
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return files;
    }

    private static void move(Path tmp, Path target, boolean replace) throws IOException {
        if (replace) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } else {
            // No ATOMIC_MOVE: with it, a move may replace an existing file; without, it refuses.
            Files.move(tmp, target);
        }
    }

    /** Removes a folder this class made (its copy of a model directory), never following a link out of it. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
