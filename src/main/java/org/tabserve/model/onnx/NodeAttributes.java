package org.tabserve.model.onnx;

import org.tabserve.model.onnx.graph.OnnxAttribute;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.onnx.graph.OnnxNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One estimator node's attributes read as the types the ai.onnx.ml operators declare, so that the tree and linear
 * readers say only which attributes they need: a missing or differently typed attribute reads as absent.
 */
final class NodeAttributes {

    private final OnnxNode node;

    NodeAttributes(OnnxNode node) {
        this.node = node;
    }

    /** @return the INTS attribute, or null */
    long[] ints(String name) throws OnnxFormatException {
        Optional<OnnxAttribute> a = typed(name, OnnxAttribute.Type.INTS);
        return a.isPresent() ? a.get().ints() : null;
    }

    /** @return the FLOATS attribute, or null */
    float[] floats(String name) throws OnnxFormatException {
        Optional<OnnxAttribute> a = typed(name, OnnxAttribute.Type.FLOATS);
        return a.isPresent() ? a.get().floats() : null;
    }

    /** @return the STRINGS attribute, or null */
    List<String> strings(String name) throws OnnxFormatException {
        Optional<OnnxAttribute> a = typed(name, OnnxAttribute.Type.STRINGS);
        return a.isPresent() ? a.get().strings() : null;
    }

    /** @return the STRING attribute, or {@code otherwise} */
    String text(String name, String otherwise) {
        return typed(name, OnnxAttribute.Type.STRING).map(OnnxAttribute::s).orElse(otherwise);
    }

    /** @return the INT attribute, or {@code otherwise} */
    long integer(String name, long otherwise) {
        return typed(name, OnnxAttribute.Type.INT).map(OnnxAttribute::i).orElse(otherwise);
    }

    /**
     * @return a classifier's labels as text, in score order (classlabels_strings, or the tree ensembles'
     *         classlabels_int64s, or LinearClassifier's classlabels_ints), or null
     */
    List<String> classLabels() throws OnnxFormatException {
        List<String> strings = strings("classlabels_strings");
        if (strings != null && !strings.isEmpty()) {
            return strings;
        }
        long[] ints = ints("classlabels_int64s");
        if (ints == null || ints.length == 0) {
            ints = ints("classlabels_ints");
        }
        if (ints == null || ints.length == 0) {
            return null;
        }
        List<String> labels = new ArrayList<>();
        for (long label : ints) {
            labels.add(Long.toString(label));
        }
        return labels;
    }

    private Optional<OnnxAttribute> typed(String name, OnnxAttribute.Type type) {
        return node.attribute(name).filter(a -> a.type() == type);
    }
}
