package org.tabserve.model.loading;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tabserve.model.Model;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ValueType;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.model.trees.NativeModel;
import org.tabserve.model.trees.TrainedForest;
import org.tabserve.model.trees.lightgbm.LightgbmReader;
import org.tabserve.model.trees.xgboost.XgboostReader;

/**
 * Loads a model from a file or a folder, whatever its format, the one way the repository, the web app and the
 * commands get a model: an ONNX file through {@link OnnxModelLoader}, an XGBoost JSON or UBJSON file and a LightGBM
 * text file through their readers into a {@link NativeModel}, an MLflow model directory through its flavor's. The
 * format is told by the file's first bytes, never by its name alone ({@link FileKind}).
 */
public final class ModelLoader {

    private static final System.Logger LOG = System.getLogger(ModelLoader.class.getName());

    private ModelLoader() {}

    /**
     * @param path a model file, or an MLflow model directory
     * @return a model ready to predict
     * @throws ModelException of kind {@link ModelException.Kind#UNUSABLE_MODEL} naming the file and why it is refused
     */
    public static Model load(Path path) {
        return switch (FileKind.of(path)) {
            case ONNX -> OnnxModelLoader.load(path);
            case XGBOOST -> forest(path, fileName(path), ValueType.FLOAT);
            case LIGHTGBM -> forest(path, fileName(path), ValueType.DOUBLE);
            case MLFLOW -> MlflowModels.load(path);
        };
    }

    /** Reads a tree file of either library into a model named {@code name}. */
    static NativeModel forest(Path file, String name, ValueType answerType) {
        String source = file.toString();
        ForestLimits limits = ForestLimits.DEFAULT;
        byte[] bytes = BoundedFile.read(file, limits.maxBytes());
        try {
            TrainedForest forest = answerType == ValueType.FLOAT
                    ? XgboostReader.read(bytes, file.getFileName().toString(), limits)
                    : LightgbmReader.read(bytes, file.getFileName().toString(), limits);
            return NativeModel.of(forest, source, sha256(bytes), card(forest, name), answerType);
        } catch (ForestFormatException e) {
            throw ModelException.unusable(source, e.getMessage(), e);
        } catch (StackOverflowError e) {
            throw ModelException.unusable(source, "it is nested too deeply to be read", e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, source + ": reading it failed unexpectedly", e);
            throw ModelException.unusable(
                    source,
                    "tabserve could not read this model (an unexpected failure: the server log has the details under"
                            + " the file's name)",
                    e);
        }
    }

    /** The card a tree file gives: its name, what wrote it, and what it records about its training. */
    static ModelCard card(TrainedForest forest, String name) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", forest.format());
        metadata.put("objective", forest.objective());
        metadata.put("trees", Integer.toString(forest.trees()));
        forest.facts().forEach(metadata::putIfAbsent);
        return ModelCard.builder(name, "")
                .producer(forest.writtenBy())
                .metadata(metadata)
                .build();
    }

    /** A file's name without the extension of its format, the name of a model whose file names none else. */
    static String fileName(Path file) {
        Path name = file.getFileName();
        String text = name == null ? file.toString() : name.toString();
        return text.replaceFirst("\\.(json|ubj|txt|lgb|bst|model)$", "");
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Which reader a path is for, by its first bytes (a folder: by its MLmodel file). */
    enum FileKind {
        ONNX,
        XGBOOST,
        LIGHTGBM,
        MLFLOW;

        static FileKind of(Path path) {
            if (Files.isDirectory(path)) {
                return MLFLOW;
            }
            if (!Files.isRegularFile(path)) {
                return ONNX; // never opened here (a FIFO would wait for a writer): its loader refuses it by kind
            }
            byte[] head = new byte[64];
            int n = 0;
            try (InputStream in = Files.newInputStream(path)) {
                for (int r; n < head.length && (r = in.read(head, n, head.length - n)) > 0; ) {
                    n += r;
                }
            } catch (IOException | RuntimeException e) {
                return ONNX; // its loader reads the file again and says what is wrong with it
            }
            int at = 0;
            while (at < n && (head[at] == ' ' || head[at] == '\n' || head[at] == '\r' || head[at] == '\t')) {
                at++;
            }
            if (at < n && head[at] == '{') {
                return XGBOOST; // JSON, or UBJSON's object marker
            }
            String text = new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (text.startsWith("tree\n") || text.startsWith("tree\r\n")) {
                return LIGHTGBM;
            }
            return ONNX;
        }
    }
}
