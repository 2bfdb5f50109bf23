package org.tabserve.model.trees.lightgbm;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tabserve.model.signature.Task;
import org.tabserve.model.trees.ForestFeature;
import org.tabserve.model.trees.TrainedForest;
import org.tabserve.model.trees.TreeWalk;

/**
 * A LightGBM model read from its text file, answering as {@code GBDT::Predict} does: per iteration, per class
 * {@code k}, tree {@code iteration * K + k}'s output added to margin {@code k} in double; a random forest's
 * ({@code average_output}) margins divided by the iterations; then the objective's {@code ConvertOutput}.
 */
final class LightgbmForest implements TrainedForest {

    private final String version;
    private final Objective objective;
    private final String objectiveText;
    private final List<ForestFeature> features;
    private final LgbmTree[] trees;
    private final boolean averageOutput;
    private final Map<String, String> facts;
    private final List<String> classes;

    LightgbmForest(
            String version,
            Objective objective,
            String objectiveText,
            List<ForestFeature> features,
            LgbmTree[] trees,
            boolean averageOutput,
            Map<String, String> facts) {
        this.version = version;
        this.objective = objective;
        this.objectiveText = objectiveText;
        this.features = List.copyOf(features);
        this.trees = trees;
        this.averageOutput = averageOutput;
        this.facts = facts;
        int k = objective.task() == Task.CLASSIFICATION ? Math.max(2, objective.classes()) : 0;
        this.classes = java.util.stream.IntStream.range(0, k)
                .mapToObj(Integer::toString)
                .toList();
    }

    @Override
    public String format() {
        return "LightGBM text";
    }

    @Override
    public String writtenBy() {
        return "LightGBM " + version;
    }

    @Override
    public String objective() {
        return objectiveText;
    }

    @Override
    public List<ForestFeature> features() {
        return features;
    }

    @Override
    public Task task() {
        return objective.task();
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int trees() {
        return trees.length;
    }

    @Override
    public Map<String, String> facts() {
        return facts;
    }

    @Override
    public int margins() {
        return objective.classes();
    }

    @Override
    public void answer(double[] row, double[] scores) {
        double[] margins = new double[objective.classes()];
        margins(row, margins);
        objective.convert(margins, scores);
    }

    @Override
    public void margins(double[] row, double[] margins) {
        if (row.length != features.size()) {
            throw new IllegalArgumentException(
                    "a row of " + row.length + " values for " + features.size() + " features");
        }
        int k = objective.classes();
        int iterations = trees.length / k;
        java.util.Arrays.fill(margins, 0, k, 0.0);
        for (int i = 0; i < iterations; i++) {
            for (int c = 0; c < k; c++) {
                margins[c] += trees[i * k + c].predict(row);
            }
        }
        if (averageOutput) {
            for (int c = 0; c < k; c++) {
                margins[c] /= iterations;
            }
        }
    }

    @Override
    public String link() {
        return objective.link();
    }

    @Override
    public Optional<TreeWalk> walk() {
        for (LgbmTree tree : trees) {
            if (tree.linear()) {
                return Optional.empty();
            }
        }
        return Optional.of(
                new LightgbmWalk(trees, objective.classes(), averageOutput ? trees.length / objective.classes() : 1));
    }
}
