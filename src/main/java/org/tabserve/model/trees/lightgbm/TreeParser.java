package org.tabserve.model.trees.lightgbm;

import java.util.HashMap;
import java.util.Map;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;

/**
 * Reads one {@code Tree=} block of a LightGBM text model ({@code Tree(const char*)}'s fields) into an
 * {@link LgbmTree}, refusing what LightGBM would misread: counts that the arrays do not hold, children out of range,
 * shared or cyclic children, paths deeper than the limit, NaN thresholds, bitsets past the category limit.
 */
final class TreeParser {

    /** LightGBM writes at most 22 fields a tree; a few more are tolerated, not an unbounded number. */
    private static final int MAX_FIELDS = 40;

    private final ForestLimits limits;
    private final int features;
    private int nodes;

    TreeParser(ForestLimits limits, int features) {
        this.limits = limits;
        this.features = features;
    }

    /** @return the nodes read so far, over all trees */
    int nodes() {
        return nodes;
    }

    /** Reads the block whose {@code Tree=} line {@code lines} just read, up to its blank line. */
    LgbmTree read(ModelLines lines, int index) {
        Map<String, int[]> fields = new HashMap<>();
        while (true) {
            int position = lines.position();
            int number = lines.number() + 1;
            if (!lines.next() || lines.isEmpty()) {
                break;
            }
            if (lines.startsWith("Tree=") || lines.is("end of trees")) {
                lines.rewind(position, number);
                break;
            }
            int eq = lines.equalsSign();
            if (eq < 0) {
                throw new ForestFormatException(
                        "tree " + index + " has a line without '=' (line " + lines.number() + ")");
            }
            String key = lines.text(lines.start(), Math.min(eq, lines.start() + 64));
            if (fields.put(key, new int[] {eq + 1, lines.end()}) != null) {
                throw new ForestFormatException("tree " + index + " gives its field " + safe(key) + " twice");
            }
            if (fields.size() > MAX_FIELDS) {
                throw new ForestFormatException("tree " + index + " has more than " + MAX_FIELDS + " fields");
            }
        }
        return build(lines.bytes(), fields, index);
    }

    private LgbmTree build(byte[] b, Map<String, int[]> f, int index) {
        String at = " of tree " + index;
        int numLeaves =
                TextNumbers.parseInt(b, need(f, "num_leaves", index)[0], f.get("num_leaves")[1], "num_leaves" + at);
        int numCat = TextNumbers.parseInt(b, need(f, "num_cat", index)[0], f.get("num_cat")[1], "num_cat" + at);
        if (numLeaves < 1) {
            throw new ForestFormatException("num_leaves" + at + " is below 1");
        }
        long cost = 2L * numLeaves - 1;
        if (cost > limits.maxNodes() - (long) nodes) {
            throw new ForestFormatException(
                    "num_leaves" + at + " takes the forest past the limit of " + limits.maxNodes() + " nodes");
        }
        nodes += (int) cost;
        int inner = numLeaves - 1;
        if (numCat < 0 || numCat > inner) {
            throw new ForestFormatException("num_cat" + at + " is not between 0 and the tree's splits");
        }
        boolean linear = f.containsKey("is_linear") && flag(b, f.get("is_linear"), "is_linear" + at);
        double[] leafValue = doubles(b, need(f, "leaf_value", index), numLeaves, "leaf_value", at);
        int[] split = new int[0];
        double[] threshold = new double[0];
        byte[] type = new byte[0];
        int[] left = new int[0];
        int[] right = new int[0];
        int[] catBoundaries = new int[0];
        int[] catThreshold = new int[0];
        if (numLeaves > 1) {
            split = ints(b, need(f, "split_feature", index), inner, "split_feature", at);
            int[] t = need(f, "threshold", index);
            threshold = TextNumbers.doubles(b, t[0], t[1], inner, "threshold" + at, true, "num_leaves");
            left = ints(b, need(f, "left_child", index), inner, "left_child", at);
            right = ints(b, need(f, "right_child", index), inner, "right_child", at);
            type = decisionTypes(b, f.get("decision_type"), inner, numCat, at);
            if (numCat > 0) {
                catBoundaries = ints(b, need(f, "cat_boundaries", index), numCat + 1, "cat_boundaries", at);
                catThreshold = bitsets(b, need(f, "cat_threshold", index), catBoundaries, at);
            }
            for (int i = 0; i < inner; i++) {
                if (split[i] < 0 || split[i] >= features) {
                    throw new ForestFormatException("split_feature" + at + " names a feature the model does not have");
                }
                checkThreshold(threshold[i], (type[i] & LgbmTree.CATEGORICAL) != 0 && numCat > 0, numCat, at);
            }
            TreeShape.check(left, right, numLeaves, limits.maxDepth(), at);
        } else if (numCat != 0) {
            throw new ForestFormatException("num_cat" + at + " names categorical splits in a tree without splits");
        }
        double[] leafConst = null;
        int[][] leafFeatures = null;
        double[][] leafCoeff = null;
        if (linear) {
            leafConst = doubles(b, need(f, "leaf_const", index), numLeaves, "leaf_const", at);
            int[] counts = ints(b, need(f, "num_features", index), numLeaves, "num_features", at);
            long total = 0;
            for (int c : counts) {
                if (c < 0 || c > features) {
                    throw new ForestFormatException(
                            "num_features" + at + " gives a leaf more features than the model has");
                }
                total += c;
            }
            if (total > limits.maxNodes() - (long) nodes) {
                throw new ForestFormatException("num_features" + at + " takes the forest past the limit of "
                        + limits.maxNodes() + " nodes and coefficients");
            }
            nodes += (int) total;
            int[] flatFeatures = total == 0
                    ? new int[0]
                    : ints(b, need(f, "leaf_features", index), (int) total, "leaf_features", at);
            double[] flatCoeff = total == 0
                    ? new double[0]
                    : doubles(b, need(f, "leaf_coeff", index), (int) total, "leaf_coeff", at);
            leafFeatures = new int[numLeaves][];
            leafCoeff = new double[numLeaves][];
            int from = 0;
            for (int leaf = 0; leaf < numLeaves; leaf++) {
                leafFeatures[leaf] = java.util.Arrays.copyOfRange(flatFeatures, from, from + counts[leaf]);
                leafCoeff[leaf] = java.util.Arrays.copyOfRange(flatCoeff, from, from + counts[leaf]);
                from += counts[leaf];
                for (int feature : leafFeatures[leaf]) {
                    if (feature < 0 || feature >= features) {
                        throw new ForestFormatException(
                                "leaf_features" + at + " names a feature the model does not have");
                    }
                }
            }
        }
        return new LgbmTree(
                numLeaves,
                split,
                threshold,
                type,
                left,
                right,
                leafValue,
                catBoundaries,
                catThreshold,
                leafConst,
                leafFeatures,
                leafCoeff);
    }

