package org.tabserve.model.onnx.plain;

import java.util.Arrays;

/**
 * A {@link TreeLayout}'s one-output trees walked by their distinct comparisons: each (feature, threshold) pair of the
 * ensemble is one condition, and a row's conditions are written once as bytes (1 where its value is above the
 * threshold, to the second child; per feature the 1s are the sorted thresholds below the value, so a row costs one
 * binary search and one copy a feature). A node is one int, its first child's slot times 65,536 plus its condition,
 * its two children side by side, so that a step is two loads and an add: {@code n = (w >>> 16) + condition[w &
 * 0xFFFF]}. A leaf is its own first child under condition 0, which is never 1, so that a walk may take its tree's
 * depth whatever leaf it reaches first. The comparisons are {@link TreeLayout}'s ({@code key(x) > key(t)}, a NaN
 * above every threshold), and each row's leaves are added in tree order, in float, as ONNX Runtime adds them.
 *
 * <p>Memory: 4 bytes a node and 4 a leaf's value (slots for eight trees' padding beside), 4 a condition; while rows
 * are walked, a byte a condition and a row, and 4 a tree.
 */
final class TreeConditions {

    /** Trees (one row) or rows (a batch) walked in step. */
    static final int IN_STEP = 8;

    /** A node's first child's slot above this many, its condition below. */
    private static final int SLOTS = 1 << 16;

    /** Each slot's int: its first child's slot times {@link #SLOTS} plus its condition. */
    private final int[] words;
    /** Each slot's leaf value (0 for a branch). */
    private final float[] value;
    /** Each tree's root slot. */
    private final int[] root;
    /** Each tree's steps from its root to its deepest leaf. */
    private final int[] depth;
    /** The root slot at each walk position of one row: the trees by depth, after padding to groups of eight. */
    private final int[] walkRoot;
    /** The tree at each walk position (past the ensemble's trees for padding, whose leaf is never added). */
    private final int[] walkTree;
    /** Each group of eight walk positions' steps: its deepest tree's depth. */
    private final int[] groupSteps;
    /** Each feature's first condition, and one past the last at the end: condition 0 is a leaf's. */
    private final int[] from;
    /** Each condition's threshold key, ascending within its feature. */
    private final int[] threshold;
    /** As many 1s as the most conditions of a feature, then as many 0s: a row's conditions are copied from it. */
    private final byte[] ones;

    private final int[] treeOutput;

    private TreeConditions(
            int[] words,
            float[] value,
            int[] root,
            int[] depth,
            int[] walkRoot,
            int[] walkTree,
            int[] groupSteps,
            int[] from,
            int[] threshold,
            int[] treeOutput) {
        this.words = words;
        this.value = value;
        this.root = root;
        this.depth = depth;
        this.walkRoot = walkRoot;
        this.walkTree = walkTree;
        this.groupSteps = groupSteps;
        this.from = from;
        this.threshold = threshold;
        this.treeOutput = treeOutput;
        int most = 0;
        for (int f = 0; f + 1 < from.length; f++) {
            most = Math.max(most, from[f + 1] - from[f]);
        }
        this.ones = new byte[2 * most];
        Arrays.fill(ones, 0, most, (byte) 1);
    }

    /**
     * @param width the features a row has that the trees read
     * @return the layout's trees by conditions, or null when its trees do not add one weight each to one output, or
     *         it has 65,536 slots or conditions or more
     */
    static TreeConditions of(TreeLayout layout, int width) {
        if (!layout.laidOut() || !layout.oneOutputTrees()) {
            return null;
        }
        int[] nodes = layout.nodes();
        int n = nodes.length / 4;
        int trees = layout.roots().length;
        int padded = (trees + IN_STEP - 1) / IN_STEP * IN_STEP;
        int[] from = new int[width + 1];
        int[] threshold = thresholds(nodes, width, from);
        if (n + padded - trees >= SLOTS || threshold == null || threshold.length >= SLOTS) {
            return null;
        }
        int[] words = new int[n + padded - trees];
        float[] value = new float[words.length];
        int[] root = new int[trees];
        int free = 0;
        int[] queue = new int[2 * n];
        for (int t = 0; t < trees; t++) {
            root[t] = free;
            free = place(layout, layout.roots()[t], free, queue, words, value, from, threshold);
            if (free < 0) { // a node reached twice (two parents): not a tree
                return null;
            }
        }
        int[] depth = layout.depth();
        Integer[] byDepth = new Integer[trees];
        for (int t = 0; t < trees; t++) {
            byDepth[t] = t;
        }
        Arrays.sort(byDepth, (a, b) -> Integer.compare(depth[a], depth[b]));
        int[] walkRoot = new int[padded];
        int[] walkTree = new int[padded];
        for (int p = 0; p < padded - trees; p++, free++) { // a padding tree: one leaf
            words[free] = free * SLOTS;
            walkRoot[p] = free;
            walkTree[p] = trees + p;
        }
        for (int t = 0; t < trees; t++) {
            walkRoot[padded - trees + t] = root[byDepth[t]];
            walkTree[padded - trees + t] = byDepth[t];
        }
        int[] groupSteps = new int[padded / IN_STEP];
        for (int p = 0; p < padded; p++) {
            int d = walkTree[p] < trees ? depth[walkTree[p]] : 0;
            groupSteps[p / IN_STEP] = Math.max(groupSteps[p / IN_STEP], d);
        }
        return new TreeConditions(
                words,
                value,
                root,
                depth.clone(),
                walkRoot,
                walkTree,
                groupSteps,
                from,
                threshold,
                layout.treeOutput());
    }

