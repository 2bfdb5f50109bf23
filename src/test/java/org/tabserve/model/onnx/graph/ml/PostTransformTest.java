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

    @Test
    void aFloatRowIsTransformedInDoubleAndRoundedToFloat() {
        float[] scores = {3f, 1f, -2f};
        PostTransform.SOFTMAX.apply(scores, 0, 3);
        double[] wide = {3, 1, -2};
        PostTransform.SOFTMAX.apply(wide, 0, 3);
        for (int i = 0; i < 3; i++) {
            assertEquals((float) wide[i], scores[i]);
        }
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
