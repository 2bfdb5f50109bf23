package org.tabserve.model.onnx.graph.facts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.tabserve.model.onnx.graph.ElementType;

/**
 * What the model core learns from a graph beyond its inputs' and outputs' types: the class labels, whether it is a
 * classifier or a regressor, the known categories of each text or integer column, which inputs (or columns) may be
 * missing, how each output ends, and whether its name is a name. Found once at load time by {@code FactFinder}, whose
 * description states the rules.
 *
 * @param classLabels    the class labels in the order of the probability columns, when the graph keeps them
 * @param task           classification or regression as the graph's classic-ML ops say, or unknown
 * @param categories     for each input whose values reach an encoder, its known values (by input name, input order)
 * @param missingAllowed the float or double inputs whose every value reaches an {@code Imputer} first (input order)
 * @param treeRouted     for each float or double input with such columns, its columns (from 0) whose every value
 *                       reaches only tree ensembles that route a missing value (input order; {@link TreeRoutedColumns})
 * @param treeUnrouted   for each float or double input with such columns, its columns (from 0) that reach a tree
 *                       ensemble that routes no missing value (input order): why such a column takes none
 * @param outputEndings  how each float or double tensor output and each sequence-of-maps output ends (by name)
 * @param name           the graph's name, when it is a real name (not blank, not a generated id)
 */
public record GraphFacts(
        Optional<ClassLabels> classLabels,
        Task task,
        Map<String, InputCategories> categories,
        Set<String> missingAllowed,
        Map<String, Set<Integer>> treeRouted,
        Map<String, Set<Integer>> treeUnrouted,
        Map<String, OutputEnding> outputEndings,
        Optional<String> name) {

    /** What the graph predicts, as its classic-ML operators tell. */
    public enum Task {
        /** A classifier op (or ZipMap) feeds a graph output. */
        CLASSIFICATION,
        /** A regressor op ({@code LinearRegressor}, {@code TreeEnsembleRegressor}, {@code SVMRegressor}) does. */
        REGRESSION,
        /** Neither, or both: the card or the output shapes decide. */
        UNKNOWN
    }

    /** How an output's values were last computed, which says whether they are probabilities. */
    public enum Ending {
        /** Softmax, Sigmoid, an L1 Normalizer, or a classifier op that makes probabilities: serve as they are. */
        PROBABILITIES,
        /** Gemm, MatMul, Add, LogSoftmax, or a classifier op's raw scores: apply softmax (sigmoid) first. */
        LOGITS,
        /** A regressor op: predicted values. */
        VALUES,
        /** Anything else. */
        UNKNOWN
    }

    /**
     * Class labels found in the graph.
     *
     * @param labels the labels in probability-column order; integer labels as decimal text
     * @param type   {@link ElementType#STRING} or {@link ElementType#INT64}
     * @param origin where they came from, e.g. "ZipMap.classlabels_int64s", for the log
     */
    public record ClassLabels(List<String> labels, ElementType type, String origin) {
        public ClassLabels {
            labels = List.copyOf(labels);
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(origin, "origin");
        }
    }

    /**
     * The values an encoder knows for one input.
     *
     * @param input          the graph input
     * @param type           {@link ElementType#STRING} or {@link ElementType#INT64}: the encoder's key type
     * @param values         the known values in the encoder's order; integers as decimal text
     * @param refusesUnknown whether the encoder refuses a value it does not know ({@code OneHotEncoder} with
     *                       {@code zeros = 0}); otherwise an unknown value is encoded as zeros or a default
     * @param encoder        the encoder's op type, e.g. "OneHotEncoder"
     */
    public record InputCategories(
            String input, ElementType type, List<String> values, boolean refusesUnknown, String encoder) {
        public InputCategories {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(type, "type");
            values = List.copyOf(values);
            Objects.requireNonNull(encoder, "encoder");
        }
    }

    /**
     * How one output ends.
     *
     * @param output the graph output
     * @param ending what its values are
     * @param lastOp the op that decided, with the attribute that did, e.g. "LinearClassifier post_transform=SOFTMAX"
     *               ("" when no op produces the output)
     */
    public record OutputEnding(String output, Ending ending, String lastOp) {
        public OutputEnding {
            Objects.requireNonNull(output, "output");
            Objects.requireNonNull(ending, "ending");
            Objects.requireNonNull(lastOp, "lastOp");
        }
    }

    /** An unmodifiable copy of columns by input, in input order. */
    private static Map<String, Set<Integer>> columnsCopied(Map<String, Set<Integer>> byInput) {
        Map<String, Set<Integer>> copy = new LinkedHashMap<>();
        byInput.forEach((input, columns) -> copy.put(input, Set.copyOf(columns)));
        return Collections.unmodifiableMap(copy);
    }

    public GraphFacts {
        Objects.requireNonNull(classLabels, "classLabels");
        Objects.requireNonNull(task, "task");
        categories = Collections.unmodifiableMap(new LinkedHashMap<>(categories));
        missingAllowed = Collections.unmodifiableSet(new LinkedHashSet<>(missingAllowed));
        treeRouted = columnsCopied(treeRouted);
        treeUnrouted = columnsCopied(treeUnrouted);
        outputEndings = Collections.unmodifiableMap(new LinkedHashMap<>(outputEndings));
        Objects.requireNonNull(name, "name");
    }
}
