package org.tabserve.model.trees;

/**
 * The bounds a forest file is read within, each checked before what it bounds costs memory: a model file is data from
 * outside, and a small heap ({@code -Xmx128m}) serves it. A file past one is refused naming the bound.
 *
 * @param maxBytes      the largest file read
 * @param maxNesting    the deepest nesting of a JSON or UBJSON document
 * @param maxTrees      the most trees in a forest
 * @param maxNodes      the most nodes in all its trees together
 * @param maxDepth      the longest path from a root to a leaf
 * @param maxCategories the most categories of one feature, and the most a split may name
 * @param maxFeatures   the most features
 */
public record ForestLimits(
        long maxBytes, int maxNesting, int maxTrees, int maxNodes, int maxDepth, int maxCategories, int maxFeatures) {

    /**
     * What a server reads by default: a 32 MB file, 20,000 trees, 500,000 nodes, 512 levels, 65,536 categories. Reading
     * holds the file and about 45 bytes a node at once (measured on XGBoost files), so a file at both bounds costs about
     * 55 MB while it loads: within the shipped {@code -Xmx128m} beside a serving model.
     */
    public static final ForestLimits DEFAULT = new ForestLimits(32L << 20, 64, 20_000, 500_000, 512, 65_536, 100_000);
}
