package org.tabserve.model.onnx.graph.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tabserve.model.onnx.graph.NodeAttributes;

/** Each post-transform's arithmetic, as ONNX Runtime's {@code ml_common.h} defines it, and its name read once. */
class PostTransformTest {

    @Test
    void softmaxIsShiftedByTheLargestScoreAndSumsToOne() {
        double[] scores = {1000, 1001, 999, 7};
        PostTransform.SOFTMAX.apply(scores, 0, 3);
        double sum = Math.exp(-1) + 1 + Math.exp(-2);
        assertArrayEquals(
                new double[] {Math.exp(-1) / sum, 1 / sum, Math.exp(-2) / sum, 7},
                scores,
                1e-15,
                "no overflow, and only [from, to) changed");
    }

    @Test
    void softmaxZeroLeavesAScoreWithinOneTenMillionthOfZeroOutOfTheSum() {
        double[] scores = {0, 1e-8, 1, 2};
        PostTransform.SOFTMAX_ZERO.apply(scores, 0, 4);
        double sum = Math.exp(-1) + 1;
        assertArrayEquals(new double[] {0, 1e-8 * Math.exp(-2) / sum, Math.exp(-1) / sum, 1 / sum}, scores, 1e-15);
    }

    @Test
    void logisticAndProbitAreOnnxRuntimes() {
        double[] scores = {0, -2, 0.5, 0.8413447};
        PostTransform.LOGISTIC.apply(scores, 0, 2);
        assertEquals(0.5, scores[0]);
        assertEquals(1 / (1 + Math.exp(2)), scores[1], 1e-15);
        PostTransform.PROBIT.apply(scores, 2, 4);
        assertEquals(0, scores[2], 1e-7);
        assertEquals(1, scores[3], 2e-3, "Winitzki's approximation of the normal quantile, within its error");
        assertEquals(0.2689414f, PostTransform.logisticInFloat(-1f), 1e-7f);
    }

    /**
     * Issue 61, item 9: a float row is transformed in float, operation for operation as ONNX Runtime's scalar code,
     * not in double and rounded, which differs in the last bit: σ(-3) is {@code 1 - σ(3)} in float there, and softmax
     * sums its exponentials in float.
     */
    @Test
    void aFloatRowIsTransformedInFloatAsOnnxRuntimeNotInDoubleAndRounded() {
        float[] logistic = {-3f, 3f};
        PostTransform.LOGISTIC.apply(logistic, 0, 2);
        float high = 1f / (1f + (float) Math.exp(-3f));
        assertEquals(high, logistic[1]);
        assertEquals(1f - high, logistic[0]);
        assertTrue(1f - high != (float) PostTransform.logistic(-3), "the double's rounding is another float");

        float[] scores = {3f, 1f, -2f};
        PostTransform.SOFTMAX.apply(scores, 0, 3);
        float e1 = (float) Math.exp(1f - 3f);
        float e2 = (float) Math.exp(-2f - 3f);
        float sum = 1f + e1 + e2;
        assertArrayEquals(new float[] {1f / sum, e1 / sum, e2 / sum}, scores);

        float[] infinite = {Float.POSITIVE_INFINITY, 0f};
        PostTransform.SOFTMAX.apply(infinite, 0, 2);
        assertTrue(Float.isNaN(infinite[0]) && Float.isNaN(infinite[1]), "e^(inf - inf) is NaN, as there");
        float[] none = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        PostTransform.SOFTMAX.apply(none, 0, 2);
        assertTrue(Float.isNaN(none[0]), "0 / 0: the largest starts at -Float.MAX_VALUE, as there");
    }

    @Test
    void aWordOnnxRuntimeDoesNotDefineIsNoTransform() throws Exception {
        assertEquals(Optional.of(PostTransform.SOFTMAX_ZERO), PostTransform.named("SOFTMAX_ZERO"));
        assertEquals(Optional.empty(), PostTransform.named("softmax"));
        NodeAttributes a = MlModels.attributesOf(MlModels.node("LinearClassifier", true)
                .addAttribute(MlModels.text("post_transform", "SIGMOID"))
                .build());
        UnreadOperator refused = assertThrows(UnreadOperator.class, () -> PostTransform.of(a));
        assertEquals("LinearClassifier node 'linearclassifier': post_transform SIGMOID", refused.getMessage());
        assertFalse(PostTransform.NONE.probabilities());
        assertTrue(PostTransform.PROBIT.probabilities());
    }
}
