package org.tabserve.model.onnx.graph.facts;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tabserve.model.onnx.graph.Dimension;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxAttribute;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.OnnxNode;
import org.tabserve.model.onnx.graph.OnnxTensor;
import org.tabserve.model.onnx.graph.OnnxType;
import org.tabserve.model.onnx.graph.OnnxValueInfo;
import org.tabserve.model.onnx.graph.ml.TreeEnsemble;
import org.tabserve.model.onnx.graph.ml.TreeEnsembleReader;

/**
 * The columns of the float and double inputs that may be missing because trees take them: each column followed node by
 * node, in graph order, to where its values go. A column may be missing when it reaches a tree ensemble and nothing
 * else, and every tree ensemble it reaches routes a missing value ({@link TreeEnsemble#routesMissing}). It may pass
 * only through ops that move values without computing with them: Identity, a Cast to a floating-point type, a Concat
 * on axis 1, a Gather on axis 1 or an ArrayFeatureExtractor with constant indices, a Flatten, and a Reshape, Squeeze or
 * Unsqueeze that keeps the columns as they are. Anything else that reads it (an Imputer, a Scaler, a Gemm, a Cast to
 * integers, an op whose columns cannot be followed), or a graph output, means no.
 */
final class TreeRoutedColumns {

    /**
     * Most column places followed in one graph (each value's columns count): far above a tabular graph's (a thousand
     * features through a dozen ops), and a bound on what a hostile graph of wide values makes this allocate. Past it
     * no column is said to be routed.
     */
    static final int MAX_PLACES = 1 << 20;

    /** A place that holds no column of a float or double input. */
    private static final int NONE = -1;

    private static final Set<String> TREES = Set.of("TreeEnsembleClassifier", "TreeEnsembleRegressor", "TreeEnsemble");
    /** Classic-ML ops whose output has their input's columns, each computed from the input's. */
    private static final Set<String> SAME_WIDTH_ML = Set.of("Scaler", "Imputer", "Normalizer", "Binarizer");
    /** ONNX's floating-point element types, the Cast targets that keep a NaN a NaN. */
    private static final Set<Long> FLOATING = Set.of(1L, 10L, 11L, 16L);

    private final OnnxGraph graph;
    /** Per value, per column, which input column it holds (its place), or NONE; absent: unknown, none an input's. */
    private final Map<String, int[]> places = new HashMap<>();

    private final List<OnnxValueInfo> inputs;
    private final int[] firstPlace;
    private boolean[] reached;
    private boolean[] refused;
    /** Per place, whether it reaches a tree ensemble that routes no missing value. */
    private boolean[] unrouting;

    private long spent;

    TreeRoutedColumns(OnnxGraph graph) {
        this.graph = graph;
        this.inputs = graph.inputs();
        this.firstPlace = new int[inputs.size() + 1];
    }

    /**
     * What the walk found, per float or double input with such columns, those columns (from 0), in input order.
     *
     * @param routed   the columns that may be missing: each reaches tree ensembles that route a missing value and
     *                 nothing else
     * @param unrouted the columns that reach a tree ensemble that routes none (whatever else they reach): a missing
     *                 value of theirs would go down branches no training row went
     */
    record Found(Map<String, Set<Integer>> routed, Map<String, Set<Integer>> unrouted) {
        static final Found NONE = new Found(Map.of(), Map.of());
    }

