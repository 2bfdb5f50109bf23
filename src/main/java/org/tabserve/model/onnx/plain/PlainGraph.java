package org.tabserve.model.onnx.plain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.OnnxNode;
import org.tabserve.model.onnx.graph.OnnxTensor;
import org.tabserve.model.onnx.graph.ml.Imputation;
import org.tabserve.model.onnx.graph.ml.LinearClassifier;
import org.tabserve.model.onnx.graph.ml.LinearRegressor;
import org.tabserve.model.onnx.graph.ml.Normalization;
import org.tabserve.model.onnx.graph.ml.OneHotEncoding;
import org.tabserve.model.onnx.graph.ml.Scaling;
import org.tabserve.model.onnx.graph.ml.SvmClassifier;
import org.tabserve.model.onnx.graph.ml.TreeEnsembleReader;
import org.tabserve.model.onnx.graph.ml.UnreadOperator;

/**
 * A model's graph compiled for plain Java: the nodes that the wanted outputs depend on, each an operator with its
 * attributes read once, run in the graph's order on {@link PlainTensor}s, each value in a slot of an array numbered
 * at compile time (a run hashes only the given inputs' and the wanted outputs' names). Compiling refuses, with the
 * first reason, a graph with any needed node it does not implement ({@link Unsupported}); the caller then keeps ONNX
 * Runtime. Thread-safe: a run keeps its values to itself.
 */
public final class PlainGraph {

    /**
     * A compiled node: its operator, the names it reads at run time (not initializers), their slots, and the slots it
     * writes.
     */
    private record Step(PlainOp op, String[] reads, int[] from, int[] to, boolean copies) {}

    /** The operators that copy values: an output's bound is its inputs' largest ({@link #bounds}). */
    private static final Set<String> COPIES =
            Set.of("Identity", "Gather", "Concat", "Reshape", "Cast", "ArrayFeatureExtractor");

    private final List<String> inputs;
    private final Step[] steps;
    private final List<String> outputs;
    /** Each output's slot, -1 where no node or input makes it (an initializer: its value is null). */
    private final int[] outputSlots;
    /** The values a run holds: the graph's inputs first, in order, then each name a node writes. */
    private final int slots;

    private PlainGraph(List<String> inputs, Step[] steps, List<String> outputs, int[] outputSlots, int slots) {
        this.inputs = inputs;
        this.steps = steps;
        this.outputs = outputs;
        this.outputSlots = outputSlots;
        this.slots = slots;
    }

    /**
     * @param graph   the model's graph
     * @param outputs the values a prediction reads: graph outputs or intermediate values
     * @throws Unsupported naming the first needed node, or the first value, that plain Java does not compute
     */
    public static PlainGraph compile(OnnxGraph graph, Collection<String> outputs) throws Unsupported {
        List<OnnxNode> run = needed(graph, outputs);
        List<String> inputNames =
                graph.inputs().stream().map(input -> input.name()).toList();
        Map<String, Integer> slot = new HashMap<>();
        inputNames.forEach(name -> slot.putIfAbsent(name, slot.size()));
        for (OnnxNode node : run) {
            node.outputs().forEach(name -> slot.putIfAbsent(name, slot.size()));
        }
        List<Step> steps = new ArrayList<>();
        for (OnnxNode node : run) {
            List<String> reads = new ArrayList<>();
            for (String in : node.inputs()) {
                if (!in.isEmpty() && !graph.initializers().containsKey(in)) {
                    reads.add(in);
                }
            }
            int[] from = new int[reads.size()];
            for (int i = 0; i < from.length; i++) {
                from[i] = slot.computeIfAbsent(reads.get(i), name -> slot.size()); // else never written: a run says so
            }
            int[] to = node.outputs().stream().mapToInt(slot::get).toArray();
            PlainOp op = operator(node, graph);
            steps.add(new Step(op, reads.toArray(String[]::new), from, to, COPIES.contains(node.opType())));
        }
        int[] outputSlots =
                outputs.stream().mapToInt(name -> slot.getOrDefault(name, -1)).toArray();
        return new PlainGraph(inputNames, steps.toArray(Step[]::new), List.copyOf(outputs), outputSlots, slot.size());
    }

