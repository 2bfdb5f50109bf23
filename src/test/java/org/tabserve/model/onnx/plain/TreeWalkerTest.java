package org.tabserve.model.onnx.plain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.model.onnx.graph.ml.MlModels.floats;
import static org.tabserve.model.onnx.graph.ml.MlModels.ints;
import static org.tabserve.model.onnx.graph.ml.MlModels.text;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.OnnxNode;
import org.tabserve.model.onnx.graph.ml.MlModels;
import org.tabserve.model.onnx.graph.ml.TreeEnsemble;
import org.tabserve.model.onnx.graph.ml.TreeEnsembleReader;
import org.tabserve.model.onnx.plain.RandomTrees.Leaves;

/**
 * The laid-out walker ({@link TreeWalker}) answers as the ensemble's own reading ({@link TreeEnsemble#evaluate}),
 * bit for bit, and as ONNX Runtime: on random trees of each branch mode it lays out (BRANCH_LEQ, _LT, _GTE, _GT, each
 * alone and mixed, missing values tracked either way, thresholds rows hit exactly, infinite, NaN and zero of either
 * sign), for one-output trees (boosted, one class a tree, regressors) and leaves of several weights, one row at a time
 * and in batches (blocks and their remainders); on every tree ensemble of the test fixtures; and the 100-tree ×
 * 31-leaf boosted fixture answers as scikit-learn recorded.
 */
class TreeWalkerTest {

    private static final String CLASSIFIER = "TreeEnsembleClassifier";
    private static final String REGRESSOR = "TreeEnsembleRegressor";
    private static final Path FIXTURES = Path.of("src/test/resources/org/tabserve/fixtures");
    private static final String[][] MODE_SETS = {
        {"BRANCH_LEQ"},
        {"BRANCH_LT"},
        {"BRANCH_GTE"},
        {"BRANCH_GT"},
        {"BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT"}
    };
    private static final float[] EDGES = {
        -1f, 0f, -0f, 0.5f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, Float.MIN_VALUE
    };

    @Test
    void eachLaidOutModeAnswersAsTheEnsembleAndOnnxRuntime() throws Exception {
        int seed = 500;
        for (String[] modes : MODE_SETS) {
            for (Leaves leaves : List.of(Leaves.FIRST, Leaves.ONE_PER_TREE, Leaves.SOME, Leaves.EVERY)) {
                for (float[] cuts : List.of(RandomTrees.CUTS, EDGES)) {
                    int outputs = leaves == Leaves.FIRST ? 2 : 3;
                    RandomTrees random = new RandomTrees(seed++, 4, outputs, leaves, 1, false)
                            .modes(modes)
                            .cuts(cuts);
                    AttributeProto[] attributes = {
                        ints("classlabels_int64s", outputs == 2 ? new long[] {0, 1} : new long[] {0, 1, 2}),
                        text("post_transform", outputs == 2 ? "LOGISTIC" : "SOFTMAX"),
                        floats("base_values", outputs == 2 ? new float[] {0.25f} : new float[] {0.1f, -0.2f, 0.3f})
                    };
                    NodeProto node = random.trees(9).node(CLASSIFIER, attributes);
                    String what = String.join(",", modes) + " " + leaves + " cuts " + java.util.Arrays.toString(cuts);
                    double[][] rows = random.rows(203);
                    assertWalkedAsRead(what, MlModels.attributesOf(node), rows);
                    AgainstOrt.assertSame(
                            what,
                            MlModels.model(node, MlModels.FLOAT, 4, MlModels.INT64, outputs),
                            MlModels.FLOAT,
                            rows);
                }
            }
        }
    }

    @Test
    void regressorsAnswerAsTheEnsembleAndOnnxRuntime() throws Exception {
        int seed = 600;
        for (String[] modes : MODE_SETS) {
            for (String aggregate : List.of("SUM", "AVERAGE")) {
                RandomTrees random = new RandomTrees(seed++, 4, 1, Leaves.EVERY, 1, false)
                        .modes(modes)
                        .cuts(EDGES);
                NodeProto node = random.trees(11)
                        .node(
                                REGRESSOR,
                                MlModels.integer("n_targets", 1),
                                text("aggregate_function", aggregate),
                                floats("base_values", 0.5f));
                double[][] rows = random.rows(150);
                String what = String.join(",", modes) + " " + aggregate;
                assertWalkedAsRead(what, MlModels.attributesOf(node), rows);
                AgainstOrt.assertSame(what, MlModels.model(node, MlModels.FLOAT, 4, 0, 1), MlModels.FLOAT, rows);
            }
        }
    }

