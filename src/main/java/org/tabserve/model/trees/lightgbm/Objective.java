package org.tabserve.model.trees.lightgbm;

import java.util.Map;
import org.tabserve.model.signature.Task;
import org.tabserve.model.trees.ForestFormatException;

/**
 * A LightGBM objective as its model file's {@code objective=} line names it ({@code ObjectiveFunction::ToString}), and
 * its {@code ConvertOutput} in double with the C library's exponential ({@link GlibcExp}): the sigmoid of binary, multiclassova and cross_entropy, multiclass's softmax, the
 * exponential of poisson, gamma and tweedie, the identity of the other regressions. Ranking and custom objectives are
 * refused, as are the transforms explanations cannot follow ({@code reg_sqrt}, cross_entropy_lambda).
 *
 * @param name    the objective's canonical name
 * @param kind    its transform
 * @param classes how many margins a row makes (num_class for the multiclass objectives, else 1)
 * @param sigmoid the sigmoid's scale for binary and multiclassova (1 for cross_entropy), as LightGBM parses it
 */
record Objective(String name, Kind kind, int classes, double sigmoid) {

    /** The transforms. */
    enum Kind {
        IDENTITY,
        EXP,
        SIGMOID,
        SOFTMAX,
        SIGMOID_EACH
    }

    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("regression_l2", "regression"),
            Map.entry("l2", "regression"),
            Map.entry("mean_squared_error", "regression"),
            Map.entry("mse", "regression"),
            Map.entry("l2_root", "regression"),
            Map.entry("root_mean_squared_error", "regression"),
            Map.entry("rmse", "regression"),
            Map.entry("l1", "regression_l1"),
            Map.entry("mean_absolute_error", "regression_l1"),
            Map.entry("mae", "regression_l1"),
            Map.entry("softmax", "multiclass"),
            Map.entry("multiclass_ova", "multiclassova"),
            Map.entry("ova", "multiclassova"),
            Map.entry("ovr", "multiclassova"),
            Map.entry("xentropy", "cross_entropy"),
            Map.entry("xentlambda", "cross_entropy_lambda"),
            Map.entry("mean_absolute_percentage_error", "mape"),
            Map.entry("xendcg", "rank_xendcg"),
            Map.entry("xe_ndcg", "rank_xendcg"),
            Map.entry("xe_ndcg_mart", "rank_xendcg"),
            Map.entry("xendcg_mart", "rank_xendcg"));

    /** @return the objective {@code line} names, its class count checked against the header's {@code num_class} */
    static Objective parse(String line, int numClass) {
        String[] parts = line.trim().split(" +");
        String name = ALIASES.getOrDefault(parts[0], parts[0]);
        int classes = 1;
        double sigmoid = Double.NaN;
        boolean sqrt = false;
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split(":", -1);
            if (parts[i].equals("sqrt")) {
                sqrt = true;
            } else if (kv.length == 2 && kv[0].equals("num_class")) {
                classes = TextNumbers.parseInt(kv[1], "objective's num_class");
            } else if (kv.length == 2 && kv[0].equals("sigmoid")) {
                sigmoid = TextNumbers.legacyAtof(kv[1], "objective's sigmoid");
            }
        }
        Kind kind = switch (name) {
            case "regression", "regression_l1", "quantile", "huber", "fair", "mape" -> Kind.IDENTITY;
            case "poisson", "gamma", "tweedie" -> Kind.EXP;
            case "binary", "cross_entropy" -> Kind.SIGMOID;
            case "multiclass" -> Kind.SOFTMAX;
            case "multiclassova" -> Kind.SIGMOID_EACH;
            case "lambdarank", "rank_xendcg" ->
                throw new ForestFormatException(
                        "objective is a ranking objective (lambdarank, rank_xendcg): tabserve serves classifiers and"
                                + " regressors, not rankers");
            case "custom", "none", "null", "na" ->
                throw new ForestFormatException(
                        "objective is a custom objective: its file holds raw scores whose transform only the training code"
                                + " knows");
            case "cross_entropy_lambda" ->
                throw new ForestFormatException(
                        "objective cross_entropy_lambda answers log(1 + exp(margin)), a transform tabserve's explanations"
                                + " do not follow");
            default -> throw new ForestFormatException("objective names an objective LightGBM 4 does not have");
        };
        if (sqrt
                && (name.equals("regression")
                        || name.equals("regression_l1")
                        || name.equals("quantile")
                        || name.equals("fair")
                        || name.equals("mape"))) {
            throw new ForestFormatException("objective has reg_sqrt (sqrt): its squared outputs are a transform"
                    + " tabserve's explanations do not follow");
        }
        if (name.equals("cross_entropy")) {
            sigmoid = 1.0;
        } else if (kind == Kind.SIGMOID || kind == Kind.SIGMOID_EACH) {
            if (!(sigmoid > 0.0)) {
                throw new ForestFormatException("objective's sigmoid is missing or not above zero");
            }
        }
        if (kind == Kind.SOFTMAX || kind == Kind.SIGMOID_EACH) {
            if (classes < 2 || classes != numClass) {
                throw new ForestFormatException("objective's num_class does not match the header's num_class");
            }
        } else if (numClass != 1) {
            throw new ForestFormatException("num_class is not 1 for a single-output objective");
        }
        return new Objective(name, kind, classes, sigmoid);
    }

    /** @return whether it answers classes (binary, multiclass, multiclassova) */
    Task task() {
        return name.equals("binary") || classes > 1 ? Task.CLASSIFICATION : Task.REGRESSION;
    }

    /** @return the link of {@link org.tabserve.model.trees.TrainedForest#link()} */
    String link() {
        return switch (kind) {
            case IDENTITY -> "identity";
            case EXP -> "exp";
            case SIGMOID, SIGMOID_EACH -> "sigmoid";
            case SOFTMAX -> "softmax";
        };
    }

    /**
     * Turns margins into scores as {@code ConvertOutput} does in double (a binary classifier's {@code [1 - p, p]} as
     * the sklearn wrapper's {@code predict_proba} gives them).
     */
    void convert(double[] margins, double[] scores) {
        switch (kind) {
            case IDENTITY -> scores[0] = margins[0];
            case EXP -> scores[0] = GlibcExp.exp(margins[0]);
            case SIGMOID -> {
                double p = 1.0 / (1.0 + GlibcExp.exp(-sigmoid * margins[0]));
                if (task() == Task.CLASSIFICATION) {
                    scores[0] = 1.0 - p;
                    scores[1] = p;
                } else {
                    scores[0] = p;
                }
            }
            case SIGMOID_EACH -> {
                for (int k = 0; k < classes; k++) {
                    scores[k] = 1.0 / (1.0 + GlibcExp.exp(-sigmoid * margins[k]));
                }
            }
            case SOFTMAX -> softmax(margins, scores, classes);
        }
    }

    /** {@code Common::Softmax}: the largest margin subtracted, the exponentials summed in order, each divided. */
    static void softmax(double[] input, double[] output, int n) {
        double max = input[0];
        for (int i = 1; i < n; i++) {
            max = input[i] < max ? max : input[i];
        }
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            output[i] = GlibcExp.exp(input[i] - max);
            sum += output[i];
        }
        for (int i = 0; i < n; i++) {
            output[i] /= sum;
        }
    }
}
