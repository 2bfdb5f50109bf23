package org.tabserve.model.onnx;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tabserve.model.onnx.copy.GraphOutputs;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.OnnxNode;
import org.tabserve.model.onnx.graph.ml.OperatorLabels;

/**
 * The float tensor a graph's ZipMap turns into a sequence of maps, made a graph output of its own so that
 * predictions read it as one tensor. Why: ONNX Runtime Java hands out a ZipMap's answer as one native map object per
 * row, each read through two more JNI calls and a HashMap, which cost several times the rest of a text model's
 * prediction; the tensor holds the same floats (ZipMap copies them, column {@code j} under key
 * {@code classlabels[j]}), so every answer stays identical.
 *
 * @param tensor  the ZipMap's input, the probability tensor {@code [N, C]}
 * @param zipMap  the ZipMap's output, a graph output
 * @param columns the ZipMap's keys in tensor-column order, as text (its classlabels_strings or classlabels_int64s)
 */
record ZipMapProbabilities(String tensor, String zipMap, List<String> columns) {

    ZipMapProbabilities {
        columns = List.copyOf(columns);
    }

    /**
     * The ZipMap whose output is a graph output and whose input is not, with its class labels; empty when the graph
     * has none (or several, or labels it does not state).
     */
    static Optional<ZipMapProbabilities> of(OnnxGraph graph) {
        List<ZipMapProbabilities> found = new ArrayList<>();
        for (OnnxNode node : graph.nodes()) {
            if (!node.isMl("ZipMap")
                    || node.inputs().size() != 1
                    || node.outputs().size() != 1
                    || graph.output(node.outputs().get(0)).isEmpty()
                    || graph.output(node.inputs().get(0)).isPresent()) {
                continue;
            }
            List<String> labels = labels(node);
            if (labels != null && !labels.isEmpty()) {
                found.add(new ZipMapProbabilities(
                        node.inputs().get(0), node.outputs().get(0), labels));
            }
        }
        return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
    }

    private static List<String> labels(OnnxNode node) {
        try {
            return OperatorLabels.read(new NodeAttributes(node), OperatorLabels.INT64S)
                    .texts();
        } catch (OnnxFormatException e) {
            return null; // the attribute is unreadable: leave the ZipMap as it is, the decoder reads its maps
        }
    }

    /**
     * The model with {@link #tensor} declared as one more graph output, a float {@code [N, C]} tensor
     * ({@link GraphOutputs}).
     *
     * @return a read-only mapping of a new private file
     * @throws java.io.UncheckedIOException when that file cannot be written
     */
    ByteBuffer exposedIn(ByteBuffer model) {
        return new GraphOutputs().output(tensor, columns.size()).appliedTo(model);
    }
}
