package org.tabserve.model.onnx.graph.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tabserve.model.onnx.graph.Graphs.FLOAT;
import static org.tabserve.model.onnx.graph.Graphs.INT64;
import static org.tabserve.model.onnx.graph.Graphs.ML;
import static org.tabserve.model.onnx.graph.Graphs.STRING;
import static org.tabserve.model.onnx.graph.Graphs.facts;
import static org.tabserve.model.onnx.graph.Graphs.node;
import static org.tabserve.model.onnx.graph.Graphs.tensor;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.graph.Graphs;
import org.tabserve.model.onnx.graph.OnnxFormatException;

/**
 * Issue 66, item 1: which columns take a missing value because the trees that read them route it. The tree fixtures
 * (XGBoost and HistGradientBoosting, whose cards no longer say so) and near misses: a Scaler, a Cast to integers, a
 * graph output or an ensemble that routes nothing on the way, the columns followed through Concat and Gather.
 */
class TreeRoutedColumnsTest {

    private static final Path TREES = Path.of("src/test/resources/org/tabserve/fixtures/trees");
    private static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    @ParameterizedTest
    @ValueSource(
            strings = {"xgb-sex", "xgb-species", "xgb-sex-reg-logistic", "xgb-sex-no-nan", "hgb-sex", "hgb-species"})
    void everyMeasurementOfTheXgboostAndHistGradientBoostingFixturesIsRouted(String fixture) throws IOException {
        assertEquals(
                Map.of("input", Set.of(0, 1, 2, 3)),
                fixture(TREES.resolve(fixture + ".onnx")).treeRouted());
    }

    @Test
    void theRegressorsOfThreeMeasurementsToo() throws IOException {
        for (String fixture : List.of("xgb-body-mass", "xgb-body-mass-no-nan", "hgb-body-mass")) {
            assertEquals(
                    Map.of("input", Set.of(0, 1, 2)),
                    fixture(TREES.resolve(fixture + ".onnx")).treeRouted(),
                    fixture);
        }
    }

    @Test
    void scikitLearnsGradientBoostingAndRandomForestRouteNothingNorDoImputedPipelines() throws IOException {
        for (String fixture : List.of("gb-sex", "gb-species", "gb-body-mass", "rf-species", "rf-body-mass")) {
            GraphFacts facts = fixture(TREES.resolve(fixture + ".onnx"));
            assertEquals(Map.of(), facts.treeRouted(), fixture);
            int width = fixture.endsWith("body-mass") ? 3 : 4;
            assertEquals(
                    Map.of("input", Set.copyOf(IntStream.range(0, width).boxed().toList())),
                    facts.treeUnrouted(),
                    fixture + ": every measurement reaches trees that route nothing");
        }
        for (String fixture : List.of("species-nozipmap", "body-mass-regressor")) {
            GraphFacts facts = fixture(PENGUINS.resolve(fixture + ".onnx"));
            assertEquals(Map.of(), facts.treeRouted(), fixture);
            assertEquals(Map.of(), facts.treeUnrouted(), fixture + ": the Imputer comes first, the trees see no NaN");
        }
    }

