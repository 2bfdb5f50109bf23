package org.tabserve.model.trees.lightgbm;

import java.util.HashMap;
import java.util.Map;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;

/**
 * The lines of a LightGBM text model before its first tree ({@code GBDT::SaveModelToString}): the {@code tree} line,
 * then {@code key=value} lines (and the bare {@code average_output}), read as {@code LoadModelFromString} reads them
 * and checked: version, num_class, num_tree_per_iteration, max_feature_idx, objective, feature_names, feature_infos,
 * tree_sizes.
 */
final class ModelHeader {

    private static final int MAX_LINES = 64;

    final String version;
    final int numClass;
    final int treesPerIteration;
    final int features;
    final String objective;
    final boolean averageOutput;
    final String[] featureNames;
    final String[] featureInfos;
    /** The byte sizes of the trees, or null where the file gives none. */
    final long[] treeSizes;

    private ModelHeader(Map<String, String> v, ForestLimits limits) {
        version = need(v, "version");
        if (!version.matches("v[234]")) {
            throw new ForestFormatException("version is not a LightGBM model format this reader knows (v2, v3, v4)");
        }
        numClass = TextNumbers.parseInt(need(v, "num_class"), "num_class");
        if (numClass < 1 || numClass > limits.maxTrees()) {
            throw new ForestFormatException("num_class is below 1 or past the limit of trees");
        }
        treesPerIteration = v.containsKey("num_tree_per_iteration")
                ? TextNumbers.parseInt(v.get("num_tree_per_iteration"), "num_tree_per_iteration")
                : numClass;
        if (treesPerIteration != numClass) {
            throw new ForestFormatException("num_tree_per_iteration does not match num_class");
        }
        int maxFeatureIdx = TextNumbers.parseInt(need(v, "max_feature_idx"), "max_feature_idx");
        if (maxFeatureIdx < 0 || maxFeatureIdx >= limits.maxFeatures()) {
            throw new ForestFormatException(
                    "max_feature_idx is below 0 or past the limit of " + limits.maxFeatures() + " features");
        }
        features = maxFeatureIdx + 1;
        objective = v.get("objective");
        averageOutput = v.containsKey("average_output");
        featureNames = words(need(v, "feature_names"), "feature_names");
        featureInfos = words(need(v, "feature_infos"), "feature_infos");
        String sizes = v.get("tree_sizes");
        treeSizes = sizes == null ? null : treeSizes(sizes, limits);
    }

    /** Reads the header; {@code lines} then stands on the first {@code Tree=} line (or what ends the header). */
    static ModelHeader read(ModelLines lines, ForestLimits limits) {
        if (!lines.next() || !lines.is("tree")) {
            throw new ForestFormatException("the file is not a LightGBM text model: its first line is not 'tree'");
        }
        Map<String, String> values = new HashMap<>();
        int count = 0;
        while (true) {
            int position = lines.position();
            int number = lines.number() + 1;
            if (!lines.next()) {
                throw new ForestFormatException("the file ends before its first tree: it is truncated");
            }
            if (lines.startsWith("Tree=") || lines.is("end of trees")) {
                lines.rewind(position, number);
                break;
            }
            if (lines.isEmpty()) {
                continue;
            }
            if (++count > MAX_LINES) {
                throw new ForestFormatException("the header has more than " + MAX_LINES + " lines");
            }
            int eq = lines.equalsSign();
            String key = eq < 0 ? lines.text(lines.start(), lines.end()) : lines.text(lines.start(), eq);
            String value = eq < 0 ? "" : lines.text(eq + 1, lines.end());
            if (values.put(key, value) != null) {
                throw new ForestFormatException("the header gives a field twice");
            }
        }
        return new ModelHeader(values, limits);
    }

    private String[] words(String line, String field) {
        String[] words = line.trim().isEmpty() ? new String[0] : line.trim().split(" +");
        if (words.length != features) {
            throw new ForestFormatException(field + " does not name max_feature_idx + 1 features");
        }
        return words;
    }

    private long[] treeSizes(String line, ForestLimits limits) {
        byte[] b = line.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int n = TextNumbers.count(b, 0, b.length);
        if (n > limits.maxTrees()) {
            throw new ForestFormatException("tree_sizes names more trees than the limit of " + limits.maxTrees());
        }
        long[] sizes = new long[n];
        int i = 0;
        for (int k = 0; k < n; k++) {
            while (b[i] == ' ') {
                i++;
            }
            int s = i;
            while (i < b.length && b[i] != ' ') {
                i++;
            }
            sizes[k] = TextNumbers.parseInt(b, s, i, "tree_sizes");
            if (sizes[k] <= 0) {
                throw new ForestFormatException("tree_sizes holds a size below 1");
            }
        }
        return sizes;
    }

    private static String need(Map<String, String> v, String key) {
        String value = v.get(key);
        if (value == null) {
            throw new ForestFormatException("the header has no " + key + " field");
        }
        return value;
    }
}