    /**
     * Lays one tree out breadth first from its root (a {@link TreeLayout} offset) at slot {@code free}, each branch's
     * children in the next two free slots.
     *
     * @return the next free slot, or -1 when the tree reaches more nodes than the layout has (a node of two parents)
     */
    private static int place(
            TreeLayout layout,
            int top,
            int free,
            int[] queue,
            int[] words,
            float[] value,
            int[] from,
            int[] threshold) {
        int[] nodes = layout.nodes();
        queue[0] = top; // pairs: the node's offset, its slot
        queue[1] = free++;
        for (int head = 0, tail = 2; head < tail; head += 2) {
            int o = queue[head];
            int slot = queue[head + 1];
            if (nodes[o + 2] == o) {
                words[slot] = slot * SLOTS;
                value[slot] = layout.leafValue()[nodes[o + 1]];
                continue;
            }
            if (free + 2 > nodes.length / 4) {
                return -1;
            }
            int f = nodes[o];
            words[slot] = free * SLOTS + Arrays.binarySearch(threshold, from[f], from[f + 1], nodes[o + 1]);
            queue[tail++] = nodes[o + 2];
            queue[tail++] = free++;
            queue[tail++] = nodes[o + 3];
            queue[tail++] = free++;
        }
        return free;
    }

    /**
     * @return each condition's threshold key (index 0 unused), ascending within each feature; each feature's first
     *         condition in {@code from}; null when a branch reads a feature past {@code width}
     */
    private static int[] thresholds(int[] nodes, int width, int[] from) {
        long[] pairs = new long[nodes.length / 4];
        int count = 0;
        for (int o = 0; o < nodes.length; o += 4) {
            if (nodes[o + 2] != o) {
                if (nodes[o] >= width) {
                    return null;
                }
                pairs[count++] = ((long) nodes[o] << 32) | (nodes[o + 1] - (long) Integer.MIN_VALUE);
            }
        }
        long[] sorted = Arrays.stream(pairs, 0, count).sorted().distinct().toArray();
        int[] threshold = new int[1 + sorted.length];
        int f = 0;
        from[0] = 1;
        for (int i = 0; i < sorted.length; i++) {
            int feature = (int) (sorted[i] >>> 32);
            while (f < feature) {
                from[++f] = 1 + i;
            }
            threshold[1 + i] = (int) (sorted[i] + Integer.MIN_VALUE);
        }
        while (f < width) {
            from[++f] = threshold.length;
        }
        return threshold;
    }

    /** @return the bytes one row's conditions take */
    int conditions() {
        return threshold.length;
    }

    /** @return the ints one row's leaves take ({@link #sumRow}) */
    int positions() {
        return walkRoot.length;
    }

    /**
     * Writes the conditions of the row at {@code x[at]} at {@code condition[to]}: per feature, a search of its
     * thresholds without a branch on the data, and one copy.
     */
    void conditionsOf(float[] x, int at, byte[] condition, int to) {
        int most = ones.length >>> 1;
        for (int f = 0; f + 1 < from.length; f++) {
            int lo = from[f];
            int hi = from[f + 1];
            if (lo == hi) {
                continue;
            }
            int key = TreeLayout.key(x[at + f]);
            int base = lo; // the first threshold at or above the key is in [base, base + n]
            for (int n = hi - lo; n > 1; ) {
                int half = n >>> 1;
                base = threshold[base + half] < key ? base + half : base;
                n -= half;
            }
            int below = base + (threshold[base] < key ? 1 : 0) - lo;
            System.arraycopy(ones, most - below, condition, to + lo, hi - lo);
        }
        condition[to] = 0;
    }

