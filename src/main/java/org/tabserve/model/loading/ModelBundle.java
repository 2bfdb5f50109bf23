package org.tabserve.model.loading;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tabserve.model.Model;
import org.tabserve.model.mlflow.MlflowDirectory;
import org.tabserve.model.mlflow.MlflowFlavor;
import org.tabserve.model.mlflow.MlflowFormatException;
import org.tabserve.model.mlflow.MlflowLimits;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.onnx.cardread.CardLimits;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ValueType;
import org.tabserve.model.trees.ForestLimits;

/**
 * A model that is more than one file as one array of bytes, for a caller that reads a model on one machine and loads it
 * on others (the loader's bytes and its load of them: the Spark connector's broadcast): an MLflow model directory (its
 * name and the files a load reads of it: MLmodel, the served flavor's artifact, the input example, the card beside
 * them), or an XGBoost or LightGBM file with its card beside it, so that the model answers as the server's does with
 * that card (its rounds, its calibration). Each file is read bounded as a load reads it. Loaded, they are written into
 * a new folder only this process's user can open, loaded from there as the directory or the file itself is, and
 * deleted.
 *
 * <p>The layout: {@link #MAGIC}, then the directory's name, the number of files (at most {@value #MAX_FILES}) and each
 * file's relative path and bytes, every text and array as a 4-byte big-endian length and its bytes. The bytes are
 * data from outside like a model file: each length is checked against what remains and each path against the folder
 * before a byte is written.
 */
final class ModelBundle {

    /** What a bundle starts with, never the start of an ONNX, XGBoost or LightGBM file. */
    static final byte[] MAGIC = "tabserve model bundle 1\n".getBytes(StandardCharsets.US_ASCII);

    static final int MAX_FILES = 4;

    /** A name of a path: no separator, no NUL, not {@code .} or {@code ..} (checked apart), at most 255 bytes. */
    private static final Pattern NAME = Pattern.compile("[^/\\\\\\x00]{1,255}");

    private static final int MAX_PATH = 1024;

    private ModelBundle() {}

