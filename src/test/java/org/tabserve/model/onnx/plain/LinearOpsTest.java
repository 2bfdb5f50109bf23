package org.tabserve.model.onnx.plain;

import static org.tabserve.model.onnx.graph.ml.MlModels.floats;
import static org.tabserve.model.onnx.graph.ml.MlModels.ints;
import static org.tabserve.model.onnx.graph.ml.MlModels.strings;
import static org.tabserve.model.onnx.graph.ml.MlModels.text;

import ai.onnx.proto.OnnxMl.AttributeProto;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tabserve.model.onnx.graph.ml.MlModels;
import org.tabserve.model.onnx.graph.ml.PostTransform;

/**
 * LinearClassifier and LinearRegressor in plain Java answer as ONNX Runtime, label for label and score for score:
 * rows of coefficients under each post-transform, one row of coefficients for two labels (ONNX Runtime's {1 - s, s},
 * whatever the post-transform but PROBIT, which it writes as one score), one row for other labels (a label of 0 or 1
 * by the score's sign), and a regressor of one or two targets.
 */
class LinearOpsTest {

    private static final int FEATURES = 3;

    @ParameterizedTest
    @EnumSource(PostTransform.class)
    void rowsOfCoefficientsUnderEachPostTransform(PostTransform post) throws Exception {
        byte[] model = MlModels.model(
                MlModels.node("LinearClassifier", true)
                        .addAttribute(floats("coefficients", 0.5f, -1f, 0.25f, -0.3f, 0.8f, 0f, 0.1f, 0.1f, -0.9f))
                        .addAttribute(floats("intercepts", post == PostTransform.PROBIT ? 0.5f : 0.2f, 0.4f, -0.1f))
                        .addAttribute(ints("classlabels_ints", 3, 1, 2))
                        .addAttribute(text("post_transform", post.name()))
                        .build(),
                MlModels.FLOAT,
                FEATURES,
                MlModels.INT64,
                3);
        AgainstOrt.assertSame(post.name(), model, MlModels.FLOAT, rows(post == PostTransform.PROBIT ? 0.3 : 3));
    }

    @Test
    void oneRowOfCoefficientsForTwoLabelsIsOnnxRuntimesBinaryCaseUnderEveryTransformButProbit() throws Exception {
        for (PostTransform post : PostTransform.values()) {
            if (post == PostTransform.PROBIT) {
                continue;
            }
            byte[] model = MlModels.model(
                    MlModels.node("LinearClassifier", true)
                            .addAttribute(floats("coefficients", 0.5f, -1f, 0.25f))
                            .addAttribute(floats("intercepts", 0.2f))
                            .addAttribute(strings("classlabels_strings", "no", "yes"))
                            .addAttribute(text("post_transform", post.name()))
                            .build(),
                    MlModels.FLOAT,
                    FEATURES,
                    MlModels.text(),
                    2);
            AgainstOrt.assertSame("one row, " + post, model, MlModels.FLOAT, rows(3));
        }
    }

    @Test
    void oneRowOfCoefficientsForOtherLabelsIsOneScoreNamedByItsSign() throws Exception {
        byte[] model = MlModels.model(
                MlModels.node("LinearClassifier", true)
                        .addAttribute(floats("coefficients", 0.5f, -1f, 0.25f))
                        .addAttribute(floats("intercepts", 0.2f))
                        .addAttribute(text("post_transform", "LOGISTIC"))
                        .build(),
                MlModels.FLOAT,
                FEATURES,
                MlModels.INT64,
                1);
        AgainstOrt.assertSame("one row, no labels", model, MlModels.FLOAT, rows(3));
    }

    @Test
    void regressorsOfOneAndTwoTargets() throws Exception {
        for (String post : new String[] {"NONE", "LOGISTIC", "SOFTMAX"}) {
            for (int targets = 1; targets <= 2; targets++) {
                AttributeProto intercepts = targets == 1 ? floats("intercepts", 0.3f) : floats("intercepts", 0.3f, -1f);
                byte[] model = MlModels.model(
                        MlModels.node("LinearRegressor", false)
                                .addAttribute(floats(
                                        "coefficients",
                                        java.util.Arrays.copyOf(
                                                new float[] {0.5f, -1f, 0.25f, 2f, 0.1f, -0.4f}, targets * FEATURES)))
                                .addAttribute(intercepts)
                                .addAttribute(MlModels.integer("targets", targets))
                                .addAttribute(text("post_transform", post))
                                .build(),
                        MlModels.FLOAT,
                        FEATURES,
                        0,
                        targets);
                AgainstOrt.assertSame(targets + " targets, " + post, model, MlModels.FLOAT, rows(3));
            }
        }
    }

    /** Rows of values in [-spread, spread], a tenth of them 0. */
    private static double[][] rows(double spread) {
        SplittableRandom random = new SplittableRandom(48);
        double[][] rows = new double[200][FEATURES];
        for (double[] row : rows) {
            for (int j = 0; j < FEATURES; j++) {
                row[j] = random.nextInt(10) == 0 ? 0 : (float) ((random.nextDouble() * 2 - 1) * spread);
            }
        }
        return rows;
    }
}