    /** Every TreeEnsembleClassifier and TreeEnsembleRegressor in the test fixtures, on rows of its thresholds. */
    @Test
    void everyTreeFixtureWalksAsItIsRead() throws Exception {
        List<Path> models;
        try (Stream<Path> files = Files.walk(FIXTURES)) {
            models = files.filter(f -> f.toString().endsWith(".onnx")).sorted().toList();
        }
        int ensembles = 0;
        for (Path model : models) {
            for (OnnxNode node : GraphParser.parse(model).nodes()) {
                if (node.opType().startsWith("TreeEnsemble")) {
                    NodeAttributes a = new NodeAttributes(node);
                    TreeEnsemble trees = TreeEnsembleReader.read(a);
                    assertWalkedAsRead(model.getFileName().toString(), a, rowsAround(trees, 400));
                    ensembles++;
                }
            }
        }
        assertTrue(ensembles >= 5, ensembles + " tree ensembles found in " + models.size() + " fixtures");
    }

    @Test
    void theFloorModelAnswersAsScikitLearnRecorded() throws Exception {
        Path dir = FIXTURES.resolve("floor");
        JsonNode expected = new ObjectMapper()
                .readTree(dir.resolve("banknote-hgb-100x31.expected.json").toFile());
        OnnxGraph graph = GraphParser.parse(dir.resolve("banknote-hgb-100x31.onnx"));
        TreeEnsemble trees =
                TreeEnsembleReader.read(new NodeAttributes(graph.nodes().get(0)));
        assertEquals(100, trees.trees());
        assertEquals(expected.get("nodes").asInt(), trees.nodes());
        JsonNode rows = expected.get("rows");
        int n = rows.size();
        float[] x = new float[n * 4];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < 4; c++) {
                x[r * 4 + c] = (float) rows.get(r).get(c).asDouble();
            }
        }
        PlainGraph plain = PlainGraph.compile(graph, List.of("label", "probabilities"));
        Map<String, PlainTensor> batch = plain.run(Map.of("input", PlainTensor.floats(n, 4, x)));
        for (int r = 0; r < n; r++) {
            Map<String, PlainTensor> one = plain.run(Map.of(
                    "input", PlainTensor.floats(1, 4, java.util.Arrays.copyOfRange(x, 4 * r, 4 * r + 4))));
            for (Map<String, PlainTensor> out : List.of(batch, one)) {
                int at = out == batch ? r : 0;
                String where = "row " + (r + 1) + (out == batch ? " in the batch" : " alone");
                assertEquals(
                        expected.get("labels").get(r).asLong(), out.get("label").longs()[at], where);
                assertEquals(
                        expected.get("probability_1").get(r).asDouble(),
                        out.get("probabilities").floats()[2 * at + 1],
                        1e-6,
                        where);
            }
        }
    }

    /** The walker's scores and labels equal the ensemble's reading, bit for bit, in a batch and row by row. */
    static void assertWalkedAsRead(String what, NodeAttributes a, double[][] rows) throws Exception {
        TreeEnsemble trees = TreeEnsembleReader.read(a);
        int width = rows[0].length;
        int k = trees.outputs();
        float[] x = new float[rows.length * width];
        double[] wide = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rows[i / width][i % width];
            wide[i] = x[i];
        }
        TreeWalker walker = new TreeWalker(trees);
        float[] scores = new float[rows.length * k];
        int[] labels = new int[rows.length];
        walker.scoreFloats(x, rows.length, width, scores, labels);
        float[] expected = new float[k];
        float[] alone = new float[k];
        int[] aloneLabel = new int[1];
        for (int r = 0; r < rows.length; r++) {
            int label = trees.evaluate(wide, r * width, true, expected, 0);
            walker.scoreFloats(
                    java.util.Arrays.copyOfRange(x, r * width, (r + 1) * width), 1, width, alone, aloneLabel);
            String where = what + ": row " + r + " " + java.util.Arrays.toString(rows[r]);
            assertEquals(label, labels[r], where + ": label in a batch");
            assertEquals(label, aloneLabel[0], where + ": label alone");
            for (int c = 0; c < k; c++) {
                assertEquals(expected[c], scores[r * k + c], where + ": score " + c + " in a batch");
                assertEquals(expected[c], alone[c], where + ": score " + c + " alone");
            }
        }
    }

    /** @return rows of each feature's thresholds, the floats either side of them, NaN and values between */
    private static double[][] rowsAround(TreeEnsemble trees, int count) {
        List<Float> values = new ArrayList<>();
        for (int i = 0; i < trees.nodes(); i++) {
            if (!trees.isLeaf(i)) {
                float t = trees.threshold(i);
                values.add(t);
                values.add(Math.nextUp(t));
                values.add(Math.nextDown(t));
            }
        }
        SplittableRandom random = new SplittableRandom(7);
        double[][] rows = new double[count][Math.max(1, trees.width())];
        for (double[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                int draw = random.nextInt(20);
                row[j] = draw == 0 ? Double.NaN : values.get(random.nextInt(values.size()));
            }
        }
        return rows;
    }
}
