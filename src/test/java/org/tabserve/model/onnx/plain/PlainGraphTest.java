package org.tabserve.model.onnx.plain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.OnnxNode;
import org.tabserve.model.onnx.graph.ml.OneHotEncoding;

/** What a graph compiles to in plain Java: only the nodes its outputs need, and a reason when one is not run. */
class PlainGraphTest {

    private static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    @Test
    void theBundledModelCompilesToItsFourNodesAndGivesProbabilities() throws Exception {
        PlainGraph graph = PlainGraph.compile(GraphParser.parse(Path.of("model.onnx")), List.of("output"));
        assertEquals(4, graph.nodes());
        PlainTensor row = PlainTensor.floats(1, 4, new float[] {3.6216f, 8.6661f, -2.8073f, -0.44699f});
        PlainTensor out = graph.run(Map.of("input", row)).get("output");
        assertEquals(1, out.rows());
        assertEquals(2, out.width());
        assertEquals(1.0, out.floats()[0] + out.floats()[1], 1e-6);
        assertTrue(out.floats()[0] > 0.5, "a genuine note: " + out); // the README's example row
    }

    @Test
    void anOperatorWithoutAPlainImplementationIsNamed() throws Exception {
        OnnxGraph fixedBatch = GraphParser.parse(PENGUINS.resolve("fixed-batch-4.onnx"));
        Unsupported refused = assertThrows(
                Unsupported.class,
                () -> PlainGraph.compile(
                        fixedBatch, List.of(fixedBatch.outputs().get(0).name())));
        assertTrue(refused.getMessage().startsWith("Gemm node"), refused.getMessage());
    }

    @Test
    void onlyTheNodesTheOutputsNeedAreCompiled() throws Exception {
        // The iris model's label comes from the LinearClassifier alone; its probabilities need the Normalizer too.
        OnnxGraph iris =
                GraphParser.parse(Path.of("src/test/resources/org/tabserve/fixtures/iris/iris-single-tensor.onnx"));
        assertEquals(1, PlainGraph.compile(iris, List.of("label")).nodes());
        assertEquals(
                2, PlainGraph.compile(iris, List.of("label", "probabilities")).nodes());
    }

    @Test
    void aTextColumnIsOneHotEncodedAndAnUnknownValueIsAllZeros() throws Exception {
        OnnxNode encoder = GraphParser.parse(PENGUINS.resolve("species-zipmap.onnx")).nodes().stream()
                .filter(n -> n.opType().equals("OneHotEncoder"))
                .findFirst()
                .orElseThrow();
        PlainTensor island = PlainTensor.strings(3, 1, new String[] {"Dream", "Atlantis", "Biscoe"});
        PlainTensor out = new OneHotEncoder(OneHotEncoding.read(new NodeAttributes(encoder)))
                .apply(new PlainTensor[] {island})[0];
        assertEquals(3, out.rank());
        assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0, 1, 0, 0}, out.floats()); // Biscoe, Dream, Torgersen
    }

    @Test
    void gatherPicksColumnsAndConcatJoinsThem() throws Exception {
        // The bundled model's first node gathers columns [2, 3, 1, 0]; a penguins model concatenates on axis 1.
        OnnxNode gatherNode = GraphParser.parse(Path.of("model.onnx")).nodes().get(0);
        PlainTensor x = PlainTensor.floats(2, 4, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        PlainOp gather = ShapeOps.gather(new NodeAttributes(gatherNode), new long[] {2, 3, 1, 0});
        assertArrayEquals(new float[] {3, 4, 2, 1, 7, 8, 6, 5}, gather.apply(new PlainTensor[] {x})[0].floats());
        OnnxNode concatNode = GraphParser.parse(PENGUINS.resolve("species-labels-in-graph.onnx")).nodes().stream()
                .filter(n -> n.opType().equals("Concat"))
                .findFirst()
                .orElseThrow();
        PlainTensor joined = ShapeOps.concat(new NodeAttributes(concatNode)).apply(new PlainTensor[] {x, x})[0];
        assertEquals(8, joined.width());
        assertArrayEquals(new float[] {1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 5, 6, 7, 8}, joined.floats());
    }
}
