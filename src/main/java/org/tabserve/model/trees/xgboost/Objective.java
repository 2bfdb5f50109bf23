package org.tabserve.model.trees.xgboost;

import java.util.Locale;
import org.tabserve.model.signature.Task;
import org.tabserve.model.trees.ForestFormatException;

/**
 * The XGBoost objectives served, each with what XGBoost's predict does with it in float32: the base score turned into
 * the base margin ({@code ProbToMargin}) and the margins turned into the answer ({@code PredTransform}), as XGBoost
 * 3.x's {@code regression_loss.h}, {@code regression_obj.cu}, {@code multiclass_obj.cu} and {@code common/math.h}
 * compute them.
 */
enum Objective {
    BINARY_LOGISTIC("binary:logistic", Task.CLASSIFICATION, "sigmoid"),
    BINARY_LOGITRAW("binary:logitraw", Task.REGRESSION, "identity"),
    MULTI_SOFTPROB("multi:softprob", Task.CLASSIFICATION, "softmax"),
    MULTI_SOFTMAX("multi:softmax", Task.CLASSIFICATION, "softmax"),
    REG_SQUAREDERROR("reg:squarederror", Task.REGRESSION, "identity"),
    REG_SQUAREDLOGERROR("reg:squaredlogerror", Task.REGRESSION, "identity"),
    REG_ABSOLUTEERROR("reg:absoluteerror", Task.REGRESSION, "identity"),
    REG_PSEUDOHUBERERROR("reg:pseudohubererror", Task.REGRESSION, "identity"),
    REG_QUANTILEERROR("reg:quantileerror", Task.REGRESSION, "identity"),
    REG_LOGISTIC("reg:logistic", Task.REGRESSION, "sigmoid"),
    COUNT_POISSON("count:poisson", Task.REGRESSION, "exp"),
    REG_GAMMA("reg:gamma", Task.REGRESSION, "exp"),
    REG_TWEEDIE("reg:tweedie", Task.REGRESSION, "exp");

    /** XGBoost's bound of a logistic base score ({@code kRtEps}). */
    private static final float RT_EPS = 1e-6f;

    final String xgboostName;
    final Task task;
    final String link;

    Objective(String xgboostName, Task task, String link) {
        this.xgboostName = xgboostName;
        this.task = task;
        this.link = link;
    }

    /** @return the objective XGBoost names so, refused in words when tabserve does not serve it */
    static Objective named(String name) {
        if (name == null) {
            throw new ForestFormatException("the model names no objective ('objective.name')");
        }
        for (Objective o : values()) {
            if (o.xgboostName.equals(name)) {
                return o;
            }
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("rank:")) {
            throw new ForestFormatException("the model's objective is a ranking objective ('objective.name' is a"
                    + " rank: objective): tabserve serves classifiers and regressors, not rankers");
        }
        if (lower.startsWith("survival:")) {
            throw new ForestFormatException("the model's objective is a survival objective ('objective.name' is a"
                    + " survival: objective), which tabserve does not serve");
        }
        throw new ForestFormatException("the model's objective ('objective.name') is not one tabserve serves: it"
                + " serves binary:logistic, binary:logitraw, multi:softprob, multi:softmax and the reg:, count:"
                + " regressions");
    }

    boolean multiclass() {
        return this == MULTI_SOFTPROB || this == MULTI_SOFTMAX;
    }

    /** The base score (probability space, as saved) as the base margin: XGBoost's {@code ProbToMargin}. */
    float probToMargin(float baseScore) {
        switch (this) {
            case BINARY_LOGISTIC, REG_LOGISTIC -> {
                float bounded = Math.min(Math.max(baseScore, RT_EPS), 1.0f - RT_EPS);
                return -logf(1.0f / bounded - 1.0f);
            }
            case COUNT_POISSON, REG_GAMMA, REG_TWEEDIE -> {
                return logf(baseScore);
            }
            default -> {
                return baseScore;
            }
        }
    }

    /** A one-margin objective's answer from its margin: XGBoost's {@code PredTransform}, in float32. */
    float transform(float margin) {
        return switch (link) {
            case "sigmoid" -> sigmoid(margin);
            case "exp" -> expf(margin);
            default -> margin;
        };
    }

    /** XGBoost's {@code common::Sigmoid(float)}. */
    static float sigmoid(float x) {
        float clipped = Math.min(-x, 88.7f);
        float denominator = expf(clipped) + 1.0f + 1e-16f;
        return 1.0f / denominator;
    }

    /** XGBoost's {@code common::Softmax}: float exponentials of the gaps to the largest, summed in double. */
    static void softmax(float[] margins, double[] out) {
        float max = margins[0];
        for (int i = 1; i < margins.length; i++) {
            max = Math.max(margins[i], max);
        }
        float[] e = new float[margins.length];
        double sum = 0.0;
        for (int i = 0; i < margins.length; i++) {
            e[i] = expf(margins[i] - max);
            sum += e[i];
        }
        float total = (float) sum;
        for (int i = 0; i < margins.length; i++) {
            out[i] = e[i] / total;
        }
    }

    /** C's {@code expf}, as glibc computes it ({@link Expf}). */
    static float expf(float x) {
        return Expf.of(x);
    }

    static float logf(float x) {
        return (float) StrictMath.log(x);
    }
}
