package org.tabserve.model.trees.xgboost;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.trees.ForestFeature;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;

/**
 * Turns a {@link RawModel} into an {@link XgboostForest}, refusing what XGBoost would not predict with or tabserve
 * does not serve: a linear booster, a multi-target model, an objective not served, counts that disagree. The base
 * score becomes the base margin as XGBoost's learner makes it.
 */
final class ForestBuilder {

    private final ForestLimits limits;

    ForestBuilder(ForestLimits limits) {
        this.limits = limits;
    }

    XgboostForest build(RawModel raw) {
        if ("gblinear".equals(raw.booster)) {
            throw new ForestFormatException("the model's booster ('gradient_booster.name') is gblinear, a linear"
                    + " model: tabserve serves tree boosters (gbtree, dart)");
        }
        if (!"gbtree".equals(raw.booster) && !"dart".equals(raw.booster)) {
            throw new ForestFormatException(
                    "the model's booster ('gradient_booster.name') is missing or not gbtree" + " or dart");
        }
        if (!raw.sawTrees) {
            throw new ForestFormatException("the model holds no 'trees'");
        }
        Objective objective = Objective.named(raw.objective);
        Map<String, String> param = raw.learnerParam;
        if (integer(param, "num_target", 1) > 1) {
            throw new ForestFormatException("the model's 'learner_model_param.num_target' is above 1: a multi-target"
                    + " model, which tabserve does not serve");
        }
        String alphas = raw.objectiveParam.get("quantile_alpha");
        if (objective == Objective.REG_QUANTILEERROR
                && (alphas == null || floats(alphas, "quantile_alpha").length != 1)) {
            throw new ForestFormatException("the model's 'quantile_alpha' names several quantiles (or none): a"
                    + " multi-quantile model, which tabserve does not serve");
        }
        long classes = integer(param, "num_class", 0);
        int margins;
        if (objective.multiclass()) {
            if (classes < 2 || classes > limits.maxCategories()) {
                throw new ForestFormatException("the model's 'learner_model_param.num_class' is below 2 or past the"
                        + " reader's bound for a multi: objective");
            }
            margins = (int) classes;
        } else {
            if (classes > 1) {
                throw new ForestFormatException(
                        "the model's 'learner_model_param.num_class' is above 1 for an" + " objective with one output");
            }
            margins = 1;
        }
        long numFeature = integer(param, "num_feature", -1);
        if (numFeature < 0 || numFeature > limits.maxFeatures()) {
            throw new ForestFormatException("the model's 'learner_model_param.num_feature' is missing or past the"
                    + " reader's bound of " + limits.maxFeatures() + " features");
        }
        List<ForestFeature> features = FeatureList.of(raw, (int) numFeature, limits);
        float[] base = baseMargin(param, objective, margins);
        int n = raw.trees.size();
        checkTreeCounts(raw, n);
        int[] groups = new int[n];
        for (int t = 0; t < n; t++) {
            long g = raw.treeInfo[t];
            if (g < 0 || g >= margins) {
                throw new ForestFormatException("the model's 'tree_info' names an output group out of range");
            }
            groups[t] = (int) g;
        }
        float[] weights = weights(raw, n);
        int total = 0;
        for (RawTree tree : raw.trees) {
            total += (int) Math.min(tree.numNodes < 0 ? 0 : tree.numNodes, Integer.MAX_VALUE);
            if (total > limits.maxNodes() || total < 0) {
                throw new ForestFormatException("the model's 'tree_param.num_nodes' declare more than "
                        + limits.maxNodes() + " nodes together, past the reader's bound");
            }
        }
        NodeTable table = new NodeTable(total);
        int[] roots = new int[n];
        TreeChecker checker = new TreeChecker(limits, (int) numFeature);
        int offset = 0;
        for (int t = 0; t < n; t++) {
            roots[t] = offset;
            checker.copy(t, raw.trees.get(t), table, offset);
            offset += (int) raw.trees.get(t).numNodes;
        }
        long parallel = integer(raw.gbtreeParam, "num_parallel_tree", 1);
        int perIteration = parallel < 1 || parallel * margins > n ? 0 : (int) (parallel * margins);
        return new XgboostForest(
                describe(raw, objective, n), objective, features, table, roots, groups, weights, base, perIteration);
    }

