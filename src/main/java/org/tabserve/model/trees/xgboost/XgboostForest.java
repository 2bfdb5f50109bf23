package org.tabserve.model.trees.xgboost;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tabserve.model.signature.Task;
import org.tabserve.model.trees.ForestFeature;
import org.tabserve.model.trees.TrainedForest;
import org.tabserve.model.trees.TreeWalk;

/**
 * An XGBoost forest read from its file, answering as XGBoost's predict does to the bit: each margin starts at the base
 * margin and adds, tree after tree in file order, the leaf value times the tree's weight (1, or DART's), in float32;
 * the objective's transform follows ({@link Objective}). A row without a missing value walks the trees laid out flat
 * ({@link FlatTrees}, when no split is categorical), the others the node table; both reach the same leaves. Immutable.
 */
final class XgboostForest implements TrainedForest {

    /** What the forest is, as the file says: the words the card shows. */
    record Description(String format, String writtenBy, String objective, Map<String, String> facts) {}

    private final Description description;
    private final Objective objective;
    private final List<ForestFeature> features;
    private final List<String> classes;
    private final NodeTable nodes;
    private final int[] roots;
    private final int[] groups;
    private final float[] weights;
    private final float[] base;
    /** The trees one boosting round adds: one per output group, times the parallel trees of a round. */
    private final int perIteration;

    private final XgboostWalk walk;
    /** The trees laid out for rows without a missing value; null when a tree has a categorical split. */
    private final FlatTrees flat;

    XgboostForest(
            Description description,
            Objective objective,
            List<ForestFeature> features,
            NodeTable nodes,
            int[] roots,
            int[] groups,
            float[] weights,
            float[] base,
            int perIteration) {
        this.description = description;
        this.objective = objective;
        this.features = List.copyOf(features);
        this.nodes = nodes;
        this.roots = roots;
        this.groups = groups;
        this.weights = weights;
        this.base = base;
        this.perIteration = perIteration;
        this.classes =
                objective.task == Task.CLASSIFICATION ? labels(objective.multiclass() ? base.length : 2) : List.of();
        this.walk = new XgboostWalk(nodes, roots, groups, weights);
        this.flat = FlatTrees.of(nodes, roots);
    }

    private static List<String> labels(int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = Integer.toString(i);
        }
        return List.of(out);
    }

    @Override
    public String format() {
        return description.format();
    }

    @Override
    public String writtenBy() {
        return description.writtenBy();
    }

    @Override
    public String objective() {
        return description.objective();
    }

    @Override
    public List<ForestFeature> features() {
        return features;
    }

    @Override
    public Task task() {
        return objective.task;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int trees() {
        return roots.length;
    }

    @Override
    public Map<String, String> facts() {
        return description.facts();
    }

    @Override
    public int margins() {
        return base.length;
    }

    /** @return the base margins, one per output, as XGBoost's learner makes them from {@code base_score} */
    float[] base() {
        return base.clone();
    }

    /** The margins in float32, as XGBoost's CPU predictor sums them. */
    float[] sum(double[] row) {
        if (row.length != features.size()) {
            throw new IllegalArgumentException(
                    "a row of " + row.length + " values for a forest of " + features.size() + " features");
        }
        float[] m = base.clone();
        int[] keys = flat == null ? null : keys(row);
        if (keys != null) {
            flat.sum(keys, groups, weights, m);
            return m;
        }
        for (int t = 0; t < roots.length; t++) {
            int leaf = nodes.leaf(roots[t], row);
            m[groups[t]] += nodes.value[leaf] * weights[t];
        }
        return m;
    }

    /** @return the row's values as floats' keys ({@link FlatTrees#key}), or null when one is missing (NaN) */
    private static int[] keys(double[] row) {
        int[] keys = new int[row.length];
        for (int f = 0; f < row.length; f++) {
            float x = (float) row[f];
            if (x != x) {
                return null;
            }
            keys[f] = FlatTrees.key(x);
        }
        return keys;
    }

    @Override
    public void margins(double[] row, double[] margins) {
        float[] m = sum(row);
        for (int i = 0; i < m.length; i++) {
            margins[i] = m[i];
        }
    }

    @Override
    public void answer(double[] row, double[] scores) {
        float[] m = sum(row);
        if (objective.multiclass()) {
            Objective.softmax(m, scores);
        } else if (objective.task == Task.CLASSIFICATION) {
            float p = objective.transform(m[0]);
            scores[0] = 1.0f - p;
            scores[1] = p;
        } else {
            scores[0] = objective.transform(m[0]);
        }
    }

    @Override
    public String link() {
        return objective.link;
    }

    @Override
    public Optional<TrainedForest> firstIterations(int iterations) {
        long trees = (long) iterations * perIteration;
        if (iterations < 1 || perIteration < 1 || trees > roots.length) {
            return Optional.empty();
        }
        int n = (int) trees;
        Map<String, String> facts = new java.util.LinkedHashMap<>(description.facts());
        facts.put("iteration_range", "0, " + iterations + " (the first " + n + " of " + roots.length + " trees)");
        return Optional.of(new XgboostForest(
                new Description(
                        description.format(),
                        description.writtenBy(),
                        description.objective(),
                        java.util.Collections.unmodifiableMap(facts)),
                objective,
                features,
                nodes,
                java.util.Arrays.copyOf(roots, n),
                java.util.Arrays.copyOf(groups, n),
                java.util.Arrays.copyOf(weights, n),
                base,
                perIteration));
    }

    @Override
    public Optional<TreeWalk> walk() {
        return Optional.of(walk);
    }
}