    /**
     * One row's sums per output (at {@code sums[0]}, zeroed here): its conditions written, then its trees eight at a
     * time in step, by depth (each eight to the deepest's depth), each tree's leaf kept and their values added in
     * tree order.
     *
     * @param condition {@link #conditions} bytes (written)
     * @param leaf      {@link #positions} ints (written)
     */
    void sumRow(float[] x, int at, byte[] condition, int[] leaf, float[] sums, int outputs) {
        conditionsOf(x, at, condition, 0);
        int[] w = words;
        byte[] c = condition;
        for (int g = 0, p = 0; g < groupSteps.length; g++, p += IN_STEP) {
            int n0 = walkRoot[p];
            int n1 = walkRoot[p + 1];
            int n2 = walkRoot[p + 2];
            int n3 = walkRoot[p + 3];
            int n4 = walkRoot[p + 4];
            int n5 = walkRoot[p + 5];
            int n6 = walkRoot[p + 6];
            int n7 = walkRoot[p + 7];
            for (int d = groupSteps[g]; d > 0; d--) { // each step's load and add together: C2 keeps that order
                int w0 = w[n0];
                n0 = (w0 >>> 16) + c[w0 & 0xFFFF];
                int w1 = w[n1];
                n1 = (w1 >>> 16) + c[w1 & 0xFFFF];
                int w2 = w[n2];
                n2 = (w2 >>> 16) + c[w2 & 0xFFFF];
                int w3 = w[n3];
                n3 = (w3 >>> 16) + c[w3 & 0xFFFF];
                int w4 = w[n4];
                n4 = (w4 >>> 16) + c[w4 & 0xFFFF];
                int w5 = w[n5];
                n5 = (w5 >>> 16) + c[w5 & 0xFFFF];
                int w6 = w[n6];
                n6 = (w6 >>> 16) + c[w6 & 0xFFFF];
                int w7 = w[n7];
                n7 = (w7 >>> 16) + c[w7 & 0xFFFF];
            }
            leaf[walkTree[p]] = n0;
            leaf[walkTree[p + 1]] = n1;
            leaf[walkTree[p + 2]] = n2;
            leaf[walkTree[p + 3]] = n3;
            leaf[walkTree[p + 4]] = n4;
            leaf[walkTree[p + 5]] = n5;
            leaf[walkTree[p + 6]] = n6;
            leaf[walkTree[p + 7]] = n7;
        }
        Arrays.fill(sums, 0, outputs, 0f);
        for (int t = 0; t < root.length; t++) {
            sums[treeOutput[t]] += value[leaf[t]];
        }
    }

    /**
     * Eight rows' sums per output ({@code sums[0, 8 × outputs)}, zeroed here), the rows {@code width} apart from
     * {@code x[at]}: their conditions written, then the eight down each tree in step, tree after tree, each tree to its
     * own depth, each row's leaf added as its tree is walked.
     *
     * @param condition 8 × {@link #conditions} bytes (written)
     */
    void sumEightRows(float[] x, int at, int width, byte[] condition, float[] sums, int outputs) {
        int size = threshold.length;
        for (int r = 0; r < IN_STEP; r++) {
            conditionsOf(x, at + r * width, condition, r * size);
        }
        Arrays.fill(sums, 0, IN_STEP * outputs, 0f);
        int[] w = words;
        byte[] c = condition;
        int c1 = size;
        int c2 = 2 * size;
        int c3 = 3 * size;
        int c4 = 4 * size;
        int c5 = 5 * size;
        int c6 = 6 * size;
        int c7 = 7 * size;
        for (int t = 0; t < root.length; t++) {
            int n0 = root[t];
            int n1 = n0;
            int n2 = n0;
            int n3 = n0;
            int n4 = n0;
            int n5 = n0;
            int n6 = n0;
            int n7 = n0;
            for (int d = depth[t]; d > 0; d--) {
                int w0 = w[n0];
                n0 = (w0 >>> 16) + c[w0 & 0xFFFF];
                int w1 = w[n1];
                n1 = (w1 >>> 16) + c[c1 + (w1 & 0xFFFF)];
                int w2 = w[n2];
                n2 = (w2 >>> 16) + c[c2 + (w2 & 0xFFFF)];
                int w3 = w[n3];
                n3 = (w3 >>> 16) + c[c3 + (w3 & 0xFFFF)];
                int w4 = w[n4];
                n4 = (w4 >>> 16) + c[c4 + (w4 & 0xFFFF)];
                int w5 = w[n5];
                n5 = (w5 >>> 16) + c[c5 + (w5 & 0xFFFF)];
                int w6 = w[n6];
                n6 = (w6 >>> 16) + c[c6 + (w6 & 0xFFFF)];
                int w7 = w[n7];
                n7 = (w7 >>> 16) + c[c7 + (w7 & 0xFFFF)];
            }
            int s = treeOutput[t];
            sums[s] += value[n0];
            sums[s + outputs] += value[n1];
            sums[s + 2 * outputs] += value[n2];
            sums[s + 3 * outputs] += value[n3];
            sums[s + 4 * outputs] += value[n4];
            sums[s + 5 * outputs] += value[n5];
            sums[s + 6 * outputs] += value[n6];
            sums[s + 7 * outputs] += value[n7];
        }
    }
}
