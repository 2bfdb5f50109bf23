package org.tabserve.model.loading;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ValueType;

/**
 * Loads a model from a file or a folder, whatever its format, the one way the repository, the web app and the
 * commands get a model: an ONNX file through {@link OnnxModelLoader}, an XGBoost JSON or UBJSON file and a LightGBM
 * text file through their readers into a {@link NativeModel}, an MLflow model directory through its flavor's. The
 * format is told by the file's first bytes, never by its name alone ({@link FileKind}). A model whose file carries no
 * card inside has its card beside it ({@link CardBeside}), read as an ONNX file's metadata is.
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
            case XGBOOST ->
                NativeCards.withCard(
                        ForestFiles.read(path, ForestFiles.fileName(path), ValueType.FLOAT),
                        CardBeside.of(path),
                        ValueType.FLOAT);
            case LIGHTGBM ->
                NativeCards.withCard(
                        ForestFiles.read(path, ForestFiles.fileName(path), ValueType.DOUBLE),
                        CardBeside.of(path),
                        ValueType.DOUBLE);
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