    /**
     * Issue 79, item 2: an XGBoost model trained without a missing value (by {@code hist}, XGBoost 2's default) sends
     * one the "no" way at every split, which onnxmltools writes as tracks 0 throughout: its every branch is BRANCH_LT,
     * XGBoost's {@code x < threshold}, and that is the sign that each 0 is XGBoost's choice. The same zeros on a
     * BRANCH_LEQ tree (scikit-learn's), or on trees of both modes, say nothing: nothing is routed.
     */
    @Test
    void zerosOnEveryBranchRouteWhenEveryBranchIsXgboostsLessThanAndOnlyThen() throws OnnxFormatException {
        NodeProto.Builder lessThan = trees("TreeEnsembleRegressor", "input", "label", 2, 0);
        setModes(lessThan, "BRANCH_LT", "LEAF", "BRANCH_LT", "LEAF", "LEAF");
        GraphFacts xgboost = facts(oneTree(lessThan));
        assertEquals(Map.of("input", Set.of(0, 1)), xgboost.treeRouted());
        assertEquals(Map.of(), xgboost.treeUnrouted());

        GraphFacts scikitLearn = facts(oneTree(trees("TreeEnsembleRegressor", "input", "label", 2, 0)));
        assertEquals(Map.of(), scikitLearn.treeRouted());
        assertEquals(Map.of("input", Set.of(0, 1)), scikitLearn.treeUnrouted());

        NodeProto.Builder mixed = trees("TreeEnsembleRegressor", "input", "label", 2, 0);
        setModes(mixed, "BRANCH_LT", "LEAF", "BRANCH_LEQ", "LEAF", "LEAF");
        assertEquals(Map.of(), facts(oneTree(mixed)).treeRouted(), "one <= branch: the zeros say nothing");

        NodeProto.Builder leaves = trees("TreeEnsembleRegressor", "input", "label", 2, 0);
        setModes(leaves, "LEAF", "LEAF", "LEAF", "LEAF", "LEAF");
        assertEquals(Map.of(), facts(oneTree(leaves)).treeRouted(), "no branch at all: no sign either");
    }

    @Test
    void columnsConcatenatedBesideAnEncodedTextAreFollowedToTheirTrees() throws OnnxFormatException {
        GraphFacts facts = facts(GraphProto.newBuilder()
                .addInput(tensor("island", STRING, "N", 1))
                .addInput(tensor("bill", FLOAT, "N", 1))
                .addInput(tensor("flipper", FLOAT, "N", 1))
                .addInitializer(integers("shape", -1, 3))
                .addNode(node("OneHotEncoder", ML, List.of("island"), List.of("encoded"))
                        .addAttribute(Graphs.strings("cats_strings", "Biscoe", "Dream", "Torgersen")))
                .addNode(node("Reshape", "", List.of("encoded", "shape"), List.of("islands")))
                .addNode(node("Concat", "", List.of("bill", "flipper"), List.of("numbers"))
                        .addAttribute(Graphs.intAttribute("axis", 1)))
                .addNode(node("Concat", "", List.of("islands", "numbers"), List.of("all"))
                        .addAttribute(Graphs.intAttribute("axis", 1)))
                .addNode(trees("TreeEnsembleRegressor", "all", "value", 5, 1))
                .addOutput(tensor("value", FLOAT, "N", 1)));
        assertEquals(Map.of("bill", Set.of(0), "flipper", Set.of(0)), facts.treeRouted());
    }

    @Test
    void aColumnGatheredToAnEnsembleThatRoutesNothingIsNotRoutedAndItsNeighbourIs() throws OnnxFormatException {
        GraphFacts facts = facts(GraphProto.newBuilder()
                .addInput(tensor("input", FLOAT, "N", 3))
                .addInitializer(integers("first", 0, 2))
                .addInitializer(integers("second", 1))
                .addNode(node("Gather", "", List.of("input", "first"), List.of("a"))
                        .addAttribute(Graphs.intAttribute("axis", 1)))
                .addNode(node("ArrayFeatureExtractor", ML, List.of("input", "second"), List.of("b")))
                .addNode(trees("TreeEnsembleRegressor", "a", "x", 2, 1))
                .addNode(trees("TreeEnsembleRegressor", "b", "y", 1, 0))
                .addNode(node("Add", "", List.of("x", "y"), List.of("value")))
                .addOutput(tensor("value", FLOAT, "N", 1)));
        assertEquals(Map.of("input", Set.of(0, 2)), facts.treeRouted(), "column 1 reaches trees of no missing track");
    }

