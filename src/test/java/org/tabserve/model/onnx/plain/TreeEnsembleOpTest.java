package org.tabserve.model.onnx.plain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.model.onnx.graph.ml.MlModels.floats;
import static org.tabserve.model.onnx.graph.ml.MlModels.ints;
import static org.tabserve.model.onnx.graph.ml.MlModels.strings;
import static org.tabserve.model.onnx.graph.ml.MlModels.text;

import ai.onnx.proto.OnnxMl.AttributeProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.ml.MlModels;
import org.tabserve.model.onnx.graph.ml.PostTransform;
import org.tabserve.model.onnx.plain.RandomTrees.Leaves;

/**
 * Tree ensembles in plain Java answer as ONNX Runtime, label for label and score for score, on random trees that take
 * every path of its tree code (each branch mode, thresholds hit exactly, missing values tracked either way, trees of
 * one leaf, leaves of several weights, classes some leaves leave out), under every post-transform, with and without
 * base values, in each of its binary cases, for float, double and int64 inputs; and as scikit-learn recorded for the
 * exporter's boosted iris classifier (softmax of three classes with base values).
 */
class TreeEnsembleOpTest {

    private static final String CLASSIFIER = "TreeEnsembleClassifier";
    private static final String REGRESSOR = "TreeEnsembleRegressor";

    @ParameterizedTest
    @EnumSource(PostTransform.class)
    void threeClassesOfIntegerLabelsUnderEachPostTransformWithAndWithoutBaseValues(PostTransform post)
            throws Exception {
        boolean probit = post == PostTransform.PROBIT; // its scores in (0, 1), where probit is finite
        for (boolean base : new boolean[] {false, true}) {
            RandomTrees random = new RandomTrees(
                    post.ordinal() * 2L + (base ? 1 : 0), 4, 3, Leaves.SOME, probit ? 0.15f : 1, probit);
            List<AttributeProto> attributes =
                    new ArrayList<>(List.of(ints("classlabels_int64s", 4, 7, 9), text("post_transform", post.name())));
            if (base) {
                attributes.add(floats("base_values", probit ? 0.1f : 0.5f, probit ? 0.05f : -0.25f, 0f));
            }
            byte[] model = MlModels.model(
                    random.trees(6).node(CLASSIFIER, attributes.toArray(AttributeProto[]::new)),
                    MlModels.FLOAT,
                    4,
                    MlModels.INT64,
                    3);
            int finite = AgainstOrt.assertSame(
                    post + (base ? " with base values" : ""), model, MlModels.FLOAT, random.rows(300));
            assertTrue(finite > 300, post + ": " + finite + " finite scores compared");
        }
    }

    @Test
    void textLabels() throws Exception {
        RandomTrees random = new RandomTrees(11, 3, 4, Leaves.EVERY, 1, true);
        byte[] model = MlModels.model(
                random.trees(5)
                        .node(
                                CLASSIFIER,
                                strings("classlabels_strings", "a", "b", "c", "d"),
                                text("post_transform", "NONE")),
                MlModels.FLOAT,
                3,
                MlModels.text(),
                4);
        AgainstOrt.assertSame("text labels", model, MlModels.FLOAT, random.rows(200));
    }

    /** ONNX Runtime's binary cases: one class scored (each), or both, with none, one or two base values. */
    @Test
    void twoClassesInEachOfOnnxRuntimesBinaryCases() throws Exception {
        record Case(Leaves leaves, boolean positive, String post, float[] base) {}
        List<Case> cases = List.of(
                new Case(Leaves.FIRST, false, "LOGISTIC", new float[0]), // boosted trees
                new Case(Leaves.FIRST, false, "LOGISTIC", new float[] {-0.3f}),
                new Case(Leaves.FIRST, false, "SOFTMAX", new float[0]),
                new Case(Leaves.FIRST, true, "NONE", new float[0]), // vote shares of one class
                new Case(Leaves.FIRST, true, "LOGISTIC", new float[] {0.1f}),
                new Case(Leaves.FIRST, false, "NONE", new float[] {0.2f, 0.4f}),
                new Case(Leaves.SECOND, false, "LOGISTIC", new float[0]),
                new Case(Leaves.SECOND, true, "NONE", new float[] {0.25f}),
                new Case(Leaves.SECOND, false, "NONE", new float[] {0.2f, 0.4f}),
                new Case(Leaves.EVERY, true, "NONE", new float[0]), // a random forest
                new Case(Leaves.EVERY, false, "SOFTMAX", new float[] {0.5f}),
                new Case(Leaves.EVERY, false, "LOGISTIC", new float[] {0.2f, 0.4f}),
                new Case(Leaves.FIRST_AND_SOMETIMES_SECOND, false, "LOGISTIC", new float[0]),
                new Case(Leaves.FIRST_AND_SOMETIMES_SECOND, true, "NONE", new float[] {0.2f, 0.4f}));
        int seed = 100;
        for (Case c : cases) {
            RandomTrees random = new RandomTrees(seed++, 3, 2, c.leaves(), c.positive() ? 0.2f : 1, c.positive());
            byte[] model = MlModels.model(
                    random.trees(5)
                            .node(
                                    CLASSIFIER,
                                    ints("classlabels_int64s", 0, 1),
                                    text("post_transform", c.post()),
                                    floats("base_values", c.base())),
                    MlModels.FLOAT,
                    3,
                    MlModels.INT64,
                    2);
            AgainstOrt.assertSame(c.toString(), model, MlModels.FLOAT, random.rows(300));
        }
    }

