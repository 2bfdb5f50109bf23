package org.tabserve.model.mlflow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The files of one model directory, each named by a relative path that MLmodel gives and resolved to a regular file
 * that lies inside the directory: no absolute path, no {@code ..}, no symbolic link that leads out, no directory, pipe
 * or device; and read within a byte bound.
 */
final class InsideDirectory {

    private final Path root;

    /** @param dir the model directory, which must exist and be a directory (a symbolic link to one is followed) */
    InsideDirectory(Path dir) {
        try {
            this.root = dir.toRealPath();
        } catch (NoSuchFileException e) {
            throw new MlflowFormatException("the MLflow model directory does not exist");
        } catch (IOException e) {
            throw new MlflowFormatException(
                    "the MLflow model directory cannot be read: " + e.getClass().getSimpleName());
        }
        if (!Files.isDirectory(root)) {
            throw new MlflowFormatException("an MLflow model is a directory holding an MLmodel file, not a file");
        }
    }

    /** @return the directory's real path */
    Path root() {
        return root;
    }

    /**
     * @param field what names the file, for the refusal (e.g. {@code flavors.xgboost.data})
     * @param name  the relative path MLmodel gives
     * @return the real path of the regular file it names, inside the directory
     */
    Path file(String field, String name) {
        if (name == null || name.isBlank()) {
            throw new MlflowFormatException(field + " is empty: it must name a file inside the model directory");
        }
        if (name.indexOf('\0') >= 0 || name.startsWith("/") || name.startsWith("\\")) {
            throw new MlflowFormatException(
                    field + " is an absolute path: it must name a file inside the model directory");
        }
        Path relative;
        try {
            relative = root.getFileSystem().getPath(name);
        } catch (InvalidPathException e) {
            throw new MlflowFormatException(field + " is not a valid file path");
        }
        if (relative.isAbsolute() || relative.getRoot() != null) {
            throw new MlflowFormatException(
                    field + " is an absolute path: it must name a file inside the model directory");
        }
        for (Path part : relative) {
            if (part.toString().equals("..")) {
                throw new MlflowFormatException(field + " climbs out of the model directory with '..'");
            }
        }
        Path candidate = root.resolve(relative).normalize();
        Path real;
        try {
            Files.readAttributes(candidate, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            real = candidate.toRealPath();
        } catch (NoSuchFileException e) {
            throw new MlflowFormatException(field + " names a file that the model directory does not hold");
        } catch (IOException e) {
            throw new MlflowFormatException(
                    field + " names a file that cannot be read: " + e.getClass().getSimpleName());
        }
        if (!real.startsWith(root)) {
            throw new MlflowFormatException(field + " is a symbolic link that leads out of the model directory");
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new MlflowFormatException(
                    field + " names a file that cannot be read: " + e.getClass().getSimpleName());
        }
        if (attributes.isDirectory()) {
            throw new MlflowFormatException(field + " names a directory, where a model file is expected");
        }
        if (!attributes.isRegularFile()) {
            throw new MlflowFormatException(field + " names a pipe, a socket or a device, not a regular file");
        }
        return real;
    }

    /**
     * @param field    what names the file, for the refusal
     * @param file     a file that {@link #file} resolved
     * @param maxBytes the most bytes read; a longer file is refused before it is read
     * @return its bytes
     */
    static byte[] read(String field, Path file, int maxBytes) {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new MlflowFormatException(field + " is larger than the " + maxBytes + "-byte bound");
            }
            return bytes;
        } catch (IOException e) {
            throw new MlflowFormatException(
                    field + " cannot be read: " + e.getClass().getSimpleName());
        }
    }

    /** @return the first bytes of a file (at most {@code count}), to tell its format */
    static byte[] head(String field, Path file, int count) {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return in.readNBytes(count);
        } catch (IOException e) {
            throw new MlflowFormatException(
                    field + " cannot be read: " + e.getClass().getSimpleName());
        }
    }
}
