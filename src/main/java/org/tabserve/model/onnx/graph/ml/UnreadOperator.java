package org.tabserve.model.onnx.graph.ml;

import org.tabserve.model.onnx.graph.NodeAttributes;

/**
 * Why a node's attributes make no definition here: a value of a kind tabserve does not read (a post-transform, a
 * kernel, thresholds as tensors), sizes that do not agree, or a case where ONNX Runtime's answer is not defined. The
 * message names the node; the plain engine keeps ONNX Runtime for it and the explanations keep coalitions of rows.
 */
public final class UnreadOperator extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param why what is not read, naming the node */
    public UnreadOperator(String why) {
        super(why, null, false, false);
    }

    /** @return why the node whose attributes these are makes no definition, naming it */
    static UnreadOperator at(NodeAttributes a, String why) {
        return new UnreadOperator(a.node().opType() + " node '" + a.node().name() + "': " + why);
    }
}
