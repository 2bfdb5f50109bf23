package org.tabserve.model.onnx.engine;

import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxGraph;
import org.tabserve.model.onnx.graph.OnnxNode;
import org.tabserve.model.onnx.graph.ml.PostTransform;
import org.tabserve.model.onnx.graph.ml.TreeEnsembleReader;

/**
 * The errors of ONNX Runtime 1.29 (the version tabserve runs) that tabserve knows by name, found in a graph: where one
 * is, ONNX Runtime's answers are not the operator's definition, which the plain engine follows. {@link PlainCheck}
 * then checks the plain engine against ONNX Runtime on the graph {@link #asOnnxRuntimeComputes rewritten to make the
 * same error}, and once they agree serves every batch in plain Java and says why on the model's engine note.
 *
 * <p>The one known today: a one-target TreeEnsembleRegressor's post_transform other than NONE and PROBIT is left out
 * (its {@code FinalizeScores1} applies PROBIT alone): LOGISTIC is onnxruntime#26596 (open, its fix #26896 not merged),
 * which an XGBoost {@code reg:logistic} model needs; SOFTMAX and SOFTMAX_ZERO go the same way. Checked against ONNX
 * Runtime 1.29.0 by {@code OrtKnownErrorsTest}, which fails once a release corrects it. Issue #27533 (LOGISTIC left
 * out for a classifier of leaf-only trees) and #28557 (random forests wrong in 1.26.0) are not errors of 1.29.
 */
final class OrtKnownErrors {

    /** The regressor's post-transforms ONNX Runtime leaves out. */
    private static final List<String> LEFT_OUT = List.of("LOGISTIC", "SOFTMAX", "SOFTMAX_ZERO");

    private final OnnxGraph graph;
    private final List<OnnxNode> nodes;

    private OrtKnownErrors(OnnxGraph graph, List<OnnxNode> nodes) {
        this.graph = graph;
        this.nodes = nodes;
    }

    /** @return the known errors ONNX Runtime makes on {@code graph} (none for most graphs) */
    static OrtKnownErrors of(OnnxGraph graph) {
        List<OnnxNode> found = new ArrayList<>();
        for (OnnxNode node : graph.nodes()) {
            if (node.isMl("TreeEnsembleRegressor")) {
                NodeAttributes a = new NodeAttributes(node);
                if (TreeEnsembleReader.targets(a) == 1 && LEFT_OUT.contains(PostTransform.word(a))) {
                    found.add(node);
                }
            }
        }
        return new OrtKnownErrors(graph, List.copyOf(found));
    }

    /** @return whether ONNX Runtime makes none of the known errors on the graph */
    boolean none() {
        return nodes.isEmpty();
    }

    /** @return the graph as ONNX Runtime computes it: each regressor found without its post_transform */
    OnnxGraph asOnnxRuntimeComputes() {
        List<OnnxNode> rewritten = new ArrayList<>();
        for (OnnxNode node : graph.nodes()) {
            rewritten.add(nodes.contains(node) ? PostTransform.leftOut(node) : node);
        }
        return new OnnxGraph(
                graph.irVersion(),
                graph.producerName(),
                graph.producerVersion(),
                graph.modelVersion(),
                graph.docString(),
                graph.metadata(),
                graph.opsets(),
                graph.name(),
                graph.inputs(),
                graph.outputs(),
                rewritten,
                graph.initializers());
    }

    /** @return the errors in words, naming each node and the ONNX Runtime issue; "" when none */
    String words() {
        List<String> words = new ArrayList<>();
        for (OnnxNode node : nodes) {
            String post = PostTransform.word(new NodeAttributes(node));
            words.add("ONNX Runtime 1.29 leaves out the post_transform " + post
                    + " of the one-target TreeEnsembleRegressor '" + node.name() + "' (onnxruntime#26596"
                    + (post.equals("LOGISTIC") ? "" : ", which reports LOGISTIC: its code applies PROBIT alone")
                    + ")");
        }
        return String.join("; ", words);
    }
}
