package org.tabserve.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.onnx.cardread.CardReader;
import org.tabserve.model.onnx.graph.facts.GraphFacts;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.model.signature.Task;
import org.tabserve.model.signature.ValueOutput;
import org.tabserve.model.signature.ValueType;

/**
 * Reads what a graph takes, from ONNX Runtime's view of its inputs and outputs, the facts read from the graph itself
 * and the card: typed inputs and their features, the batch size, the task and which outputs carry the answer. It
 * refuses, with the reason, a graph tabserve cannot serve. Classes and logits are decided later, by the model, which
 * may need to run the graph to learn them.
 */
final class SignatureReader {

    private static final System.Logger LOG = System.getLogger(SignatureReader.class.getName());

    /**
     * The outputs that carry the answer, found by their types. A regressor's one output is in {@code probabilities}
     * (read as values, see {@link #value()}).
     */
    record Outputs(
            OutputKind kind,
            String probabilities,
            String label,
            OnnxJavaType labelType,
            String zipMap,
            OnnxJavaType zipMapKeyType,
            long declaredClasses) {

        /** A regressor's output with its name and element type; null for a classifier. */
        ValueOutput value(Map<String, NodeInfo> outputInfo) {
            if (kind != OutputKind.VALUE) {
                return null;
            }
            OnnxJavaType type = ((TensorInfo) outputInfo.get(probabilities).getInfo()).type;
            return new ValueOutput(probabilities, type == OnnxJavaType.DOUBLE ? ValueType.DOUBLE : ValueType.FLOAT);
        }

        List<String> names() {
            List<String> names = new ArrayList<>();
            for (String name : new String[] {probabilities, label, zipMap}) {
                if (name != null) {
                    names.add(name);
                }
            }
            return names;
        }
    }

    private SignatureReader() {}

    /** The inputs, in the graph's order, with their features. */
    static List<ModelInput> inputs(Map<String, NodeInfo> inputInfo, GraphFacts facts, CardReader card) {
        List<String> cardFeatures = card.stringList(CardKeys.FEATURES).orElse(null);
        Set<String> cardMissing = Set.copyOf(card.stringList(CardKeys.MISSING).orElse(List.of()));
        Map<String, String> missingAs = card.stringMap(CardKeys.TEXT_MISSING_AS).orElse(Map.of());
        List<ModelInput> inputs = new ArrayList<>();
        for (NodeInfo node : inputInfo.values()) {
            String name = node.getName();
            if (!(node.getInfo() instanceof TensorInfo tensor)) {
                throw new IllegalArgumentException(
                        "input " + ValueWords.of(node) + " is not a tensor; tabserve serves" + " tensor inputs");
            }
            ValueType type = valueType(name, tensor.type);
            long[] shape = tensor.getShape();
            if (shape.length < 1 || shape.length > 2 || (shape.length == 2 && shape[1] < 1)) {
                throw new IllegalArgumentException("input '" + name + "' has shape " + ValueWords.shape(shape)
                        + "; tabserve serves [N] and [N, F] inputs with a fixed F");
            }
            int width = shape.length == 1 ? 1 : (int) shape[1];
            List<String> names;
            if (inputInfo.size() == 1) {
                names = cardFeatures != null
                        ? cardFeatures
                        : width == 1
                                ? List.of(name)
                                : IntStream.range(0, width)
                                        .mapToObj(i -> "f" + i)
                                        .toList();
                if (names.size() != width) {
                    throw new IllegalArgumentException("metadata '" + CardKeys.FEATURES + "' names " + names.size()
                            + " features but the input has " + width + " columns");
                }
            } else if (width != 1) {
                throw new IllegalArgumentException("it has " + inputInfo.size() + " inputs and '" + name + "' has "
                        + width + " columns; tabserve serves one [N, F] input, or inputs of one column each");
            } else {
                names = List.of(name);
            }
            GraphFacts.InputCategories categories =
                    width == 1 ? facts.categories().get(name) : null;
            List<Feature> features = new ArrayList<>();
            Set<Integer> routed = facts.treeRouted().getOrDefault(name, Set.of());
            Set<Integer> unrouted = facts.treeUnrouted().getOrDefault(name, Set.of());
            boolean number = type == ValueType.FLOAT || type == ValueType.DOUBLE;
            for (int column = 0; column < names.size(); column++) {
                String feature = names.get(column);
                Feature.Missing missing = !number
                        ? null
                        : facts.missingAllowed().contains(name)
                                ? Feature.Missing.IMPUTER
                                : routed.contains(column)
                                        ? Feature.Missing.TREES
                                        : cardMissing.contains(feature) ? Feature.Missing.CARD : null;
                features.add(new Feature(
                        feature,
                        type,
                        missing,
                        categories == null ? List.of() : categories.values(),
                        categories != null && categories.refusesUnknown(),
                        missingAs.get(feature),
                        number && missing == null && unrouted.contains(column)));
            }
            inputs.add(new ModelInput(name, type, features, shape.length));
        }
        Set<String> featureNames = new java.util.HashSet<>();
        inputs.forEach(input -> input.features().forEach(f -> featureNames.add(f.name())));
        for (String feature : missingAs.keySet()) {
            if (!featureNames.contains(feature)) {
                throw new IllegalArgumentException("metadata '" + CardKeys.TEXT_MISSING_AS + "' names '" + feature
                        + "', which is not one of the model's features");
            }
        }
        if (cardFeatures != null
                && inputInfo.size() > 1
                && !cardFeatures.equals(inputs.stream().map(ModelInput::name).toList())) {
            throw new IllegalArgumentException(
                    "metadata '" + CardKeys.FEATURES + "' " + cardFeatures + " does not match the graph's inputs "
                            + inputs.stream().map(ModelInput::name).toList());
        }
        return inputs;
    }

