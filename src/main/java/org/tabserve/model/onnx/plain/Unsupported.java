package org.tabserve.model.onnx.plain;

import org.tabserve.model.onnx.graph.NodeAttributes;

/**
 * Why a graph cannot run in plain Java: a node of an operator, an attribute value or a shape the plain operators do
 * not implement, named so that the model's page and log can say why ONNX Runtime runs it.
 */
public final class Unsupported extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param why what is not run in plain Java, in words */
    public Unsupported(String why) {
        super(why, null, false, false);
    }

    /** @return why the node whose attributes these are is not run in plain Java, naming it */
    static Unsupported at(NodeAttributes a, String why) {
        return new Unsupported(a.node().opType() + " node '" + a.node().name() + "': " + why);
    }
}