    /** @return whether {@code bytes} start as a bundle does */
    static boolean is(byte[] bytes) {
        return bytes.length >= MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** Reads an XGBoost or LightGBM file and the card beside it (which exists) into a bundle. */
    static byte[] packWithCard(Path file, Path card) {
        byte[] model = BoundedFile.read(file, ForestLimits.DEFAULT.maxBytes());
        byte[] cardBytes = BoundedFile.read(card, CardLimits.FILE_BYTES);
        String name = String.valueOf(file.toAbsolutePath().normalize().getFileName());
        String cardName = String.valueOf(card.getFileName());
        return write(
                file.toString(),
                "model",
                List.of(
                        name.getBytes(StandardCharsets.UTF_8),
                        model,
                        cardName.getBytes(StandardCharsets.UTF_8),
                        cardBytes),
                2);
    }

    /** Reads an MLflow model directory's files into a bundle. */
    static byte[] pack(Path directory) {
        String source = directory.toString();
        List<String> files;
        MlflowFlavor flavor;
        try {
            flavor = MlflowDirectory.read(directory).flavor();
            files = new ArrayList<>(MlflowDirectory.files(directory));
        } catch (MlflowFormatException e) {
            throw ModelException.unusable(source, e.getMessage(), e);
        }
        while (files.size() < 3) {
            files.add(null); // no input example: the card, if any, keeps its place
        }
        Path root;
        try {
            root = directory.toRealPath();
        } catch (IOException e) {
            throw ModelException.unusable(
                    source, "cannot read the folder (" + e.getClass().getSimpleName() + ")", e);
        }
        Path dirName = directory.toAbsolutePath().normalize().getFileName();
        if (Files.isRegularFile(root.resolve(CardBeside.IN_DIRECTORY))) {
            files.add(CardBeside.IN_DIRECTORY);
        }
        List<byte[]> parts = new ArrayList<>();
        int count = 0;
        for (int f = 0; f < files.size(); f++) {
            String file = files.get(f);
            if (file == null) {
                continue;
            }
            Path path = root.resolve(file);
            // MLmodel, the artifact (bounded as its format's load bounds it), the input example
            byte[] bytes = f == 0
                    ? BoundedFile.read(path, MlflowLimits.DEFAULT.maxMlmodelBytes())
                    : f == 2
                            ? BoundedFile.read(path, MlflowLimits.DEFAULT.maxExampleBytes())
                            : f == 3
                                    ? BoundedFile.read(path, CardLimits.FILE_BYTES)
                                    : flavor == MlflowFlavor.ONNX
                                            ? OnnxModelLoader.bytes(path)
                                            : BoundedFile.read(path, ForestLimits.DEFAULT.maxBytes());
            parts.add(file.getBytes(StandardCharsets.UTF_8));
            parts.add(bytes);
            count++;
        }
        return write(source, dirName == null ? "model" : dirName.toString(), parts, count);
    }

    /** The bundle of {@code count} files, each a path's bytes then its contents in {@code parts}. */
    private static byte[] write(String source, String folder, List<byte[]> parts, int count) {
        byte[] name = folder.getBytes(StandardCharsets.UTF_8);
        long size = MAGIC.length + 4L + name.length + 4L;
        for (byte[] part : parts) {
            size += 4L + part.length;
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw ModelException.unusable(
                    source, "its files come to " + size + " bytes; a model is read up to 2 GB", null);
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        out.put(MAGIC).putInt(name.length).put(name).putInt(count);
        for (byte[] part : parts) {
            out.putInt(part.length).put(part);
        }
        return out.array();
    }

    /**
     * Loads a bundle's model.
     *
     * @param source what to name the bytes by in a refusal (the directory's name)
     */
    static Model load(byte[] bundle, String source) {
        ByteBuffer in = ByteBuffer.wrap(bundle);
        in.position(MAGIC.length);
        String name = name(text(in, source, "the directory's name"), source, "the directory's name");
        int count = length(in, source, "the number of files");
        if (count < 1 || count > MAX_FILES) {
            throw refused(source, "it holds " + count + " files; a bundle holds 1 to " + MAX_FILES);
        }
        List<String> paths = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int f = 0; f < count; f++) {
            String path = text(in, source, "file " + (f + 1) + "'s path");
            if (path.length() > MAX_PATH) {
                throw refused(source, "file " + (f + 1) + "'s path is longer than " + MAX_PATH + " characters");
            }
            for (String part : path.split("/", -1)) {
                name(part, source, "file " + (f + 1) + "'s path");
            }
            if (!seen.add(path)) {
                throw refused(source, "file " + (f + 1) + "'s path is another file's");
            }
            paths.add(path);
            contents.add(bytes(in, source, "file " + (f + 1)));
        }
        if (in.hasRemaining()) {
            throw refused(source, "it has " + in.remaining() + " bytes past its last file");
        }
        boolean mlflow = paths.contains(MlflowDirectory.MLMODEL);
        if (!mlflow
                && (count != 2
                        || !paths.get(1).endsWith(CardBeside.SUFFIX)
                        || paths.get(0).contains("/"))) {
            throw refused(source, "it holds no MLmodel file, nor one model file and its card");
        }
        Path folder = null;
        try {
            folder = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    ? Files.createTempDirectory(
                            "tabserve-mlflow-",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                    : Files.createTempDirectory("tabserve-mlflow-");
            Path directory = folder.resolve(name);
            Files.createDirectory(directory);
            for (int f = 0; f < paths.size(); f++) {
                Path file = directory.resolve(paths.get(f)).normalize();
                if (!file.startsWith(directory)) {
                    throw refused(source, "file " + (f + 1) + "'s path leads out of the directory");
                }
                Files.createDirectories(file.getParent());
                Files.write(file, contents.get(f), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
            if (mlflow) {
                return MlflowModels.load(directory);
            }
            // One model file and its card: the file's kind says its reader, as the loader tells it.
            byte[] model = contents.get(0);
            return switch (FileKind.of(model, Math.min(model.length, 64))) {
                case XGBOOST -> ForestFiles.withCard(directory.resolve(paths.get(0)), ValueType.FLOAT);
                case LIGHTGBM -> ForestFiles.withCard(directory.resolve(paths.get(0)), ValueType.DOUBLE);
                case ONNX, MLFLOW ->
                    throw refused(
                            source,
                            "its model file is no XGBoost or LightGBM file, the only"
                                    + " kinds a card beside travels with");
            };
        } catch (IOException e) {
            throw ModelException.unusable(
                    source,
                    "cannot write its files to a temporary folder ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        } finally {
            deleteQuietly(folder);
        }
    }

    private static String name(String name, String source, String field) {
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw refused(source, field + " is not a name of a file inside a folder");
        }
        return name;
    }

    private static int length(ByteBuffer in, String source, String field) {
        if (in.remaining() < 4) {
            throw refused(source, "it ends before " + field);
        }
        int length = in.getInt();
        if (length < 0) {
            throw refused(source, field + " is negative");
        }
        return length;
    }

    private static byte[] bytes(ByteBuffer in, String source, String field) {
        int length = length(in, source, field + "'s length");
        if (length > in.remaining()) {
            throw refused(source, field + " is " + length + " bytes long where " + in.remaining() + " remain");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static String text(ByteBuffer in, String source, String field) {
        return new String(bytes(in, source, field), StandardCharsets.UTF_8);
    }

    private static ModelException refused(String source, String why) {
        return ModelException.unusable(source, "its bytes are no whole model bundle: " + why, null);
    }

    private static void deleteQuietly(Path folder) {
        if (folder == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a temporary folder left behind costs the model's size on disk, never an answer
        }
    }
}
