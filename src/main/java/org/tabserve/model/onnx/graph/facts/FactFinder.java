package org.tabserve.model.onnx.graph.facts;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tabserve.model.onnx.graph.ElementType;
import org.tabserve.model.onnx.graph.GraphNames;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxAttribute;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.OnnxNode;
import org.tabserve.model.onnx.graph.OnnxType;
import org.tabserve.model.onnx.graph.OnnxValueInfo;
import org.tabserve.model.onnx.graph.facts.GraphFacts.ClassLabels;
import org.tabserve.model.onnx.graph.facts.GraphFacts.Ending;
import org.tabserve.model.onnx.graph.facts.GraphFacts.InputCategories;
import org.tabserve.model.onnx.graph.facts.GraphFacts.OutputEnding;
import org.tabserve.model.onnx.graph.facts.GraphFacts.Task;
import org.tabserve.model.onnx.graph.ml.Estimators;
import org.tabserve.model.onnx.graph.ml.Imputation;
import org.tabserve.model.onnx.graph.ml.Normalization;
import org.tabserve.model.onnx.graph.ml.OneHotEncoding;
import org.tabserve.model.onnx.graph.ml.OperatorLabels;
import org.tabserve.model.onnx.graph.ml.PostTransform;
import org.tabserve.model.onnx.graph.ml.SvmClassifier;
import org.tabserve.model.onnx.graph.ml.UnreadOperator;

/**
 * The rules that turn a graph into {@link GraphFacts}, by following values from node to node.
 *
 * <ul>
 *   <li><b>Labels</b>: {@code classlabels_strings}, {@code classlabels_int64s} or {@code classlabels_ints} of a
 *       LinearClassifier, SVMClassifier, TreeEnsembleClassifier or ZipMap whose outputs reach a graph output; of
 *       several, the last in graph order (the one nearest the outputs: ZipMap after its classifier). A
 *       {@code Gather} on axis 1 with constant indices between a classifier's scores and the output (Tribuo's
 *       export) reorders them as it reorders the columns.</li>
 *   <li><b>Task</b>: a classifier op (or regressor op) whose output reaches a graph output through ops that only
 *       reshape, cast, select, normalize or zip ({@link #CARRY}) makes a classifier (regressor); both or neither is
 *       unknown.</li>
 *   <li><b>Categories</b>: from a graph input, through Identity, Cast, Reshape, Flatten, Squeeze, Unsqueeze, and an
 *       ArrayFeatureExtractor when the input is a column ([N, 1] or [N]), into a OneHotEncoder ({@code cats_strings},
 *       {@code cats_int64s}; refuses unknown values when {@code zeros = 0}) or a LabelEncoder ({@code keys_strings},
 *       {@code keys_int64s}, or version 1's {@code classes_strings}; maps unknown values to its default). Never
 *       through a Concat, after which values of several columns mix in one encoder.</li>
 *   <li><b>Missing values</b>: a float or double input may be missing (sent as NaN) when every path its values take
 *       ends in an Imputer that replaces NaN ({@code replaced_value_float} NaN), passing only through ops that move
 *       values without computing with them (the column ops above, Concat, Gather, ArrayFeatureExtractor). A path
 *       into any other op (Scaler, Gemm, MatMul, a tree that would see the NaN) or straight to a graph output means
 *       no: the NaN would reach the answer. Or, column by column, when it reaches only trees that route a missing
 *       value as they were trained to ({@link TreeRoutedColumns}).</li>
 *   <li><b>Endings</b>: from a float or double tensor output (or a ZipMap's sequence of maps) back through
 *       {@link #CARRY} ops other than Normalizer, Softmax and Sigmoid to the op that computed it: Softmax, Sigmoid,
 *       an L1 Normalizer, or a classifier whose post_transform is SOFTMAX, LOGISTIC, SOFTMAX_ZERO or PROBIT
 *       (an SVMClassifier with {@code prob_a}; a TreeEnsembleClassifier also with NONE, as forests store vote
 *       fractions) give probabilities; Gemm, MatMul, Add, LogSoftmax and a LinearClassifier or SVMClassifier with
 *       NONE give logits; a regressor gives values. A classifier's label output is not a probability output and is
 *       left out.</li>
 * </ul>
 *
 * <p>What each classic-ML operator is and means (its labels, post-transforms, Platt scaling) comes from its one
 * definition in {@code graph.ml}, which the plain engine and the explanations read too.
 *
 * <p>Why it is longer than 300 lines: the rules share one index of the graph (which node uses each value) and one walk
 * along it; a third of the class is the statement of the rules above.
 */
