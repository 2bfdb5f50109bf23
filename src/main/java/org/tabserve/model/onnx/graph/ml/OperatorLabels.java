package org.tabserve.model.onnx.graph.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;

/**
 * An operator's class labels in score order, read once: {@code classlabels_strings} when it has any, else its integer
 * labels ({@code classlabels_int64s} of the tree ensembles and ZipMap, {@code classlabels_ints} of LinearClassifier
 * and SVMClassifier), as ONNX Runtime reads them: an attribute of another type reads as absent.
 */
public final class OperatorLabels {

    /** The attribute of text labels. */
    public static final String STRINGS = "classlabels_strings";
    /** The integer labels of the tree ensembles and ZipMap. */
    public static final String INT64S = "classlabels_int64s";
    /** The integer labels of LinearClassifier and SVMClassifier. */
    public static final String INTS = "classlabels_ints";

    private final List<String> texts;
    private final long[] integers;
    private final String attribute;

    private OperatorLabels(List<String> texts, long[] integers, String attribute) {
        this.texts = List.copyOf(texts);
        this.integers = integers;
        this.attribute = attribute;
    }

    /**
     * @param intsAttribute the operator's attribute of integer labels ({@link #INT64S} or {@link #INTS})
     * @return its labels: the strings when there are any, else the integers (none: no labels)
     */
    public static OperatorLabels read(NodeAttributes a, String intsAttribute) throws OnnxFormatException {
        List<String> strings = a.strings(STRINGS);
        if (!strings.isEmpty()) {
            return new OperatorLabels(strings, null, STRINGS);
        }
        return ofIntegers(a.ints(intsAttribute), intsAttribute);
    }

    /**
     * The labels a node declares under any of the three attributes, tried in the order strings, int64s, ints: what
     * the graph says its classes are, whichever operator it is.
     *
     * @return the first non-empty one, or empty
     */
    public static Optional<OperatorLabels> declared(NodeAttributes a) throws OnnxFormatException {
        for (String attribute : List.of(INT64S, INTS)) {
            OperatorLabels labels = read(a, attribute);
            if (labels.size() > 0) {
                return Optional.of(labels);
            }
        }
        return Optional.empty();
    }

    /** The labels ONNX Runtime writes when it names a binary answer by its score's sign alone: 0 and 1, text or not. */
    static OperatorLabels zeroOne(boolean text) {
        return text ? new OperatorLabels(List.of("0", "1"), null, STRINGS) : ofIntegers(new long[] {0, 1}, INT64S);
    }

    private static OperatorLabels ofIntegers(long[] values, String attribute) {
        List<String> texts = new ArrayList<>(values.length);
        for (long value : values) {
            texts.add(Long.toString(value));
        }
        return new OperatorLabels(texts, values, attribute);
    }

    /** @return how many labels */
    public int size() {
        return texts.size();
    }

    /** @return whether the labels are text ({@link #STRINGS}) rather than integers */
    public boolean text() {
        return integers == null;
    }

    /** @return the labels as text, integers in decimal */
    public List<String> texts() {
        return texts;
    }

    /** @return label {@code i} as text */
    public String text(int i) {
        return texts.get(i);
    }

    /** @return integer label {@code i} (only when not {@link #text()}) */
    public long integer(int i) {
        return integers[i];
    }

    /** @return the attribute they were read from, e.g. "classlabels_int64s" */
    public String attribute() {
        return attribute;
    }

    @Override
    public String toString() {
        return attribute + "=" + (integers == null ? texts.toString() : Arrays.toString(integers));
    }
}