    private static void checkTreeCounts(RawModel raw, int n) {
        long declared = integer(raw.gbtreeParam, "num_trees", -1);
        if (declared != n) {
            throw new ForestFormatException("the model's 'gbtree_model_param.num_trees' does not match its 'trees'");
        }
        if (raw.treeInfo == null || raw.treeInfo.length != n) {
            throw new ForestFormatException("the model's 'tree_info' does not hold one output group per tree");
        }
    }

    private static float[] weights(RawModel raw, int n) {
        float[] weights = new float[n];
        java.util.Arrays.fill(weights, 1.0f);
        if (raw.weightDrop != null && raw.weightDrop.length > 0) {
            if (raw.weightDrop.length != n) {
                throw new ForestFormatException("the model's DART 'weight_drop' does not hold one weight per tree");
            }
            for (int t = 0; t < n; t++) {
                if (!Float.isFinite(raw.weightDrop[t])) {
                    throw new ForestFormatException("the model's DART 'weight_drop' holds a weight that is not finite");
                }
                weights[t] = raw.weightDrop[t];
            }
        }
        return weights;
    }

    /** XGBoost's {@code base_score} ({@code "5E-1"}, 3.x's {@code "[5E-1]"}, one per output) as base margins. */
    private static float[] baseMargin(Map<String, String> param, Objective objective, int margins) {
        String text = param.get("base_score");
        float[] scores = text == null ? new float[] {0.5f} : floats(text, "learner_model_param.base_score");
        if (scores.length != 1 && scores.length != margins) {
            throw new ForestFormatException(
                    "the model's 'learner_model_param.base_score' holds neither one value nor" + " one per output");
        }
        float[] base = new float[margins];
        for (int i = 0; i < margins; i++) {
            base[i] = objective.probToMargin(scores[scores.length == 1 ? 0 : i]);
            if (!Float.isFinite(base[i])) {
                throw new ForestFormatException("the model's 'learner_model_param.base_score' makes a base margin that"
                        + " is not finite for its objective");
            }
        }
        return base;
    }

    /** XGBoost's {@code ParamArray<float>}: a number, or a list in brackets or parentheses. */
    static float[] floats(String text, String field) {
        String s = text.strip();
        if (s.length() > 1_000_000) {
            throw new ForestFormatException("the model's '" + field + "' is too long");
        }
        if (s.startsWith("[") || s.startsWith("(")) {
            s = s.substring(1, s.length() - (s.endsWith("]") || s.endsWith(")") ? 1 : 0))
                    .strip();
        }
        if (s.isEmpty()) {
            return new float[0];
        }
        String[] parts = s.split(",");
        float[] out = new float[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                out[i] = Float.parseFloat(parts[i].strip());
            }
        } catch (NumberFormatException e) {
            throw new ForestFormatException("the model's '" + field + "' is not a number or a list of numbers");
        }
        return out;
    }

    private static long integer(Map<String, String> param, String key, long absent) {
        return integer(param, key, absent, "the model's '" + key + "'");
    }

    /** @return the whole number {@code param} holds at {@code key}, or {@code absent}; a refusal naming {@code named} */
    static long integer(Map<String, String> param, String key, long absent, String named) {
        String text = param.get(key);
        if (text == null) {
            return absent;
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new ForestFormatException(named + " is not a whole number");
        }
    }

    private static XgboostForest.Description describe(RawModel raw, Objective objective, int trees) {
        String version = "XGBoost";
        if (raw.version != null && raw.version.length > 0) {
            List<String> parts = new ArrayList<>();
            for (long part : raw.version) {
                parts.add(Long.toString(part));
            }
            version = "XGBoost " + String.join(".", parts);
        }
        String words = objective == Objective.BINARY_LOGITRAW
                ? "binary:logitraw (served as a regression of its raw score, the margin XGBoost's predict returns)"
                : objective.multiclass()
                        ? objective.xgboostName + " num_class:" + raw.learnerParam.get("num_class")
                        : objective.xgboostName;
        Map<String, String> facts = new LinkedHashMap<>();
        // XGBoost 3.x saves a DART model as a gbtree whose model holds weight_drop
        facts.put("booster", raw.weightDrop != null && raw.weightDrop.length > 0 ? "dart" : raw.booster);
        facts.put("num_trees", Integer.toString(trees));
        facts.put("objective", objective.xgboostName);
        for (String key : List.of("best_iteration", "best_score", "best_ntree_limit")) {
            String value = raw.attributes.get(key);
            if (value != null) {
                facts.put(key, value);
            }
        }
        return new XgboostForest.Description(raw.format, version, words, java.util.Collections.unmodifiableMap(facts));
    }
}