    private static void checkThreshold(double t, boolean categorical, int numCat, String at) {
        if (categorical && (t != Math.rint(t) || t < 0 || t >= numCat)) {
            throw new ForestFormatException("threshold" + at + " of a categorical split names no bitset of num_cat");
        }
    }

    private byte[] decisionTypes(byte[] b, int[] range, int inner, int numCat, String at) {
        byte[] type = new byte[inner];
        if (range == null) {
            return type;
        }
        int[] raw = ints(b, range, inner, "decision_type", at);
        for (int i = 0; i < inner; i++) {
            if (raw[i] < 0 || raw[i] > 15 || ((raw[i] >> 2) & 3) == 3) {
                throw new ForestFormatException("decision_type" + at + " holds a value LightGBM does not write");
            }
            if ((raw[i] & LgbmTree.CATEGORICAL) != 0 && numCat == 0) {
                throw new ForestFormatException("decision_type" + at + " marks a categorical split but num_cat is 0");
            }
            type[i] = (byte) raw[i];
        }
        return type;
    }

    private int[] bitsets(byte[] b, int[] range, int[] boundaries, String at) {
        long wordsPerSplit = (limits.maxCategories() + 31L) / 32;
        if (boundaries[0] != 0) {
            throw new ForestFormatException("cat_boundaries" + at + " does not start at 0");
        }
        for (int i = 1; i < boundaries.length; i++) {
            long words = (long) boundaries[i] - boundaries[i - 1];
            if (words < 0) {
                throw new ForestFormatException("cat_boundaries" + at + " goes backwards");
            }
            if (words > wordsPerSplit) {
                throw new ForestFormatException("cat_threshold" + at
                        + " has a bitset of more categories than the limit of " + limits.maxCategories());
            }
        }
        int total = boundaries[boundaries.length - 1];
        if (total > limits.maxNodes() - (long) nodes) {
            throw new ForestFormatException("cat_boundaries" + at + " takes the forest past the limit of "
                    + limits.maxNodes() + " nodes and bitset words");
        }
        nodes += total;
        int[] words = new int[total];
        int k = 0;
        int i = range[0];
        while (k < total) {
            while (i < range[1] && b[i] == ' ') {
                i++;
            }
            if (i >= range[1]) {
                throw new ForestFormatException("cat_threshold" + at + " holds fewer words than cat_boundaries says");
            }
            int s = i;
            while (i < range[1] && b[i] != ' ') {
                i++;
            }
            long word = parseWord(b, s, i, at);
            words[k++] = (int) word;
        }
        if (TextNumbers.count(b, i, range[1]) != 0) {
            throw new ForestFormatException("cat_threshold" + at + " holds more words than cat_boundaries says");
        }
        return words;
    }

    private static long parseWord(byte[] b, int s, int e, String at) {
        if (e - s > 10) {
            throw new ForestFormatException("cat_threshold" + at + " holds a word beyond 32 bits");
        }
        long word = 0;
        for (int j = s; j < e; j++) {
            int d = b[j] - '0';
            if (d < 0 || d > 9) {
                throw new ForestFormatException("cat_threshold" + at + " holds a value that is not a whole number");
            }
            word = word * 10 + d;
        }
        if (word > 0xFFFFFFFFL) {
            throw new ForestFormatException("cat_threshold" + at + " holds a word beyond 32 bits");
        }
        return word;
    }

    private static int[] need(Map<String, int[]> f, String key, int index) {
        int[] range = f.get(key);
        if (range == null) {
            throw new ForestFormatException("tree " + index + " has no " + key + " field");
        }
        return range;
    }

    private static boolean flag(byte[] b, int[] range, String field) {
        int v = TextNumbers.parseInt(b, range[0], range[1], field);
        if (v != 0 && v != 1) {
            throw new ForestFormatException(field + " is neither 0 nor 1");
        }
        return v == 1;
    }

    private static int[] ints(byte[] b, int[] range, int n, String key, String at) {
        return TextNumbers.ints(b, range[0], range[1], n, key + at, countOf(key));
    }

    private static double[] doubles(byte[] b, int[] range, int n, String key, String at) {
        return TextNumbers.doubles(b, range[0], range[1], n, key + at, false, countOf(key));
    }

    /** @return the field whose count says how many values {@code key} holds */
    private static String countOf(String key) {
        return switch (key) {
            case "cat_boundaries" -> "num_cat";
            case "leaf_features", "leaf_coeff" -> "num_features";
            default -> "num_leaves";
        };
    }

    private static String safe(String key) {
        return key.matches("[a-z_]{1,32}") ? key : "(a field)";
    }
}