    @Test
    void aScalerACastToIntegersOrAGraphOutputOnTheWayMeansNo() throws OnnxFormatException {
        GraphFacts facts = facts(GraphProto.newBuilder()
                .addInput(tensor("scaled", FLOAT, "N", 1))
                .addInput(tensor("cast", FLOAT, "N", 1))
                .addInput(tensor("echoed", FLOAT, "N", 1))
                .addInput(tensor("kept", FLOAT, "N", 1))
                .addNode(node("Scaler", ML, List.of("scaled"), List.of("s")).addAttribute(Graphs.floats("scale", 2f)))
                .addNode(node("Cast", "", List.of("cast"), List.of("c"))
                        .addAttribute(Graphs.intAttribute("to", TensorProto.DataType.INT64_VALUE)))
                .addNode(node("Cast", "", List.of("c"), List.of("c2")).addAttribute(Graphs.intAttribute("to", FLOAT)))
                .addNode(node("Identity", "", List.of("echoed"), List.of("echo")))
                .addNode(node("Cast", "", List.of("kept"), List.of("k"))
                        .addAttribute(Graphs.intAttribute("to", TensorProto.DataType.DOUBLE_VALUE)))
                .addNode(node("Concat", "", List.of("s", "c2", "echoed", "k"), List.of("all"))
                        .addAttribute(Graphs.intAttribute("axis", 1)))
                .addNode(trees("TreeEnsembleRegressor", "all", "value", 4, 1))
                .addOutput(tensor("value", FLOAT, "N", 1))
                .addOutput(tensor("echo", FLOAT, "N", 1)));
        assertEquals(Map.of("kept", Set.of(0)), facts.treeRouted());
    }

    @Test
    void aMissingTrackOnALeafAloneRoutesNothingAndTheNewerTreeEnsembleOpRoutesByItsBranches()
            throws OnnxFormatException {
        NodeProto.Builder leafOnly = trees("TreeEnsembleClassifier", "input", "label", 2, 0);
        leafOnly.removeAttribute(attribute(leafOnly, "nodes_missing_value_tracks_true"));
        leafOnly.addAttribute(Graphs.ints("nodes_missing_value_tracks_true", 0, 1, 0, 1, 1));
        assertEquals(Map.of(), facts(oneTree(leafOnly)).treeRouted());
        NodeProto.Builder opset5 = node("TreeEnsemble", ML, List.of("input"), List.of("label"))
                .addAttribute(Graphs.ints("nodes_featureids", 0, 1))
                .addAttribute(Graphs.ints("nodes_missing_value_tracks_true", 0, 1));
        assertEquals(Map.of("input", Set.of(0, 1)), facts(oneTree(opset5)).treeRouted());
    }

    @Test
    void aWideInputPastTheBoundIsNotFollowed() throws OnnxFormatException {
        GraphFacts facts = facts(GraphProto.newBuilder()
                .addInput(tensor("input", FLOAT, "N", TreeRoutedColumns.MAX_PLACES + 1))
                .addNode(trees("TreeEnsembleRegressor", "input", "value", 1, 1))
                .addOutput(tensor("value", FLOAT, "N", 1)));
        assertEquals(Map.of(), facts.treeRouted());
    }

    /**
     * A hostile graph of 40 Concats, each of the last one with itself: its values' columns double at each, past any
     * memory; following them stops at the bound, in a moment, and no column is said to be routed.
     */
    @Test
    void columnsThatDoubleAtEveryConcatAreFollowedOnlyToTheBound() throws OnnxFormatException {
        GraphProto.Builder graph = GraphProto.newBuilder().addInput(tensor("x0", FLOAT, "N", 1));
        for (int i = 0; i < 40; i++) {
            graph.addNode(node("Concat", "", List.of("x" + i, "x" + i), List.of("x" + (i + 1)))
                    .addAttribute(Graphs.intAttribute("axis", 1)));
        }
        graph.addNode(trees("TreeEnsembleRegressor", "x40", "value", 1, 1)).addOutput(tensor("value", FLOAT, "N", 1));
        assertEquals(Map.of(), facts(graph).treeRouted());
    }

