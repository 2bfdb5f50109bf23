package org.tabserve.model.onnx.graph;

import java.util.List;
import java.util.Optional;

/**
 * A node's attributes read as the types its operator declares, so that each operator's definition
 * ({@code graph.ml}) says only which attributes it needs: a missing or differently typed attribute reads as absent (an
 * empty array or list, or the default given).
 */
public final class NodeAttributes {

    private final OnnxNode node;

    /** @param node the node whose attributes are read */
    public NodeAttributes(OnnxNode node) {
        this.node = node;
    }

    /** @return the node read */
    public OnnxNode node() {
        return node;
    }

    /** @return the INTS attribute, or an empty array */
    public long[] ints(String name) throws OnnxFormatException {
        Optional<OnnxAttribute> a = typed(name, OnnxAttribute.Type.INTS);
        return a.isPresent() ? a.get().ints() : new long[0];
    }

    /** @return the FLOATS attribute, or an empty array */
    public float[] floats(String name) throws OnnxFormatException {
        Optional<OnnxAttribute> a = typed(name, OnnxAttribute.Type.FLOATS);
        return a.isPresent() ? a.get().floats() : new float[0];
    }

    /** @return the STRINGS attribute, or an empty list */
    public List<String> strings(String name) throws OnnxFormatException {
        Optional<OnnxAttribute> a = typed(name, OnnxAttribute.Type.STRINGS);
        return a.isPresent() ? a.get().strings() : List.of();
    }

    /** @return how many values the list attribute holds, counted without decoding them ({@link OnnxAttribute#count}); 0 when absent */
    public int count(String name) throws OnnxFormatException {
        Optional<OnnxAttribute> a = node.attribute(name);
        return a.isPresent() ? a.get().count() : 0;
    }

    /** @return the STRINGS attribute as indexes in {@code known} (-1: another word), or an empty array ({@link OnnxAttribute#indexesIn}) */
    public int[] indexesIn(String name, List<String> known) throws OnnxFormatException {
        Optional<OnnxAttribute> a = typed(name, OnnxAttribute.Type.STRINGS);
        return a.isPresent() ? a.get().indexesIn(known) : new int[0];
    }

    /** @return the STRING attribute, or {@code otherwise} */
    public String text(String name, String otherwise) {
        return typed(name, OnnxAttribute.Type.STRING).map(OnnxAttribute::s).orElse(otherwise);
    }

    /** @return the INT attribute, or {@code otherwise} */
    public long integer(String name, long otherwise) {
        return typed(name, OnnxAttribute.Type.INT).map(OnnxAttribute::i).orElse(otherwise);
    }

    /** @return the FLOAT attribute, or {@code otherwise} */
    public float real(String name, float otherwise) {
        return typed(name, OnnxAttribute.Type.FLOAT).map(OnnxAttribute::f).orElse(otherwise);
    }

    private Optional<OnnxAttribute> typed(String name, OnnxAttribute.Type type) {
        return node.attribute(name).filter(a -> a.type() == type);
    }
}