public final class FactFinder {

    /** Standard ops that keep each value as it is, only moving it (the data input is input 0). */
    private static final Set<String> COLUMN_OPS =
            Set.of("Identity", "Cast", "CastLike", "Reshape", "Flatten", "Squeeze", "Unsqueeze");
    /** Ops a prediction passes through on its way to a graph output without becoming something else. */
    private static final Set<String> CARRY = Set.of(
            "Identity",
            "Cast",
            "CastLike",
            "Reshape",
            "Flatten",
            "Squeeze",
            "Unsqueeze",
            "Transpose",
            "Gather",
            "ArrayFeatureExtractor",
            "Normalizer",
            "ZipMap",
            "Softmax",
            "Sigmoid");

    private record Use(OnnxNode node, int index) {}

    private final OnnxGraph graph;
    private final Map<String, OnnxNode> producers = new HashMap<>();
    private final Map<String, List<Use>> consumers = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();

    private FactFinder(OnnxGraph graph) {
        this.graph = graph;
        for (OnnxNode node : graph.nodes()) {
            node.outputs().forEach(o -> producers.putIfAbsent(o, node));
            for (int i = 0; i < node.inputs().size(); i++) {
                consumers
                        .computeIfAbsent(node.inputs().get(i), k -> new ArrayList<>())
                        .add(new Use(node, i));
            }
        }
        graph.outputs().forEach(o -> graphOutputs.add(o.name()));
    }

    /** Finds the facts of {@code graph} by the rules above; throws when an attribute list they need is malformed. */
    public static GraphFacts find(OnnxGraph graph) throws OnnxFormatException {
        return new FactFinder(graph).facts();
    }

    private GraphFacts facts() throws OnnxFormatException {
        Map<String, InputCategories> categories = new LinkedHashMap<>();
        Set<String> missing = new LinkedHashSet<>();
        for (OnnxValueInfo input : graph.inputs()) {
            categories(input).ifPresent(found -> categories.put(input.name(), found));
            if (input.tensor().map(t -> t.elementType().isFloatingPoint()).orElse(false) && imputed(input.name())) {
                missing.add(input.name());
            }
        }
        Map<String, OutputEnding> endings = new LinkedHashMap<>();
        for (OnnxValueInfo output : graph.outputs()) {
            ending(output).ifPresent(e -> endings.put(output.name(), e));
        }
        Optional<String> name = GraphNames.isGenerated(graph.name()) ? Optional.empty() : Optional.of(graph.name());
        TreeRoutedColumns.Found trees = new TreeRoutedColumns(graph).columns();
        return new GraphFacts(
                classLabels(), task(), categories, missing, trees.routed(), trees.unrouted(), endings, name);
    }

    private Task task() {
        boolean classifier = false;
        boolean regressor = false;
        for (OnnxNode node : graph.nodes()) {
            boolean isClassifier = Estimators.isClassifier(node);
            boolean isRegressor = Estimators.isRegressor(node);
            if ((isClassifier || isRegressor) && reachesOutput(node)) {
                classifier |= isClassifier;
                regressor |= isRegressor;
            }
        }
        return classifier == regressor ? Task.UNKNOWN : classifier ? Task.CLASSIFICATION : Task.REGRESSION;
    }

    private Optional<ClassLabels> classLabels() throws OnnxFormatException {
        List<OnnxNode> nodes = graph.nodes();
        for (int n = nodes.size() - 1; n >= 0; n--) {
            OnnxNode node = nodes.get(n);
            boolean labelled = Estimators.isClassifier(node) || node.isMl("ZipMap");
            if (!labelled || !reachesOutput(node)) {
                continue;
            }
            Optional<OperatorLabels> found = OperatorLabels.declared(new NodeAttributes(node));
            if (found.isPresent()) {
                ElementType type = found.get().text() ? ElementType.STRING : ElementType.INT64;
                return Optional.of(new ClassLabels(
                        reorder(node, found.get().texts()),
                        type,
                        node.opType() + "." + found.get().attribute()));
            }
        }
        return Optional.empty();
    }