    /** @return the columns routed, and those that reach trees that route nothing */
    Found columns() {
        long total = 0;
        for (int i = 0; i < inputs.size(); i++) {
            firstPlace[i] = (int) Math.min(total, MAX_PLACES);
            total += floating(inputs.get(i)) ? Math.max(0, width(inputs.get(i))) : 0;
        }
        if (total > MAX_PLACES) {
            return Found.NONE;
        }
        firstPlace[inputs.size()] = (int) total;
        reached = new boolean[(int) total];
        refused = new boolean[(int) total];
        unrouting = new boolean[(int) total];
        for (int i = 0; i < inputs.size(); i++) {
            int width = width(inputs.get(i));
            if (width > 0 && !place(inputs.get(i).name(), width, floating(inputs.get(i)) ? firstPlace[i] : NONE)) {
                return Found.NONE;
            }
        }
        for (OnnxNode node : graph.nodes()) {
            if (!follow(node)) {
                return Found.NONE;
            }
        }
        graph.outputs().forEach(o -> refuse(places.get(o.name())));
        Map<String, Set<Integer>> routed = new LinkedHashMap<>();
        Map<String, Set<Integer>> unrouted = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            for (int p = firstPlace[i]; p < firstPlace[i + 1]; p++) {
                if (reached[p] && !refused[p]) {
                    routed.computeIfAbsent(inputs.get(i).name(), k -> new TreeSet<>())
                            .add(p - firstPlace[i]);
                }
                if (unrouting[p]) {
                    unrouted.computeIfAbsent(inputs.get(i).name(), k -> new TreeSet<>())
                            .add(p - firstPlace[i]);
                }
            }
        }
        return new Found(routed, unrouted);
    }

    /** Follows the columns {@code node} reads; @return false when the bound on places is passed */
    private boolean follow(OnnxNode node) {
        if (node.domain().equals(OnnxNode.ML_DOMAIN) && TREES.contains(node.opType())) {
            int[] read =
                    node.inputs().isEmpty() ? null : places.get(node.inputs().get(0));
            if (read != null) {
                boolean routes = routes(node);
                for (int p : read) {
                    if (p != NONE) {
                        reached[p] = true;
                        refused[p] |= !routes;
                        unrouting[p] |= !routes;
                    }
                }
            }
            return true;
        }
        int[] moved = node.outputs().isEmpty() ? null : moved(node);
        int data = moved == null ? 0 : node.isStandard("Concat") ? node.inputs().size() : 1;
        for (int i = data; i < node.inputs().size(); i++) {
            refuse(places.get(node.inputs().get(i))); // what it reads besides the columns it moves
        }
        if (moved != null) {
            return place(node.outputs().get(0), moved);
        }
        int[] in = node.inputs().isEmpty() ? null : places.get(node.inputs().get(0));
        if (in != null && !node.outputs().isEmpty() && keepsWidth(node)) {
            int[] none = new int[in.length];
            Arrays.fill(none, NONE);
            return place(node.outputs().get(0), none); // none of the columns' own values: but as many columns
        }
        return true;
    }

    /** Whether the ensemble routes a missing value; one whose tracks or modes cannot be read does not. */
    private static boolean routes(OnnxNode trees) {
        try {
            return TreeEnsembleReader.routesMissing(new NodeAttributes(trees));
        } catch (OnnxFormatException e) {
            return false; // ONNX Runtime's load says what is wrong with it
        }
    }

    /** Whether {@code node} computes values of its first input's shape, so that a Concat beside it is followed. */
    private static boolean keepsWidth(OnnxNode node) {
        return node.domain().equals(OnnxNode.ML_DOMAIN)
                ? SAME_WIDTH_ML.contains(node.opType())
                : node.isStandard("Cast") || node.isStandard("CastLike");
    }

    /** @return the places of what {@code node} writes when it only moves its first input's columns, else null */
    private int[] moved(OnnxNode node) {
        int[] in = places.get(node.inputs().isEmpty() ? "" : node.inputs().get(0));
        boolean standard = node.domain().isEmpty() || node.domain().equals("ai.onnx");
        String op = node.opType();
        if (standard && op.equals("Concat")) {
            return integer(node, "axis", 0) == 1 ? concatenated(node) : null;
        }
        if (standard && op.equals("Reshape")) {
            return reshaped(in, constant(node, 1));
        }
        if (in == null) {
            return null;
        }
        if (standard && (op.equals("Identity") || (op.equals("Flatten") && integer(node, "axis", 1) == 1))) {
            return in;
        }
        if (standard && op.equals("Cast")) {
            return FLOATING.contains(integer(node, "to", 0)) ? in : null;
        }
        if (standard && (op.equals("Squeeze") || op.equals("Unsqueeze"))) {
            return in.length == 1 ? in : null;
        }
        if ((standard && op.equals("Gather") && integer(node, "axis", 0) == 1) || node.isMl("ArrayFeatureExtractor")) {
            return selected(in, constant(node, 1));
        }
        return null;
    }

    private int[] concatenated(OnnxNode node) {
        int width = 0;
        for (String input : node.inputs()) {
            int[] part = places.get(input);
            if (part == null) {
                return null;
            }
            width += part.length;
        }
        int[] out = new int[width];
        int at = 0;
        for (String input : node.inputs()) {
            int[] part = places.get(input);
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    /** A Reshape to {@code [rows, k]} keeps k columns; of unknown columns (none an input's), it makes k known ones. */
    private static int[] reshaped(int[] in, long[] shape) {
        if (shape == null) {
            return null;
        }
        if (shape.length == 1 && in != null && in.length == 1) {
            return in;
        }
        if (shape.length != 2) {
            return null;
        }
        if (in != null && (shape[1] == in.length || shape[1] == 0)) {
            return in;
        }
        boolean holdsNone = in == null || Arrays.stream(in).allMatch(p -> p == NONE);
        if (holdsNone && shape[1] > 0 && shape[1] <= MAX_PLACES) {
            int[] out = new int[(int) shape[1]];
            Arrays.fill(out, NONE);
            return out;
        }
        return null;
    }

    private static int[] selected(int[] in, long[] indices) {
        if (indices == null || indices.length == 0 || indices.length > MAX_PLACES) {
            return null;
        }
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            long index = indices[i] < 0 ? indices[i] + in.length : indices[i];
            if (index < 0 || index >= in.length) {
                return null;
            }
            out[i] = in[(int) index];
        }
        return out;
    }

    /** @return the integers of the initializer that is input {@code i} of {@code node} (of bounded size), or null */
    private long[] constant(OnnxNode node, int i) {
        OnnxTensor tensor = i < node.inputs().size()
                ? graph.initializers().get(node.inputs().get(i))
                : null;
        long size = 1;
        for (long d : tensor == null ? List.<Long>of() : tensor.dims()) {
            size = d < 0 || d > MAX_PLACES ? MAX_PLACES + 1L : Math.min(MAX_PLACES + 1L, size * d);
        }
        if (tensor == null || size > MAX_PLACES) {
            return null;
        }
        try {
            return tensor.integers();
        } catch (OnnxFormatException e) {
            return null; // not readable as integers: the columns are not followed
        }
    }

    private static long integer(OnnxNode node, String attribute, long otherwise) {
        return node.attribute(attribute).map(OnnxAttribute::i).orElse(otherwise);
    }

    private void refuse(int[] read) {
        if (read != null) {
            for (int p : read) {
                if (p != NONE) {
                    refused[p] = true;
                }
            }
        }
    }

    /** An input's places: {@code width} from {@code first}, or NONE; @return false past the bound */
    private boolean place(String value, int width, int first) {
        int[] own = new int[width];
        for (int c = 0; c < width; c++) {
            own[c] = first == NONE ? NONE : first + c;
        }
        return place(value, own);
    }

    private boolean place(String value, int[] held) {
        spent += held.length;
        places.put(value, held);
        return spent <= MAX_PLACES;
    }

    private static boolean floating(OnnxValueInfo input) {
        return input.tensor().map(t -> t.elementType().isFloatingPoint()).orElse(false);
    }

    /** @return an input's columns: 1 for {@code [N]}, k for {@code [N, k]}, else -1 (unknown) */
    private static int width(OnnxValueInfo input) {
        List<Dimension> shape = input.tensor().flatMap(OnnxType.Tensor::shape).orElse(List.of());
        if (shape.size() == 1) {
            return 1;
        }
        long columns = shape.size() == 2 ? shape.get(1).size().orElse(-1) : -1;
        return columns > 0 && columns <= MAX_PLACES ? (int) columns : -1;
    }
}