    /**
     * @return the nodes that {@code outputs} depend on, in the graph's order
     * @throws Unsupported naming a value that no node makes and that is neither an input nor an initializer
     */
    static List<OnnxNode> needed(OnnxGraph graph, Collection<String> outputs) throws Unsupported {
        Map<String, OnnxNode> producers = new HashMap<>();
        for (OnnxNode node : graph.nodes()) {
            for (String out : node.outputs()) {
                producers.put(out, node);
            }
        }
        Set<String> graphInputs = new HashSet<>();
        graph.inputs().forEach(input -> graphInputs.add(input.name()));
        Set<OnnxNode> needed = new HashSet<>();
        Deque<String> wanted = new ArrayDeque<>(outputs);
        while (!wanted.isEmpty()) {
            String name = wanted.pop();
            if (name.isEmpty()
                    || graphInputs.contains(name)
                    || graph.initializers().containsKey(name)) {
                continue;
            }
            OnnxNode node = producers.get(name);
            if (node == null) {
                throw new Unsupported("no node makes '" + name + "'");
            }
            if (needed.add(node)) {
                wanted.addAll(node.inputs());
            }
        }
        List<OnnxNode> run = new ArrayList<>();
        for (OnnxNode node : graph.nodes()) {
            if (needed.contains(node)) {
                run.add(node);
            }
        }
        return run;
    }

    private static PlainOp operator(OnnxNode node, OnnxGraph graph) throws Unsupported {
        NodeAttributes a = new NodeAttributes(node);
        try {
            return operator(node, graph, a);
        } catch (OnnxFormatException e) {
            throw Unsupported.at(a, "an attribute cannot be read (" + e.getMessage() + ")");
        } catch (UnreadOperator e) {
            throw new Unsupported(e.getMessage());
        }
    }

    /** A tree ensemble of up to {@link TreeEnsembleOp#MAX_NODES} nodes, counted before any list is read. */
    private static PlainOp trees(NodeAttributes a) throws Unsupported, UnreadOperator, OnnxFormatException {
        int nodes = TreeEnsembleReader.nodeCount(a);
        if (nodes > TreeEnsembleOp.MAX_NODES) {
            throw Unsupported.at(
                    a,
                    String.format(
                            java.util.Locale.ROOT,
                            "%,d nodes (up to %,d are run in plain Java)",
                            nodes,
                            TreeEnsembleOp.MAX_NODES));
        }
        return new TreeEnsembleOp(TreeEnsembleReader.read(a));
    }