    /** Applies the constant-index Gathers on axis 1 that follow a classifier's scores (output 1) to its labels. */
    private List<String> reorder(OnnxNode classifier, List<String> labels) throws OnnxFormatException {
        if (classifier.opType().equals("ZipMap") || classifier.outputs().size() < 2) {
            return labels;
        }
        List<String> ordered = labels;
        String value = classifier.outputs().get(1);
        Set<String> seen = new HashSet<>();
        while (!graphOutputs.contains(value) && seen.add(value)) {
            Optional<Use> next = consumers.getOrDefault(value, List.of()).stream()
                    .filter(u -> u.index() == 0 && CARRY.contains(u.node().opType()))
                    .findFirst();
            if (next.isEmpty() || next.get().node().outputs().isEmpty()) {
                break;
            }
            OnnxNode node = next.get().node();
            if (node.isStandard("Gather")
                    && node.attribute("axis").map(OnnxAttribute::i).orElse(0L) == 1
                    && node.inputs().size() > 1
                    && graph.initializers().containsKey(node.inputs().get(1))) {
                long[] indices = graph.initializers().get(node.inputs().get(1)).integers();
                List<String> from = ordered;
                if (indices.length > 0 && Arrays.stream(indices).allMatch(i -> i >= 0 && i < from.size())) {
                    ordered = Arrays.stream(indices)
                            .mapToObj(i -> from.get((int) i))
                            .toList();
                }
            }
            value = node.outputs().get(0);
        }
        return ordered;
    }

