package org.tabserve.model.onnx.plain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.graph.OnnxGraph;

/** What a compiled graph's run answers: the values asked for, by name, in the order asked, each input named if missing. */
class PlainRunTest {

    private static final Path IRIS = Path.of("src/test/resources/org/tabserve/fixtures/iris/iris-single-tensor.onnx");

    @Test
    void theValuesAskedForComeByNameInTheOrderAsked() throws Exception {
        OnnxGraph iris = GraphParser.parse(IRIS);
        String input = iris.inputs().get(0).name();
        PlainTensor rows = PlainTensor.floats(2, 4, new float[] {5.1f, 3.5f, 1.4f, 0.2f, 6.7f, 3.0f, 5.2f, 2.3f});
        Map<String, PlainTensor> one =
                PlainGraph.compile(iris, List.of("probabilities", "label")).run(Map.of(input, rows));
        Map<String, PlainTensor> other =
                PlainGraph.compile(iris, List.of("label", "probabilities")).run(Map.of(input, rows));
        assertEquals(List.of("probabilities", "label"), List.copyOf(one.keySet()));
        assertEquals(List.of("label", "probabilities"), List.copyOf(other.keySet()));
        assertArrayEquals(
                other.get("probabilities").floats(), one.get("probabilities").floats());
        assertArrayEquals(other.get("label").longs(), one.get("label").longs());
        assertEquals(3, one.get("probabilities").width());
        assertEquals(2, one.get("label").rows());
        assertNull(one.get("no such value"));
    }

    @Test
    void anIntermediateValueCanBeAskedFor() throws Exception {
        // The bundled model's first node gathers columns [2, 3, 1, 0] of its input.
        OnnxGraph graph = GraphParser.parse(Path.of("model.onnx"));
        String gathered = graph.nodes().get(0).outputs().get(0);
        PlainTensor row = PlainTensor.floats(1, 4, new float[] {1, 2, 3, 4});
        Map<String, PlainTensor> out = PlainGraph.compile(graph, List.of(gathered, "output"))
                .run(Map.of(graph.inputs().get(0).name(), row));
        assertArrayEquals(new float[] {3, 4, 2, 1}, out.get(gathered).floats());
        assertEquals(2, out.get("output").width());
    }

    @Test
    void aMissingInputIsNamed() throws Exception {
        OnnxGraph iris = GraphParser.parse(IRIS);
        PlainGraph graph = PlainGraph.compile(iris, List.of("label"));
        IllegalArgumentException missing = assertThrows(
                IllegalArgumentException.class,
                () -> graph.run(Map.of("not_an_input", PlainTensor.floats(1, 4, new float[4]))));
        assertEquals("no value for '" + iris.inputs().get(0).name() + "'", missing.getMessage());
    }
}
