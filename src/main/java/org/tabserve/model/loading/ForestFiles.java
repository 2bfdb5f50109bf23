package org.tabserve.model.loading;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ValueType;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.model.trees.NativeModel;
import org.tabserve.model.trees.TrainedForest;
import org.tabserve.model.trees.lightgbm.LightgbmReader;
import org.tabserve.model.trees.xgboost.XgboostReader;

/**
 * Reads an XGBoost or LightGBM file into a {@link NativeModel}, within {@link ForestLimits#DEFAULT}: the file read
 * bounded ({@link BoundedFile}), its reader's refusal turned into the load's, and the card the file gives (its name,
 * what wrote it, what it records of its training).
 */
final class ForestFiles {

    private static final System.Logger LOG = System.getLogger(ForestFiles.class.getName());

    private ForestFiles() {}

    /** Reads a tree file of either library into a model named {@code name}. */
    static NativeModel read(Path file, String name, ValueType answerType) {
        byte[] bytes = BoundedFile.read(file, ForestLimits.DEFAULT.maxBytes());
        return read(bytes, file.toString(), file.getFileName().toString(), name, answerType);
    }

    /**
     * Reads a tree file's bytes (whatever their length: the reader bounds them) into a model named {@code name}.
     *
     * @param source   where they were read from, for the model and its refusals
     * @param fileName the file's name, for the reader's words
     */
    static NativeModel read(byte[] bytes, String source, String fileName, String name, ValueType answerType) {
        ForestLimits limits = ForestLimits.DEFAULT;
        try {
            TrainedForest forest = answerType == ValueType.FLOAT
                    ? XgboostReader.read(bytes, fileName, limits)
                    : LightgbmReader.read(bytes, fileName, limits);
            return NativeModel.of(forest, source, sha256(bytes), card(forest, name), answerType);
        } catch (ForestFormatException e) {
            throw ModelException.unusable(source, e.getMessage(), e);
        } catch (StackOverflowError e) {
            throw ModelException.unusable(source, "it is nested too deeply to be read", e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, source + ": reading it failed unexpectedly", e);
            throw ModelException.unexpected(source, "this model", e);
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

    /**
     * Reads a tree file of either library, with the card beside it if there is one ({@link CardBeside}).
     *
     * @param answerType {@link ValueType#FLOAT} for XGBoost's file, {@link ValueType#DOUBLE} for LightGBM's
     */
    static NativeModel withCard(Path file, ValueType answerType) {
        return NativeCards.withCard(read(file, fileName(file), answerType), CardBeside.of(file), answerType);
    }

    /**
     * The name of a model whose file names none: the file's name without its format's extension, and for a file named
     * {@code model.*} in a version directory ({@code NAME/2/model.json}) its model's name.
     */
    static String fileName(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        String stem = fileName(String.valueOf(absolute.getFileName()));
        Path folder = absolute.getParent();
        if (stem.equals("model")
                && folder != null
                && folder.getFileName() != null
                && folder.getFileName().toString().matches("\\d+")
                && folder.getParent() != null
                && folder.getParent().getFileName() != null) {
            return folder.getParent().getFileName().toString();
        }
        return stem;
    }

    /** A file's name without the extension of its format. */
    static String fileName(String name) {
        return name.replaceFirst("\\.(json|ubj|txt|lgb|bst|model|xgb)$", "");
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