    @Test
    void constantIndicesPastTheBoundAreNotRead() throws OnnxFormatException {
        GraphFacts facts = facts(GraphProto.newBuilder()
                .addInput(tensor("input", FLOAT, "N", 2))
                .addInitializer(TensorProto.newBuilder()
                        .setName("many")
                        .setDataType(INT64)
                        .addDims(TreeRoutedColumns.MAX_PLACES + 1L)
                        .addInt64Data(0)) // one index held: the dimension alone says the list is too long to read
                .addNode(node("Gather", "", List.of("input", "many"), List.of("picked"))
                        .addAttribute(Graphs.intAttribute("axis", 1)))
                .addNode(trees("TreeEnsembleRegressor", "picked", "value", 1, 1))
                .addOutput(tensor("value", FLOAT, "N", 1)));
        assertEquals(Map.of(), facts.treeRouted());
    }

    private static GraphProto.Builder oneTree(NodeProto.Builder tree) {
        return GraphProto.newBuilder()
                .addInput(tensor("input", FLOAT, "N", 2))
                .addNode(tree)
                .addOutput(tensor("label", INT64, "N"));
    }

    /**
     * One tree whose branches read features 0 to {@code features - 1} in turn, each branch's true child a leaf, each
     * branch's missing track {@code track}.
     */
    private static NodeProto.Builder trees(String op, String input, String output, int features, int track) {
        int nodes = 2 * features + 1;
        long[] modesTrack = new long[nodes];
        String[] modes = new String[nodes];
        long[] featureIds = new long[nodes];
        long[] trueIds = new long[nodes];
        long[] falseIds = new long[nodes];
        for (int n = 0; n < nodes; n++) {
            boolean branch = n % 2 == 0 && n < nodes - 1;
            modes[n] = branch ? "BRANCH_LEQ" : "LEAF";
            featureIds[n] = branch ? n / 2 : 0;
            trueIds[n] = branch ? n + 1 : 0;
            falseIds[n] = branch ? n + 2 : 0;
            modesTrack[n] = branch ? track : 0;
        }
        long[] leaves = LongStream.range(0, nodes)
                .filter(n -> n % 2 == 1 || n == nodes - 1)
                .toArray();
        float[] weights = new float[leaves.length];
        Arrays.fill(weights, 1f);
        boolean classifier = op.equals("TreeEnsembleClassifier");
        String prefix = classifier ? "class_" : "target_";
        NodeProto.Builder node = node(op, ML, List.of(input), classifier ? List.of(output, "scores") : List.of(output))
                .addAttribute(Graphs.ints("nodes_treeids", new long[nodes]))
                .addAttribute(
                        Graphs.ints("nodes_nodeids", LongStream.range(0, nodes).toArray()))
                .addAttribute(Graphs.ints("nodes_featureids", featureIds))
                .addAttribute(Graphs.strings("nodes_modes", modes))
                .addAttribute(Graphs.floats("nodes_values", new float[nodes]))
                .addAttribute(Graphs.ints("nodes_truenodeids", trueIds))
                .addAttribute(Graphs.ints("nodes_falsenodeids", falseIds))
                .addAttribute(Graphs.ints("nodes_missing_value_tracks_true", modesTrack))
                .addAttribute(Graphs.ints(prefix + "treeids", new long[leaves.length]))
                .addAttribute(Graphs.ints(prefix + "nodeids", leaves))
                .addAttribute(Graphs.ints(prefix + "ids", new long[leaves.length]))
                .addAttribute(Graphs.floats(prefix + "weights", weights));
        return classifier ? node.addAttribute(Graphs.ints("classlabels_int64s", 0, 1)) : node;
    }

    private static void setModes(NodeProto.Builder tree, String... modes) {
        tree.removeAttribute(attribute(tree, "nodes_modes"));
        tree.addAttribute(Graphs.strings("nodes_modes", modes));
    }

    private static int attribute(NodeProto.Builder node, String name) {
        for (int i = 0; i < node.getAttributeCount(); i++) {
            if (node.getAttribute(i).getName().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static TensorProto.Builder integers(String name, long... values) {
        TensorProto.Builder tensor =
                TensorProto.newBuilder().setName(name).setDataType(INT64).addDims(values.length);
        for (long v : values) {
            tensor.addInt64Data(v);
        }
        return tensor;
    }

    private static GraphFacts fixture(Path model) throws IOException {
        return FactFinder.find(GraphParser.parse(model));
    }
}