    private static PlainOp operator(OnnxNode node, OnnxGraph graph, NodeAttributes a)
            throws Unsupported, UnreadOperator, OnnxFormatException {
        String domain = node.domain();
        if (domain.equals(OnnxNode.ML_DOMAIN)) {
            return switch (node.opType()) {
                case "SVMClassifier" -> new SvmClassifierOp(SvmClassifier.read(a), a);
                case "LinearClassifier" -> new LinearClassifierOp(LinearClassifier.read(a));
                case "LinearRegressor" -> new LinearRegressorOp(LinearRegressor.read(a));
                case "TreeEnsembleClassifier", "TreeEnsembleRegressor" -> trees(a);
                case "Scaler" -> ColumnOps.scaler(Scaling.read(a));
                case "Normalizer" -> ColumnOps.normalizer(Normalization.read(a));
                case "Imputer" -> ColumnOps.imputer(Imputation.read(a));
                case "OneHotEncoder" -> new OneHotEncoder(OneHotEncoding.read(a));
                case "ArrayFeatureExtractor" -> ShapeOps.arrayFeatureExtractor(constant(node, 1, graph, a));
                default -> throw Unsupported.at(a, "no plain implementation");
            };
        }
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
            throw Unsupported.at(a, "domain " + domain);
        }
        return switch (node.opType()) {
            case "Identity" -> ShapeOps.identity();
            case "Gather" -> ShapeOps.gather(a, constant(node, 1, graph, a));
            case "Concat" -> ShapeOps.concat(a);
            case "Reshape" -> ShapeOps.reshape(a, constant(node, 1, graph, a));
            case "Cast" -> ShapeOps.cast(a);
            default -> throw Unsupported.at(a, "no plain implementation");
        };
    }

    /** The integers of the node's input {@code index}, which must be an initializer. */
    private static long[] constant(OnnxNode node, int index, OnnxGraph graph, NodeAttributes a) throws Unsupported {
        OnnxTensor tensor = node.inputs().size() > index
                ? graph.initializers().get(node.inputs().get(index))
                : null;
        if (tensor == null) {
            throw Unsupported.at(a, "input " + index + " is not a constant");
        }
        try {
            return tensor.integers();
        } catch (OnnxFormatException e) {
            throw Unsupported.at(a, "its constant cannot be read (" + e.getMessage() + ")");
        }
    }

    /**
     * Runs the graph.
     *
     * @param given one tensor per graph input, by name
     * @return the wanted values, by name, in the order compiled (a read-only map)
     * @throws IllegalArgumentException when a value's shape or type is not what an operator takes
     */
    public Map<String, PlainTensor> run(Map<String, PlainTensor> given) {
        PlainTensor[] values = new PlainTensor[slots];
        for (int i = 0; i < inputs.size(); i++) {
            values[i] = given.get(inputs.get(i));
        }
        for (Step step : steps) {
            PlainTensor[] in = new PlainTensor[step.from().length];
            for (int i = 0; i < in.length; i++) {
                in[i] = values[step.from()[i]];
                if (in[i] == null) {
                    throw new IllegalArgumentException("no value for '" + step.reads()[i] + "'");
                }
            }
            PlainTensor[] out = step.op().apply(in);
            for (int i = 0; i < step.to().length && i < out.length; i++) {
                values[step.to()[i]] = out[i];
            }
        }
        PlainTensor[] wanted = new PlainTensor[outputSlots.length];
        for (int i = 0; i < wanted.length; i++) {
            wanted[i] = outputSlots[i] < 0 ? null : values[outputSlots[i]];
        }
        return new PlainValues(outputs, wanted);
    }

    /**
     * The largest magnitude each wanted output's elements can have, by name, when each input's are at most
     * {@code inputs[i]} (the graph's inputs in {@link #inputs()} order), a NaN aside: each node's bound
     * ({@link PlainOp#bound}; a copy's is its inputs' largest), widened by 2<sup>-20</sup> for float's rounding, and
     * infinite where it passes float's largest (where float arithmetic may make infinity) or no bound is known.
     */
    public Map<String, Double> bounds(double[] inputs) {
        double[] bound = new double[slots];
        java.util.Arrays.fill(bound, Double.POSITIVE_INFINITY);
        System.arraycopy(inputs, 0, bound, 0, this.inputs.size());
        for (Step step : steps) {
            double[] in = new double[step.from().length];
            double largest = 0;
            for (int i = 0; i < in.length; i++) {
                in[i] = bound[step.from()[i]];
                largest = Math.max(largest, in[i]);
            }
            double out = in.length == 0 // made of initializers alone: not bounded here
                    ? Double.POSITIVE_INFINITY
                    : (step.copies() ? largest : step.op().bound(in)) * (1 + 0x1p-20);
            for (int to : step.to()) {
                bound[to] = out <= Float.MAX_VALUE ? out : Double.POSITIVE_INFINITY; // NaN: unbounded too
            }
        }
        Map<String, Double> wanted = new HashMap<>();
        for (int i = 0; i < outputSlots.length; i++) {
            wanted.put(outputs.get(i), outputSlots[i] < 0 ? Double.POSITIVE_INFINITY : bound[outputSlots[i]]);
        }
        return wanted;
    }

    /** @return the graph's input names, in order */
    public List<String> inputs() {
        return inputs;
    }

    /** @return how many nodes a run computes */
    public int nodes() {
        return steps.length;
    }
}
