package org.tabserve.model.onnx.plain;

import org.tabserve.model.onnx.graph.OnnxAttribute;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.onnx.graph.OnnxNode;

import java.util.List;

/** A node's attributes read for an operator, each missing or unreadable one an {@link Unsupported} naming it. */
final class Attributes {

    private final OnnxNode node;

    Attributes(OnnxNode node) {
        this.node = node;
    }

    String string(String name, String otherwise) {
        return node.attribute(name).map(OnnxAttribute::s).orElse(otherwise);
    }

    long integer(String name, long otherwise) {
        return node.attribute(name).map(OnnxAttribute::i).orElse(otherwise);
    }

    float real(String name, float otherwise) {
        return node.attribute(name).map(OnnxAttribute::f).orElse(otherwise);
    }

    float[] floats(String name) throws Unsupported {
        try {
            return node.attribute(name).isPresent() ? node.attribute(name).get().floats() : new float[0];
        } catch (OnnxFormatException e) {
            throw unsupported("its " + name + " cannot be read (" + e.getMessage() + ")");
        }
    }

    long[] ints(String name) throws Unsupported {
        try {
            return node.attribute(name).isPresent() ? node.attribute(name).get().ints() : new long[0];
        } catch (OnnxFormatException e) {
            throw unsupported("its " + name + " cannot be read (" + e.getMessage() + ")");
        }
    }

    List<String> strings(String name) throws Unsupported {
        try {
            return node.attribute(name).isPresent() ? node.attribute(name).get().strings() : List.of();
        } catch (OnnxFormatException e) {
            throw unsupported("its " + name + " cannot be read (" + e.getMessage() + ")");
        }
    }

    /** @return why this node is not run in plain Java, naming the node */
    Unsupported unsupported(String why) {
        return new Unsupported(node.opType() + " node '" + node.name() + "': " + why);
    }
}