    @Test
    void regressorsSummedOrAveragedWithABaseValueAndTheirOnePostTransform() throws Exception {
        int seed = 200;
        for (String aggregate : List.of("SUM", "AVERAGE")) {
            for (String post : List.of("NONE", "PROBIT")) { // LOGISTIC: ONNX Runtime leaves it out (OrtKnownErrorsTest)
                RandomTrees random = new RandomTrees(seed++, 4, 1, Leaves.EVERY, 0.1f, true);
                byte[] model = MlModels.model(
                        random.trees(7)
                                .node(
                                        REGRESSOR,
                                        MlModels.integer("n_targets", 1),
                                        text("aggregate_function", aggregate),
                                        text("post_transform", post),
                                        floats("base_values", 0.25f)),
                        MlModels.FLOAT,
                        4,
                        0,
                        1);
                AgainstOrt.assertSame(aggregate + " " + post, model, MlModels.FLOAT, random.rows(300));
            }
        }
    }

    @Test
    void aDoubleInputIsComparedAndSummedInDoubleAndAnInt64InputAsFloats() throws Exception {
        RandomTrees random = new RandomTrees(300, 4, 3, Leaves.SOME, 1, false);
        MlModels.Trees trees = random.trees(6);
        AttributeProto labels = ints("classlabels_int64s", 0, 1, 2);
        AttributeProto softmax = text("post_transform", "SOFTMAX");
        AgainstOrt.assertSame(
                "double",
                MlModels.model(trees.node(CLASSIFIER, labels, softmax), MlModels.DOUBLE, 4, MlModels.INT64, 3),
                MlModels.DOUBLE,
                random.rows(300));
        MlModels.Trees regressor = new RandomTrees(301, 4, 1, Leaves.EVERY, 1, false).trees(6);
        AgainstOrt.assertSame(
                "double regressor",
                MlModels.model(
                        regressor.node(REGRESSOR, MlModels.integer("n_targets", 1), floats("base_values", 0.1f)),
                        MlModels.DOUBLE,
                        4,
                        0,
                        1),
                MlModels.DOUBLE,
                random.rows(300));
        double[][] whole = random.rows(300);
        for (double[] row : whole) {
            for (int j = 0; j < row.length; j++) {
                row[j] = Double.isNaN(row[j]) ? 3 : Math.rint(row[j] * 2);
            }
        }
        AgainstOrt.assertSame(
                "int64",
                MlModels.model(trees.node(CLASSIFIER, labels, softmax), MlModels.INT64, 4, MlModels.INT64, 3),
                MlModels.INT64,
                whole);
    }

    /** skl2onnx's export of GradientBoostingClassifier (3 classes, softmax, base values), as scikit-learn answered. */
    @Test
    void theBoostedIrisClassifierAnswersAsScikitLearnRecorded() throws Exception {
        Path iris = Path.of("src/test/resources/org/tabserve/fixtures/iris");
        JsonNode expected = new ObjectMapper()
                .readTree(iris.resolve("iris-undeclared-shape.expected.json").toFile());
        OnnxGraph graph = GraphParser.parse(iris.resolve("iris-undeclared-shape.onnx"));
        PlainGraph plain = PlainGraph.compile(graph, List.of("label", "probabilities"));
        JsonNode rows = expected.get("rows");
        float[] x = new float[rows.size() * 4];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < 4; c++) {
                x[r * 4 + c] = (float) rows.get(r)
                        .get("inputs")
                        .get(expected.get("columns").get(c).asText())
                        .asDouble();
            }
        }
        Map<String, PlainTensor> out = plain.run(Map.of("input", PlainTensor.floats(rows.size(), 4, x)));
        for (int r = 0; r < rows.size(); r++) {
            JsonNode row = rows.get(r);
            assertEquals(
                    row.get("label").asText(), Long.toString(out.get("label").longs()[r]), "row " + (r + 1));
            for (int c = 0; c < 3; c++) {
                assertEquals(
                        row.get("probabilities").get(Integer.toString(c)).asDouble(),
                        out.get("probabilities").floats()[r * 3 + c],
                        1e-5,
                        "row " + (r + 1) + " class " + c);
            }
        }
    }
}
