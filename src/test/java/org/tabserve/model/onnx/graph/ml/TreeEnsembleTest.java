package org.tabserve.model.onnx.graph.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.model.onnx.graph.ml.MlModels.floats;
import static org.tabserve.model.onnx.graph.ml.MlModels.ints;
import static org.tabserve.model.onnx.graph.ml.MlModels.text;

import ai.onnx.proto.OnnxMl.AttributeProto;
import org.junit.jupiter.api.Test;

/**
 * What a tree ensemble's definition reads, what it refuses in words (each hostile or undefined shape: a cycle, a
 * repeated node, a tree listed apart or from another node than its root, a weight of a branch or of no class, more
 * base values than classes, one score through PROBIT, thresholds as tensors, a regressor of MIN), and how it reads
 * its margins for the explanations.
 */
class TreeEnsembleTest {

    private static final AttributeProto TWO_LABELS = ints("classlabels_int64s", 0, 1);

    /** One stump: x0 <= 0.5 goes to leaf 1, else leaf 2. */
    private static MlModels.Trees stump(int tree) {
        return new MlModels.Trees()
                .branch(tree, 0, "BRANCH_LEQ", 0, 0.5f, 1, 2, false)
                .leaf(tree, 1, 0, 0.25f, 1, 0.75f)
                .leaf(tree, 2, 0, 0.5f, 1, 0.5f);
    }

    private static TreeEnsemble read(MlModels.Trees trees, AttributeProto... extra) throws Exception {
        return TreeEnsembleReader.read(MlModels.attributesOf(trees.node("TreeEnsembleClassifier", extra)));
    }

    private static String refusal(MlModels.Trees trees, AttributeProto... extra) {
        return assertThrows(UnreadOperator.class, () -> read(trees, extra)).getMessage();
    }

    @Test
    void aStumpAndATreeOfOneLeafAreWalkedAndSummed() throws Exception {
        TreeEnsemble trees = read(stump(0).leaf(1, 0, 1, 1f), TWO_LABELS);
        assertEquals(2, trees.trees());
        assertEquals(1, trees.width());
        float[] out = new float[2];
        assertEquals(1, trees.evaluate(new double[] {0.25}, 0, true, out, 0));
        assertEquals(0.25f, out[0]);
        assertEquals(1.75f, out[1]);
        trees.evaluate(new double[] {Double.NaN}, 0, true, out, 0);
        assertEquals(0.5f, out[0], "NaN <= 0.5 is false: leaf 2");
        assertEquals(1.5f, out[1]);
        assertNull(trees.unadditive());
        assertEquals(2, trees.margins());
    }

    @Test
    void hostileOrUndefinedShapesAreRefusedInWords() {
        assertTrue(
                refusal(
                                new MlModels.Trees()
                                        .branch(0, 0, "BRANCH_LEQ", 0, 0, 1, 2, false)
                                        .branch(0, 1, "BRANCH_LT", 0, 0, 3, 2, false)
                                        .branch(0, 3, "BRANCH_GT", 0, 0, 1, 2, false)
                                        .leaf(0, 2, 0, 1),
                                TWO_LABELS)
                        .contains("comes back to a node"),
                "a cycle");
        assertTrue(refusal(stump(0).leaf(0, 2, 0, 1), TWO_LABELS).contains("node 2 of tree 0 is there twice"));
        assertTrue(
                refusal(new MlModels.Trees().leaf(0, 0, 0, 1).leaf(1, 0, 0, 1).leaf(0, 1, 0, 1), TWO_LABELS)
                        .contains("tree 0 are not listed together"));
        assertTrue(refusal(
                        new MlModels.Trees()
                                .leaf(0, 1, 0, 1)
                                .branch(0, 0, "BRANCH_LEQ", 0, 0, 1, 2, false)
                                .leaf(0, 2, 0, 1),
                        TWO_LABELS)
                .contains("root is not its first node"));
        assertTrue(refusal(stump(0).weight(0, 0, 0, 1), TWO_LABELS).contains("not a leaf's output"));
        assertTrue(refusal(stump(0).weight(0, 1, 2, 1), TWO_LABELS).contains("not a leaf's output of 2"));
        assertTrue(refusal(stump(0), TWO_LABELS, floats("base_values", 1, 2, 3)).contains("3 base values for 2"));
        assertTrue(refusal(new MlModels.Trees().leaf(0, 0, 0, 1), TWO_LABELS, text("post_transform", "PROBIT"))
                .contains("PROBIT of trees that score one class of two"));
        assertTrue(refusal(stump(0), TWO_LABELS, floats("nodes_values_as_tensor", 1))
                .contains("as tensors"));
        assertTrue(refusal(stump(0), ints("classlabels_int64s", 0)).contains("1 class labels"));
        String regressor = assertThrows(
                        UnreadOperator.class,
                        () -> TreeEnsembleReader.read(MlModels.attributesOf(new MlModels.Trees()
                                .leaf(0, 0, 0, 1)
                                .node("TreeEnsembleRegressor", text("aggregate_function", "MAX")))))
                .getMessage();
        assertTrue(
                regressor.startsWith(
                        "TreeEnsembleRegressor node 'treeensembleregressor': n_targets 1," + " aggregate_function MAX"),
                regressor);
    }

    @Test
    void oneScoredClassOfTwoIsOneMarginAndItsBinaryCase() throws Exception {
        MlModels.Trees boosted = new MlModels.Trees()
                .branch(0, 0, "BRANCH_LT", 0, 0, 1, 2, true)
                .leaf(0, 1, 0, -1.5f)
                .leaf(0, 2, 0, 2f);
        TreeEnsemble trees = read(boosted, TWO_LABELS, text("post_transform", "LOGISTIC"), floats("base_values", 0.5f));
        assertEquals(1, trees.margins());
        assertEquals(new BinaryCase(0, 0, PostTransform.LOGISTIC), trees.binary());
        assertEquals(0.5, trees.baseMargin(0));
        assertEquals(-1.5, trees.leafMargin(1, 0));
        float[] out = new float[2];
        assertEquals(0, trees.evaluate(new double[] {Double.NaN}, 0, true, out, 0), "NaN tracks true: -1.5 + 0.5");
        assertEquals((float) PostTransform.logistic(1), out[0], 1e-7);
        MlModels.Trees second = new MlModels.Trees().leaf(0, 0, 1, 0.5f);
        assertEquals(
                "its trees score the second of two classes alone",
                read(second, TWO_LABELS).unadditive());
    }
}