    private Optional<InputCategories> categories(OnnxValueInfo input) throws OnnxFormatException {
        boolean column = input.tensor()
                .flatMap(OnnxType.Tensor::shape)
                .map(s -> s.size() == 1 || (s.size() == 2 && s.get(1).size().orElse(-1) == 1))
                .orElse(false);
        Deque<String> values = new ArrayDeque<>(List.of(input.name()));
        Set<String> seen = new HashSet<>();
        while (!values.isEmpty()) {
            String value = values.pop();
            if (!seen.add(value)) {
                continue;
            }
            for (Use use : consumers.getOrDefault(value, List.of())) {
                OnnxNode node = use.node();
                if (use.index() != 0) {
                    continue;
                }
                if (node.isMl("OneHotEncoder") || node.isMl("LabelEncoder")) {
                    Optional<InputCategories> found = encoderCategories(input.name(), node);
                    if (found.isPresent()) {
                        return found;
                    }
                } else if (isColumnOp(node) || (column && node.isMl("ArrayFeatureExtractor"))) {
                    values.addAll(node.outputs());
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<InputCategories> encoderCategories(String input, OnnxNode encoder)
            throws OnnxFormatException {
        if (encoder.opType().equals("OneHotEncoder")) {
            try {
                OneHotEncoding cats = OneHotEncoding.read(new NodeAttributes(encoder));
                ElementType type = cats.text() ? ElementType.STRING : ElementType.INT64;
                return Optional.of(new InputCategories(input, type, cats.texts(), !cats.zeros(), encoder.opType()));
            } catch (UnreadOperator e) {
                return Optional.empty();
            }
        }
        List<String> strings = List.of();
        for (String attribute : List.of("keys_strings", "classes_strings")) {
            if (strings.isEmpty() && encoder.attribute(attribute).isPresent()) {
                strings = encoder.attribute(attribute).get().strings();
            }
        }
        if (!strings.isEmpty()) {
            return Optional.of(new InputCategories(input, ElementType.STRING, strings, false, encoder.opType()));
        }
        Optional<OnnxAttribute> ints = encoder.attribute("keys_int64s");
        if (ints.isPresent() && ints.get().ints().length > 0) {
            List<String> values =
                    Arrays.stream(ints.get().ints()).mapToObj(Long::toString).toList();
            return Optional.of(new InputCategories(input, ElementType.INT64, values, false, encoder.opType()));
        }
        return Optional.empty();
    }

    /** Whether every path from {@code input} ends in a NaN-replacing Imputer before any op computes with it. */
    private boolean imputed(String input) throws OnnxFormatException {
        Deque<String> values = new ArrayDeque<>(List.of(input));
        Set<String> seen = new HashSet<>();
        boolean imputer = false;
        while (!values.isEmpty()) {
            String value = values.pop();
            if (!seen.add(value)) {
                continue;
            }
            if (graphOutputs.contains(value)) {
                return false;
            }
            for (Use use : consumers.getOrDefault(value, List.of())) {
                OnnxNode node = use.node();
                if (node.isMl("Imputer") && use.index() == 0) {
                    if (!replacesNaN(node)) {
                        return false;
                    }
                    imputer = true;
                } else if (node.isStandard("Concat")
                        || (use.index() == 0
                                && (isColumnOp(node)
                                        || node.isStandard("Gather")
                                        || node.isMl("ArrayFeatureExtractor")))) {
                    values.addAll(node.outputs());
                } else {
                    return false;
                }
            }
        }
        return imputer;
    }

    /** Whether an Imputer of floats replaces NaN ({@link Imputation#replacesNaN}); an unread one does not. */
    private static boolean replacesNaN(OnnxNode imputer) throws OnnxFormatException {
        try {
            return Imputation.read(new NodeAttributes(imputer)).replacesNaN();
        } catch (UnreadOperator e) {
            return false;
        }
    }

    private Optional<OutputEnding> ending(OnnxValueInfo output) throws OnnxFormatException {
        boolean floats = output.tensor()
                .map(t -> t.elementType() == ElementType.FLOAT || t.elementType() == ElementType.DOUBLE)
                .orElse(false);
        if (!floats && output.kind() != OnnxType.Kind.SEQUENCE && output.kind() != OnnxType.Kind.MAP) {
            return Optional.empty();
        }
        String value = output.name();
        Set<String> seen = new HashSet<>();
        while (seen.add(value)) {
            OnnxNode node = producers.get(value);
            if (node == null) {
                return Optional.of(new OutputEnding(output.name(), Ending.UNKNOWN, ""));
            }
            String op = node.opType();
            boolean passes = CARRY.contains(op)
                    && !Set.of("Normalizer", "Softmax", "Sigmoid").contains(op);
            if (!passes || node.inputs().isEmpty()) {
                if (Estimators.CLASSIFIERS.contains(op) && node.outputs().indexOf(value) == 0) {
                    return Optional.empty();
                }
                return Optional.of(ending(output.name(), node));
            }
            value = node.inputs().get(0);
        }
        return Optional.of(new OutputEnding(output.name(), Ending.UNKNOWN, ""));
    }

    private static OutputEnding ending(String output, OnnxNode node) throws OnnxFormatException {
        String op = node.opType();
        String transform = PostTransform.word(new NodeAttributes(node));
        String described = op + " post_transform=" + transform;
        Ending ending;
        if (node.isStandard("Softmax") || node.isStandard("Sigmoid")) {
            ending = Ending.PROBABILITIES;
            described = op;
        } else if (node.isMl("Normalizer")) {
            String norm;
            try {
                norm = Normalization.read(new NodeAttributes(node)).name();
            } catch (UnreadOperator e) {
                norm = "unread"; // a norm ONNX Runtime does not define
            }
            ending = norm.equals(Normalization.L1.name()) ? Ending.PROBABILITIES : Ending.UNKNOWN;
            described = op + " norm=" + norm;
        } else if (node.isStandard("Gemm")
                || node.isStandard("MatMul")
                || node.isStandard("Add")
                || node.isStandard("LogSoftmax")) {
            ending = Ending.LOGITS;
            described = op;
        } else if (Estimators.isRegressor(node)) {
            ending = Ending.VALUES;
        } else if (node.isMl("SVMClassifier") && SvmClassifier.plattScaled(new NodeAttributes(node))) {
            ending = Ending.PROBABILITIES;
            described = op + " prob_a (Platt scaling)";
        } else if (Estimators.isClassifier(node)) {
            boolean probabilities = PostTransform.named(transform)
                    .map(PostTransform::probabilities)
                    .orElse(false);
            ending = probabilities || op.equals("TreeEnsembleClassifier") ? Ending.PROBABILITIES : Ending.LOGITS;
        } else {
            ending = Ending.UNKNOWN;
            described = op;
        }
        return new OutputEnding(output, ending, described);
    }

    /** Whether any output of {@code node} reaches a graph output through {@link #CARRY} ops. */
    private boolean reachesOutput(OnnxNode node) {
        Deque<String> values = new ArrayDeque<>(node.outputs());
        Set<String> seen = new HashSet<>();
        while (!values.isEmpty()) {
            String value = values.pop();
            if (graphOutputs.contains(value)) {
                return true;
            }
            if (seen.add(value)) {
                consumers.getOrDefault(value, List.of()).stream()
                        .filter(u -> CARRY.contains(u.node().opType()))
                        .forEach(u -> values.addAll(u.node().outputs()));
            }
        }
        return false;
    }

    private static boolean isColumnOp(OnnxNode node) {
        return (node.domain().isEmpty() || node.domain().equals("ai.onnx")) && COLUMN_OPS.contains(node.opType());
    }
}
