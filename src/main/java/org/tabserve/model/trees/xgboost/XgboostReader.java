package org.tabserve.model.trees.xgboost;

import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.model.trees.TrainedForest;

/**
 * Reads an XGBoost model file, JSON or UBJSON ({@code save_model("model.json")}, {@code save_model("model.ubj")},
 * XGBoost 1.7 to 3.x), into a {@link TrainedForest} that answers as XGBoost's own predict does, to the bit.
 */
public final class XgboostReader {

    private XgboostReader() {}

    /**
     * @param file     the file's bytes
     * @param fileName its name, for the refusal's words only: the format is told by the content
     * @param limits   the bounds it is read within
     * @return the forest
     * @throws ForestFormatException when the file is malformed, past a bound, or a model tabserve does not serve
     */
    public static TrainedForest read(byte[] file, String fileName, ForestLimits limits) {
        if (file.length > limits.maxBytes()) {
            throw new ForestFormatException(
                    "the model file is larger than the reader's bound of " + limits.maxBytes() + " bytes");
        }
        Tokens tokens = isUbjson(file) ? new UbjsonTokens(file, limits) : new JsonTokens(file, limits);
        try {
            return new ForestBuilder(limits).build(LearnerReader.read(tokens, limits));
        } catch (ForestFormatException e) {
            throw new ForestFormatException(fileName + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return whether the bytes are UBJSON: an object whose first key's length follows its brace as a type marker,
     *         where JSON has a quote, a space or the closing brace
     */
    static boolean isUbjson(byte[] file) {
        if (file.length < 2 || file[0] != '{') {
            return false;
        }
        return switch (file[1]) {
            case 'i', 'U', 'I', 'l', 'L', '$', '#', 'N' -> true;
            default -> false;
        };
    }
}
