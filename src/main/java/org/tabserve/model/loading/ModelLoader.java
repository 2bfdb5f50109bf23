package org.tabserve.model.loading;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.tabserve.model.Model;
import org.tabserve.model.mlflow.MlflowDirectory;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ValueType;
import org.tabserve.model.trees.ForestLimits;

/**
 * Loads a model from a file or a folder, whatever its format, the one way the repository, the web app and the
 * commands get a model: an ONNX file through {@link OnnxModelLoader}, an XGBoost JSON or UBJSON file and a LightGBM
 * text file through their readers into a {@link NativeModel}, an MLflow model directory through its flavor's. The
 * format is told by the file's first bytes, never by its name alone ({@link FileKind}). A model whose file carries no
 * card inside has its card beside it ({@link CardBeside}), read as an ONNX file's metadata is. A caller that reads a
 * model on one machine and loads it on others (the Spark connector) reads it with {@link #bytes} and loads those with
 * {@link #load(byte[], String)}, the same readers.
 */
public final class ModelLoader {

    private ModelLoader() {}

    /**
     * @param path a model file, or an MLflow model directory
     * @return a model ready to predict
     * @throws ModelException of kind {@link ModelException.Kind#UNUSABLE_MODEL} naming the file and why it is refused
     */
    public static Model load(Path path) {
        return switch (FileKind.of(path)) {
            case ONNX -> OnnxModelLoader.load(path);
            case XGBOOST -> ForestFiles.withCard(path, ValueType.FLOAT);
            case LIGHTGBM -> ForestFiles.withCard(path, ValueType.DOUBLE);
            case MLFLOW -> MlflowModels.load(path);
        };
    }

    /**
     * @param path a model file, or an MLflow model directory
     * @return where its card file is ({@link CardBeside#of}) when the model's file carries no card inside (an XGBoost
     *         or LightGBM file, an MLflow directory); empty for an ONNX file, whose card is its metadata
     */
    public static java.util.Optional<Path> cardBeside(Path path) {
        return FileKind.of(path) == FileKind.ONNX
                ? java.util.Optional.empty()
                : java.util.Optional.of(CardBeside.of(path));
    }

    /**
     * The bytes of one model file, for a caller that loads them elsewhere with {@link #load(byte[], String)} (the
     * Spark connector's driver broadcasts them to its executors), read as {@link #load(Path)} reads the file before a
     * byte is parsed: an ONNX file as {@link OnnxModelLoader#bytes} (a regular file of at most 2 GB, unchanged while it
     * was read), an XGBoost or LightGBM file as its reader's (a regular file within {@link ForestLimits#DEFAULT}'s
     * bytes, unchanged while it was read). An MLflow model directory's files that a load reads (MLmodel, the flavor's
     * artifact, the input example, its card) come as one bundle of them ({@link ModelBundle}), and so does a file with
     * its card beside it.
     *
     * @param path a model file, or an MLflow model directory
     * @throws ModelException of kind {@link ModelException.Kind#UNUSABLE_MODEL} naming the file and why it is refused
     */
    public static byte[] bytes(Path path) {
        return switch (FileKind.of(path)) {
            case ONNX -> OnnxModelLoader.bytes(path);
            case XGBOOST, LIGHTGBM ->
                Files.isRegularFile(CardBeside.of(path))
                        ? ModelBundle.packWithCard(path, CardBeside.of(path))
                        : BoundedFile.read(path, ForestLimits.DEFAULT.maxBytes());
            case MLFLOW -> {
                if (!MlflowDirectory.isMlflowDirectory(path)) {
                    throw ModelException.unusable(path.toString(), "it is a folder with no MLmodel file", null);
                }
                yield ModelBundle.pack(path);
            }
        };
    }

    /**
     * Loads a model from a model file's bytes ({@link #bytes}), by their first bytes as {@link #load(Path)} tells a
     * file's format: an XGBoost or LightGBM file read from them (within {@link ForestLimits#DEFAULT}), an ONNX file
     * from a temporary copy only this process can read, deleted once loaded, an MLflow model's bundle from its files
     * written in such a folder, loaded as the directory is.
     *
     * @param bytes    a model file's bytes, whole, or an MLflow model directory's bundle
     * @param fileName the name of the file or directory they were read from: the model's name where the model names
     *                 none, as for {@link #load(Path)}
     * @return a model ready to predict, whose source is {@code fileName}
     * @throws ModelException of kind {@link ModelException.Kind#UNUSABLE_MODEL} naming the file and why it is refused
     */
    public static Model load(byte[] bytes, String fileName) {
        String name = fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            name = "model";
        }
        String modelName = ForestFiles.fileName(name);
        if (ModelBundle.is(bytes)) {
            return ModelBundle.load(bytes, name);
        }
        return switch (FileKind.of(bytes, Math.min(bytes.length, 64))) {
            case XGBOOST -> ForestFiles.read(bytes, name, name, modelName, ValueType.FLOAT);
            case LIGHTGBM -> ForestFiles.read(bytes, name, name, modelName, ValueType.DOUBLE);
            case ONNX, MLFLOW -> onnx(bytes, name);
        };
    }

    /** An ONNX file's bytes loaded from a file in a new folder only this process's user can open. */
    private static Model onnx(byte[] bytes, String name) {
        Path folder = null;
        Path file = null;
        try {
            folder = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    ? Files.createTempDirectory(
                            "tabserve-",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                    : Files.createTempDirectory("tabserve-");
            file = folder.resolve(name.matches("[A-Za-z0-9._-]{1,200}") && !name.startsWith(".") ? name : "model.onnx");
            Files.write(file, bytes);
            // The loader reads the file into a private copy of its own (PrivateCopy): this one is needed no longer.
            return OnnxModelLoader.load(file);
        } catch (IOException e) {
            throw ModelException.unusable(
                    name,
                    "cannot write its bytes to a temporary file ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        } finally {
            try {
                if (file != null) {
                    Files.deleteIfExists(file);
                }
                if (folder != null) {
                    Files.deleteIfExists(folder);
                }
            } catch (IOException e) {
                // a temporary folder left behind costs the model's size on disk, never an answer
            }
        }
    }
}
