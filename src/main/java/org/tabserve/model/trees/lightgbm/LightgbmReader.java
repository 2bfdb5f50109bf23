package org.tabserve.model.trees.lightgbm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.trees.ForestFeature;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.model.trees.TrainedForest;

/**
 * Reads a LightGBM text model ({@code booster.save_model("model.txt")}, LightGBM 3 and 4) into a forest answering as
 * LightGBM's own predict does, refusing a hostile or unservable file with a {@link ForestFormatException} in words.
 */
public final class LightgbmReader {

    private LightgbmReader() {}

    /**
     * @param file     the model file's bytes
     * @param fileName its name, for the messages of a refusal
     * @param limits   the bounds it is read within
     * @return the forest the file holds
     * @throws ForestFormatException when the file is malformed, past a bound or not servable (ranking, custom)
     */
    public static TrainedForest read(byte[] file, String fileName, ForestLimits limits) {
        try {
            return readChecked(file, limits);
        } catch (ForestFormatException e) {
            throw new ForestFormatException("LightGBM model " + fileName + ": " + e.getMessage(), e);
        }
    }

    private static TrainedForest readChecked(byte[] file, ForestLimits limits) {
        if (file.length > limits.maxBytes()) {
            throw new ForestFormatException("the file is larger than the limit of " + limits.maxBytes() + " bytes");
        }
        ModelLines lines = new ModelLines(file);
        ModelHeader header = ModelHeader.read(lines, limits);
        if (header.objective == null) {
            throw new ForestFormatException("the file names no objective: it was trained with a custom objective,"
                    + " whose raw scores only the training code can transform");
        }
        Objective objective = Objective.parse(header.objective, header.numClass);
        LgbmTree[] trees = trees(lines, header, limits);
        if (trees.length % header.treesPerIteration != 0) {
            throw new ForestFormatException("the trees are not a whole number of iterations of num_tree_per_iteration");
        }
        ModelTail tail = ModelTail.read(lines, limits, header.features);
        List<ForestFeature> features = FeatureList.build(header, trees, tail, limits);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("version", header.version);
        facts.put("objective", header.objective.trim());
        facts.put("num_class", Integer.toString(header.numClass));
        facts.put("iterations", Integer.toString(trees.length / header.treesPerIteration));
        put(facts, "boosting", tail.parameters.get("boosting"));
        put(facts, "num_iterations", tail.parameters.get("num_iterations"));
        put(facts, "learning_rate", tail.parameters.get("learning_rate"));
        if (header.averageOutput) {
            facts.put("average_output", "true");
        }
        for (LgbmTree tree : trees) {
            if (tree.linear()) {
                facts.put("linear_tree", "true");
                break;
            }
        }
        return new LightgbmForest(
                header.version,
                objective,
                header.objective.trim(),
                features,
                trees,
                header.averageOutput,
                java.util.Collections.unmodifiableMap(facts));
    }

    private static void put(Map<String, String> facts, String key, String value) {
        if (value != null && !value.isEmpty() && value.length() <= 200) {
            facts.put(key, value);
        }
    }

    private static LgbmTree[] trees(ModelLines lines, ModelHeader header, ForestLimits limits) {
        TreeParser parser = new TreeParser(limits, header.features);
        List<LgbmTree> trees = new ArrayList<>();
        long[] sizes = header.treeSizes;
        int first = -1;
        long offset = 0;
        while (true) {
            int position = lines.position();
            if (!lines.next()) {
                throw new ForestFormatException("the file ends before 'end of trees': it is truncated");
            }
            if (lines.is("end of trees")) {
                if (sizes != null && (sizes.length != trees.size() || (first >= 0 && position - first != offset))) {
                    throw new ForestFormatException("tree_sizes does not match the trees the file holds");
                }
                break;
            }
            if (lines.isEmpty()) {
                continue;
            }
            if (!lines.startsWith("Tree=")) {
                throw new ForestFormatException("line " + lines.number() + " is neither a tree nor 'end of trees'");
            }
            int index = TextNumbers.parseInt(lines.bytes(), lines.start() + 5, lines.end(), "Tree=");
            if (index != trees.size()) {
                throw new ForestFormatException("the trees are not numbered 0, 1, 2, … in order");
            }
            if (index >= limits.maxTrees()) {
                throw new ForestFormatException("the file holds more trees than the limit of " + limits.maxTrees());
            }
            if (first < 0) {
                first = position;
            }
            if (sizes != null) {
                if (index >= sizes.length || position - first != offset) {
                    throw new ForestFormatException("tree_sizes does not match the trees the file holds");
                }
                offset += sizes[index];
            }
            trees.add(parser.read(lines, index));
        }
        if (trees.isEmpty()) {
            throw new ForestFormatException("the file holds no trees");
        }
        return trees.toArray(new LgbmTree[0]);
    }
}
