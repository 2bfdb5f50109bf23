package org.tabserve.model.onnx.graph.ml;

import java.util.Arrays;
import java.util.List;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;

/**
 * ai.onnx.ml OneHotEncoder as ONNX Runtime reads it ({@code onehotencoder.cc}): one kind of categories, texts
 * ({@code cats_strings}) or integers ({@code cats_int64s}), a value becoming one float per category, 1 at its own; a
 * value outside them all zeros when {@code zeros} is 1 (its default, scikit-learn's {@code handle_unknown='ignore'}),
 * and refused when it is 0.
 */
public final class OneHotEncoding {

    private final List<String> strings;
    private final long[] integers;
    private final boolean zeros;

    private OneHotEncoding(List<String> strings, long[] integers, boolean zeros) {
        this.strings = strings;
        this.integers = integers;
        this.zeros = zeros;
    }

    /**
     * @param a a OneHotEncoder node's attributes
     * @throws UnreadOperator when it has categories of neither kind, or of both (ONNX Runtime reads one kind)
     */
    public static OneHotEncoding read(NodeAttributes a) throws UnreadOperator, OnnxFormatException {
        List<String> strings = a.strings("cats_strings");
        long[] integers = a.ints("cats_int64s");
        if (strings.isEmpty() == (integers.length == 0)) {
            throw UnreadOperator.at(a, "categories of neither or both kinds");
        }
        return new OneHotEncoding(strings, integers, a.integer("zeros", 1) != 0);
    }

    /** @return whether its categories are texts, else integers */
    public boolean text() {
        return !strings.isEmpty();
    }

    /** @return how many categories: the floats a value becomes */
    public int size() {
        return text() ? strings.size() : integers.length;
    }

    /** @return the text categories in order (empty when they are integers) */
    public List<String> strings() {
        return strings;
    }

    /** @return the integer categories in order (empty when they are texts); the array itself, not a copy */
    public long[] integers() {
        return integers;
    }

    /** @return the categories as text, integers in decimal */
    public List<String> texts() {
        if (text()) {
            return strings;
        }
        return Arrays.stream(integers).mapToObj(Long::toString).toList();
    }

    /** @return whether a value outside the categories becomes all zeros, else it is refused */
    public boolean zeros() {
        return zeros;
    }
}
