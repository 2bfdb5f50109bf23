package org.tabserve.model.onnx.plain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.OnnxNode;
import org.tabserve.model.onnx.graph.ml.Coefficients;
import org.tabserve.model.onnx.graph.ml.LinearClassifier;
import org.tabserve.model.onnx.graph.ml.LinearRegressor;
import org.tabserve.model.onnx.graph.ml.UnreadOperator;

/**
 * The terms of a graph's linear scores, for the rows whose answer would depend on the order of adding: each
 * LinearClassifier and LinearRegressor an answer needs, whose score may overflow float in one order of adding its
 * terms and not in another ({@link Coefficients#orderless}), and the nodes before it that make its input, compiled to
 * plain Java as for an answer. Found in two steps, so that an ordinary row costs one comparison a value:
 * {@link #safeInput()}, the largest magnitude every number input may have for no row to be orderless (from each
 * node's bound, {@link PlainGraph#bounds}), then, for a row beyond it, its linear inputs computed and its terms summed
 * ({@link #orderless}). Thread-safe.
 */
public final class LinearTerms {

    /** Makes each linear operator's input, {@link #xs}. */
    private final PlainGraph inputs;
    /** Each linear operator's input's name. */
    private final String[] xs;
    /** Each linear operator's coefficients. */
    private final Coefficients[] weights;

    private final double safeInput;

    private LinearTerms(PlainGraph inputs, String[] xs, Coefficients[] weights, double safeInput) {
        this.inputs = inputs;
        this.xs = xs;
        this.weights = weights;
        this.safeInput = safeInput;
    }

    /**
     * @param graph   the model's graph
     * @param outputs the values a prediction reads
     * @param numbers the graph inputs that hold numbers (a text input is bounded only by what encodes it)
     * @return the linear scores' terms, or null when the outputs need no linear operator
     * @throws Unsupported when a linear operator's input is not computed in plain Java, or its attributes do not
     *                     define its scores
     */
    public static LinearTerms compile(OnnxGraph graph, Collection<String> outputs, Set<String> numbers)
            throws Unsupported {
        List<String> xs = new ArrayList<>();
        List<Coefficients> weights = new ArrayList<>();
        for (OnnxNode node : PlainGraph.needed(graph, outputs)) {
            if (!node.domain().equals(OnnxNode.ML_DOMAIN)
                    || !(node.opType().equals("LinearClassifier")
                            || node.opType().equals("LinearRegressor"))) {
                continue;
            }
            NodeAttributes a = new NodeAttributes(node);
            try {
                weights.add(
                        node.opType().equals("LinearClassifier")
                                ? LinearClassifier.read(a).coefficients()
                                : LinearRegressor.read(a).coefficients());
            } catch (UnreadOperator | OnnxFormatException e) {
                throw Unsupported.at(a, e.getMessage());
            }
            xs.add(node.inputs().get(0));
        }
        if (xs.isEmpty()) {
            return null;
        }
        PlainGraph inputs = PlainGraph.compile(graph, List.copyOf(new java.util.LinkedHashSet<>(xs)));
        Coefficients[] all = weights.toArray(Coefficients[]::new);
        String[] names = xs.toArray(String[]::new);
        return new LinearTerms(inputs, names, all, safeInput(inputs, names, all, numbers));
    }

    /**
     * @return the largest magnitude (up to float's largest) that every number input may have for no linear score to
     *         be {@link Coefficients#orderless}, a NaN aside; -1 when no magnitude is safe (an input
     *         unbounded by the nodes before the linear operator, or an intercept that large), so that every row is
     *         {@link #orderless checked}
     */
    public double safeInput() {
        return safeInput;
    }

    /**
     * @param given one tensor of {@code rows} rows per graph input, by name
     * @return for each row, whether one of its linear scores overflows float in some order of adding
     *         ({@link Coefficients#orderless})
     * @throws IllegalArgumentException when a value's shape or type is not what an operator takes
     */
    public boolean[] orderless(Map<String, PlainTensor> given, int rows) {
        Map<String, PlainTensor> values = inputs.run(given);
        boolean[] orderless = new boolean[rows];
        for (int k = 0; k < weights.length; k++) {
            Coefficients w = weights[k];
            PlainTensor x = values.get(xs[k]);
            if (x == null || x.rows() != rows || x.width() != w.features()) {
                throw new IllegalArgumentException("a linear operator of " + w.features() + " inputs given " + x);
            }
            float[] floats = x.asFloats();
            for (int r = 0; r < rows; r++) {
                for (int s = 0; s < w.rows() && !orderless[r]; s++) {
                    orderless[r] = w.orderless(s, floats, r * w.features());
                }
            }
        }
        return orderless;
    }

    /**
     * The largest float {@code m} for which no linear score can be orderless ({@link Coefficients#neverOrderless})
     * when every number input is within {@code m} (text inputs unbounded): found by halving on float's bits, since
     * each bound grows with {@code m}.
     */
    private static double safeInput(PlainGraph inputs, String[] xs, Coefficients[] weights, Set<String> numbers) {
        if (!safe(inputs, xs, weights, numbers, 0)) {
            return -1;
        }
        int low = 0; // the bits of a safe float
        int high = Float.floatToRawIntBits(Float.MAX_VALUE);
        if (safe(inputs, xs, weights, numbers, Float.MAX_VALUE)) {
            return Float.MAX_VALUE;
        }
        while (high - low > 1) { // high: the bits of an unsafe float
            int middle = low + (high - low) / 2;
            if (safe(inputs, xs, weights, numbers, Float.intBitsToFloat(middle))) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return Float.intBitsToFloat(low);
    }

    private static boolean safe(PlainGraph inputs, String[] xs, Coefficients[] weights, Set<String> numbers, double m) {
        double[] given = new double[inputs.inputs().size()];
        for (int i = 0; i < given.length; i++) {
            given[i] = numbers.contains(inputs.inputs().get(i)) ? m : Double.POSITIVE_INFINITY;
        }
        Map<String, Double> bounds = inputs.bounds(given);
        for (int k = 0; k < weights.length; k++) {
            for (int s = 0; s < weights[k].rows(); s++) {
                if (!weights[k].neverOrderless(s, bounds.get(xs[k]))) {
                    return false;
                }
            }
        }
        return true;
    }
}