    private static ValueType valueType(String input, OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> ValueType.FLOAT;
            case DOUBLE -> ValueType.DOUBLE;
            case INT64 -> ValueType.INT64;
            case INT32 -> ValueType.INT32;
            case STRING -> ValueType.STRING;
            case BOOL -> ValueType.BOOL;
            default ->
                throw new IllegalArgumentException("input '" + input + "' holds " + type
                        + " values; tabserve serves float, double, int64, int32, string and bool inputs");
        };
    }

    /** The graph's batch size: 0 when free, else the one fixed size all inputs share. */
    static int fixedBatch(Map<String, NodeInfo> inputInfo) {
        long batch = -2;
        for (NodeInfo node : inputInfo.values()) {
            long first = ((TensorInfo) node.getInfo()).getShape()[0];
            long size = first < 1 ? 0 : first;
            if (batch != -2 && batch != size) {
                throw new IllegalArgumentException(
                        "its inputs disagree on the batch size: " + ValueWords.of(inputInfo.values()));
            }
            batch = size;
        }
        if (batch > 1_000_000) {
            throw new IllegalArgumentException(
                    "it has a fixed batch of " + batch + " rows; at most 1,000,000 is served");
        }
        return (int) batch;
    }

    /**
     * Whether the model is a regressor: the card says so, or the graph's ops do, or its only output is one float
     * column with nothing that says classifier. Which reading was chosen is logged.
     */
    static Task task(String source, Map<String, NodeInfo> outputInfo, GraphFacts facts, CardReader card) {
        String declared = card.text(CardKeys.TASK).orElse(null);
        if (declared != null) {
            return switch (declared) {
                case "classification" -> Task.CLASSIFICATION;
                case "regression" -> Task.REGRESSION;
                default ->
                    throw new IllegalArgumentException("metadata '" + CardKeys.TASK + "' is '" + declared
                            + "'; allowed: classification, regression");
            };
        }
        if (facts.task() == GraphFacts.Task.REGRESSION) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: read as a regressor (its graph has a regressor op)", source);
            return Task.REGRESSION;
        }
        if (facts.task() == GraphFacts.Task.UNKNOWN
                && outputInfo.size() == 1
                && outputInfo.values().iterator().next().getInfo() instanceof TensorInfo t
                && (t.type == OnnxJavaType.FLOAT || t.type == OnnxJavaType.DOUBLE)
                && (t.getShape().length == 1 || (t.getShape().length == 2 && t.getShape()[1] == 1))) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "{0}: its one output is a single float column and nothing says"
                            + " regression, so it is read as a binary classifier's probability of the second class (set '"
                            + CardKeys.TASK + "' = regression in its metadata to read it as values)",
                    source);
        }
        return Task.CLASSIFICATION;
    }

    /** A regressor's one float output {@code [N, 1]} or {@code [N]}. */
    static Outputs regressionOutput(Map<String, NodeInfo> outputInfo) {
        List<String> values = new ArrayList<>();
        for (NodeInfo node : outputInfo.values()) {
            if (node.getInfo() instanceof TensorInfo t
                    && (t.type == OnnxJavaType.FLOAT || t.type == OnnxJavaType.DOUBLE)
                    && (t.getShape().length == 1 || (t.getShape().length == 2 && t.getShape()[1] == 1))) {
                values.add(node.getName());
            }
        }
        if (values.size() != 1) {
            throw new IllegalArgumentException(
                    "a regressor needs exactly one float output [N, 1] or [N]; its outputs are "
                            + ValueWords.of(outputInfo.values()));
        }
        return new Outputs(OutputKind.VALUE, values.get(0), null, null, null, null, 1);
    }

    /** A classifier's outputs: probabilities, maybe with labels, or labels with a ZipMap. */
    static Outputs classifierOutputs(Map<String, NodeInfo> outputInfo) {
        List<String> probabilities = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<String> zipMaps = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (NodeInfo node : outputInfo.values()) {
            ValueInfo info = node.getInfo();
            described.add(ValueWords.of(node));
            if (info instanceof TensorInfo t) {
                long[] shape = t.getShape();
                if (t.type == OnnxJavaType.FLOAT && shape.length == 2) {
                    probabilities.add(node.getName());
                } else if ((t.type == OnnxJavaType.INT64 || t.type == OnnxJavaType.STRING)
                        && (shape.length == 1 || (shape.length == 2 && shape[1] == 1))) {
                    labels.add(node.getName());
                }
            } else if (info instanceof SequenceInfo s
                    && s.sequenceOfMaps
                    && s.mapInfo.valueType == OnnxJavaType.FLOAT
                    && (s.mapInfo.keyType == OnnxJavaType.INT64 || s.mapInfo.keyType == OnnxJavaType.STRING)) {
                zipMaps.add(node.getName());
            }
        }
        if (probabilities.size() > 1 || labels.size() > 1 || zipMaps.size() > 1) {
            throw new IllegalArgumentException("its outputs are ambiguous: " + String.join("; ", described)
                    + "; tabserve needs at most one float [N, C] tensor, one label tensor and one ZipMap");
        }
        String label = labels.isEmpty() ? null : labels.get(0);
        OnnxJavaType labelType =
                label == null ? null : ((TensorInfo) outputInfo.get(label).getInfo()).type;
        if (probabilities.size() == 1) {
            String name = probabilities.get(0);
            long declared = ((TensorInfo) outputInfo.get(name).getInfo()).getShape()[1];
            OutputKind kind = label == null ? OutputKind.PROBABILITIES : OutputKind.LABEL_AND_PROBABILITIES;
            return new Outputs(kind, name, label, labelType, null, null, declared);
        }
        if (zipMaps.size() == 1) {
            String name = zipMaps.get(0);
            OnnxJavaType keyType = ((SequenceInfo) outputInfo.get(name).getInfo()).mapInfo.keyType;
            return new Outputs(OutputKind.LABEL_AND_ZIPMAP, null, label, labelType, name, keyType, -1);
        }
        throw new IllegalArgumentException("no usable output among " + String.join("; ", described)
                + "; tabserve needs a float tensor [N, C] of probabilities (optionally with a label tensor [N]),"
                + " or a label tensor with a ZipMap seq(map(int64|string, float)), or for a regressor one float"
                + " column");
    }

    /**
     * Whether the probability output holds logits: the card says so, or else the graph ends it in Gemm, MatMul or Add
     * rather than in Softmax, Sigmoid or a classifier op (logged, since the answer depends on it).
     */
    static boolean logits(String source, Outputs outputs, GraphFacts facts, CardReader card) {
        String scores = card.text(CardKeys.SCORES).orElse(null);
        if (scores != null) {
            return switch (scores) {
                case "probabilities" -> false;
                case "logits" -> true;
                default ->
                    throw new IllegalArgumentException(
                            "metadata '" + CardKeys.SCORES + "' is '" + scores + "'; allowed: probabilities, logits");
            };
        }
        if (outputs.probabilities() == null) {
            return false;
        }
        GraphFacts.OutputEnding ending = facts.outputEndings().get(outputs.probabilities());
        if (ending != null && ending.ending() == GraphFacts.Ending.LOGITS) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "{0}: output ''{1}'' ends in {2}, so it is read as logits and turned into"
                            + " probabilities (set ''" + CardKeys.SCORES + "'' = probabilities to read it as it is)",
                    source,
                    outputs.probabilities(),
                    ending.lastOp());
            return true;
        }
        return false;
    }
}
