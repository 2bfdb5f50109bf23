package org.tabserve.model.trees.lightgbm;

/**
 * One LightGBM tree, checked when read ({@link TreeParser}), evaluated as LightGBM's {@code Tree::Predict} does:
 * internal nodes {@code 0 … num_leaves-2} from the root 0, a child below zero naming leaf {@code ~child}; each split
 * numerical ({@code NumericalDecision}) or, in a tree with categorical splits, by its categorical bit
 * ({@code CategoricalDecision}); a linear tree's leaf adds its coefficients times the row's values to its constant,
 * falling back to the leaf's value when one of them is missing.
 */
final class LgbmTree {

    /** LightGBM's {@code kZeroThreshold}: the float {@code 1e-35f} widened to double. */
    static final double ZERO_THRESHOLD = 1e-35f;

    static final int CATEGORICAL = 1;
    static final int DEFAULT_LEFT = 2;
    static final int MISSING_ZERO = 1;
    static final int MISSING_NAN = 2;

    final int numLeaves;
    final int[] splitFeature;
    final double[] threshold;
    final byte[] decisionType;
    final int[] left;
    final int[] right;
    final double[] leafValue;
    /** Whether {@code num_cat > 0}: LightGBM reads categorical bits only then. */
    final boolean categorical;

    final int[] catBoundaries;
    final int[] catThreshold;
    /** A linear tree's leaf constants, coefficients and the features they multiply; null for a constant-leaf tree. */
    final double[] leafConst;

    final int[][] leafFeatures;
    final double[][] leafCoeff;

    LgbmTree(
            int numLeaves,
            int[] splitFeature,
            double[] threshold,
            byte[] decisionType,
            int[] left,
            int[] right,
            double[] leafValue,
            int[] catBoundaries,
            int[] catThreshold,
            double[] leafConst,
            int[][] leafFeatures,
            double[][] leafCoeff) {
        this.numLeaves = numLeaves;
        this.splitFeature = splitFeature;
        this.threshold = threshold;
        this.decisionType = decisionType;
        this.left = left;
        this.right = right;
        this.leafValue = leafValue;
        this.categorical = catBoundaries.length > 0;
        this.catBoundaries = catBoundaries;
        this.catThreshold = catThreshold;
        this.leafConst = leafConst;
        this.leafFeatures = leafFeatures;
        this.leafCoeff = leafCoeff;
    }

    boolean linear() {
        return leafConst != null;
    }

    /**
     * A row's value as LightGBM's C API hands it to a tree: its dense-matrix reader keeps only values beyond
     * {@code kZeroThreshold} (or NaN), the rest of the tree's buffer being {@code 0.0}.
     */
    static double input(double v) {
        return Math.abs(v) > ZERO_THRESHOLD || Double.isNaN(v) ? v : 0.0;
    }

    /** @return the tree's output for {@code row}, as {@code Tree::Predict} */
    double predict(double[] row) {
        int leaf = numLeaves > 1 ? leaf(row) : 0;
        if (leafConst == null) {
            return leafValue[leaf];
        }
        double output = leafConst[leaf];
        int[] features = leafFeatures[leaf];
        double[] coeff = leafCoeff[leaf];
        for (int i = 0; i < features.length; i++) {
            double v = input(row[features[i]]);
            if (Double.isNaN(v)) {
                return leafValue[leaf];
            }
            output += coeff[i] * v;
        }
        return output;
    }

    /** @return the leaf {@code row} falls in ({@code Tree::GetLeaf}); the tree has a split */
    int leaf(double[] row) {
        int node = 0;
        while (node >= 0) {
            node = child(node, input(row[splitFeature[node]]));
        }
        return ~node;
    }

    /** @return the child LightGBM sends {@code fval} (already as {@link #input}) to from internal {@code node} */
    int child(int node, double fval) {
        int type = decisionType[node];
        if (categorical && (type & CATEGORICAL) != 0) {
            return categoricalChild(node, fval);
        }
        int missing = (type >> 2) & 3;
        if (Double.isNaN(fval) && missing != MISSING_NAN) {
            fval = 0.0;
        }
        if ((missing == MISSING_ZERO && fval >= -ZERO_THRESHOLD && fval <= ZERO_THRESHOLD)
                || (missing == MISSING_NAN && Double.isNaN(fval))) {
            return (type & DEFAULT_LEFT) != 0 ? left[node] : right[node];
        }
        return fval <= threshold[node] ? left[node] : right[node];
    }

    private int categoricalChild(int node, double fval) {
        if (Double.isNaN(fval)) {
            return right[node];
        }
        // C++'s static_cast<int> of a double beyond int's range gives INT_MIN on x86 (right child); Java's saturates
        // to MAX_VALUE, whose word is past every bitset: the right child too.
        int code = (int) fval;
        if (code < 0) {
            return right[node];
        }
        int cat = (int) threshold[node];
        int from = catBoundaries[cat];
        int words = catBoundaries[cat + 1] - from;
        int word = code / 32;
        if (word >= words) {
            return right[node];
        }
        return ((catThreshold[from + word] >>> (code % 32)) & 1) != 0 ? left[node] : right[node];
    }
}
