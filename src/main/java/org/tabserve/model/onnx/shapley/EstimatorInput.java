package org.tabserve.model.onnx.shapley;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxAttribute;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.OnnxNode;
import org.tabserve.model.onnx.graph.OnnxTensor;
import org.tabserve.model.onnx.graph.ml.OneHotEncoding;
import org.tabserve.model.onnx.graph.ml.UnreadOperator;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;

/**
 * The one estimator of a graph (a tree ensemble or a linear model) and which of the model's input columns each
 * element of its input row comes from, found from the graph's structure alone: so that an explanation can treat the
 * user's columns as the players while it reads the estimator's own attributes.
 *
 * <p>Only operators that work column by column are followed: elementwise ones (Cast, Identity, Imputer, Scaler),
 * Concat along the last axis, OneHotEncoder (each input element becomes one element per category), an
 * ArrayFeatureExtractor with constant indices and a Reshape that keeps a row's elements in order. Anything else
 * between the inputs and the estimator (a Normalizer, a matrix product, an unknown operator) leaves the estimator's
 * input unmapped, and the model is explained by the generic {@link org.tabserve.model.explain.Explainer}.
 *
 * @param estimator the estimator node
 * @param tensor    its input tensor, {@code [N, k]}
 * @param columnOf  for each of the k elements, the index of the model feature it comes from
 */
public record EstimatorInput(OnnxNode estimator, String tensor, int[] columnOf) {

    /** The estimators explained from their attributes. */
    static final Set<String> ESTIMATORS =
            Set.of("TreeEnsembleClassifier", "TreeEnsembleRegressor", "LinearClassifier", "LinearRegressor");

    private static final Set<String> ELEMENTWISE_STANDARD = Set.of("Cast", "Identity");
    private static final Set<String> ELEMENTWISE_ML = Set.of("Imputer", "Scaler");

    /** A tensor's elements per row (last axis flattened) and the feature each comes from. */
    private record Mapped(int rank, int last, int[] columns) {}

    /** @return the graph's estimator and its input's columns, or empty when there is none or it cannot be mapped */
    public static Optional<EstimatorInput> of(OnnxGraph graph, ModelSignature signature) {
        List<OnnxNode> estimators = graph.nodes().stream()
                .filter(n -> n.domain().equals(OnnxNode.ML_DOMAIN) && ESTIMATORS.contains(n.opType()))
                .toList();
        if (estimators.size() != 1 || estimators.get(0).inputs().isEmpty()) {
            return Optional.empty();
        }
        Map<String, Mapped> mapped = new HashMap<>();
        int offset = 0;
        for (ModelInput input : signature.inputs()) {
            int[] columns = new int[input.width()];
            for (int e = 0; e < columns.length; e++) {
                columns[e] = offset + e;
            }
            offset += input.width();
            if (input.rank() == 2) {
                mapped.put(input.name(), new Mapped(2, columns.length, columns));
            }
        }
        try {
            for (OnnxNode node : graph.nodes()) {
                Mapped out = follow(node, mapped, graph);
                if (out != null && node.outputs().size() == 1) {
                    mapped.put(node.outputs().get(0), out);
                }
            }
        } catch (OnnxFormatException e) {
            return Optional.empty();
        }
        OnnxNode estimator = estimators.get(0);
        Mapped in = mapped.get(estimator.inputs().get(0));
        if (in == null || in.rank() != 2 || in.last() != in.columns().length) {
            return Optional.empty();
        }
        return Optional.of(new EstimatorInput(estimator, estimator.inputs().get(0), in.columns()));
    }

    /** @return the mapping of the node's one output, or null when the node does not keep columns apart */
    private static Mapped follow(OnnxNode node, Map<String, Mapped> mapped, OnnxGraph graph)
            throws OnnxFormatException {
        if (node.inputs().isEmpty()) {
            return null;
        }
        Mapped first = mapped.get(node.inputs().get(0));
        if (first == null) {
            return null;
        }
        boolean standard = node.domain().isEmpty() || node.domain().equals("ai.onnx");
        if (standard && ELEMENTWISE_STANDARD.contains(node.opType())
                || node.domain().equals(OnnxNode.ML_DOMAIN) && ELEMENTWISE_ML.contains(node.opType())) {
            return node.inputs().size() == 1 ? first : null;
        }
        if (node.isStandard("Concat")) {
            return concat(node, mapped);
        }
        if (node.isMl("OneHotEncoder")) {
            int categories = categories(node);
            if (categories <= 0) {
                return null;
            }
            int[] columns = new int[first.columns().length * categories];
            for (int e = 0; e < columns.length; e++) {
                columns[e] = first.columns()[e / categories];
            }
            return new Mapped(first.rank() + 1, categories, columns);
        }
        if (node.isMl("ArrayFeatureExtractor") && node.inputs().size() == 2 && first.last() == first.columns().length) {
            long[] indices = constant(graph, node.inputs().get(1));
            if (indices == null || indices.length == 0) {
                return null;
            }
            int[] columns = new int[indices.length];
            for (int e = 0; e < indices.length; e++) {
                if (indices[e] < 0 || indices[e] >= first.columns().length) {
                    return null;
                }
                columns[e] = first.columns()[(int) indices[e]];
            }
            return new Mapped(first.rank(), columns.length, columns);
        }
        if (node.isStandard("Reshape") && node.inputs().size() == 2) {
            return reshape(first, constant(graph, node.inputs().get(1)));
        }
        return null;
    }

    private static Mapped concat(OnnxNode node, Map<String, Mapped> mapped) {
        Optional<OnnxAttribute> axisAttribute = node.attribute("axis");
        Mapped first = mapped.get(node.inputs().get(0));
        long axis = axisAttribute.map(OnnxAttribute::i).orElse(1L);
        if (axis < 0) {
            axis += first.rank();
        }
        if (axis != first.rank() - 1) {
            return null;
        }
        int[] columns = new int[0];
        for (String input : node.inputs()) {
            Mapped part = mapped.get(input);
            // Along the last axis, rows stay in order only when every other axis but the batch's is 1 wide.
            if (part == null || part.rank() != first.rank() || part.last() != part.columns().length) {
                return null;
            }
            int at = columns.length;
            columns = Arrays.copyOf(columns, at + part.columns().length);
            System.arraycopy(part.columns(), 0, columns, at, part.columns().length);
        }
        return new Mapped(first.rank(), columns.length, columns);
    }

    /** A Reshape to {@code [-1 or 0, ...]} that keeps each row's elements, in order. */
    private static Mapped reshape(Mapped in, long[] shape) {
        if (shape == null || shape.length < 2 || (shape[0] != -1 && shape[0] != 0)) {
            return null;
        }
        long elements = 1;
        for (int d = 1; d < shape.length; d++) {
            if (shape[d] <= 0) {
                return null;
            }
            elements *= shape[d];
        }
        if (elements != in.columns().length) {
            return null;
        }
        return new Mapped(shape.length, (int) shape[shape.length - 1], in.columns());
    }

    private static int categories(OnnxNode node) throws OnnxFormatException {
        try {
            return OneHotEncoding.read(new NodeAttributes(node)).size();
        } catch (UnreadOperator e) {
            return -1;
        }
    }

    private static long[] constant(OnnxGraph graph, String name) throws OnnxFormatException {
        OnnxTensor tensor = graph.initializers().get(name);
        if (tensor == null) {
            return null;
        }
        long[] values = tensor.integers();
        return values.length == 0 ? null : values;
    }
}
