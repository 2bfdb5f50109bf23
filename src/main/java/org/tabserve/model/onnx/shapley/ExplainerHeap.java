package org.tabserve.model.onnx.shapley;

import org.tabserve.model.onnx.graph.NodeAttributes;
import org.tabserve.model.onnx.graph.OnnxFormatException;
import org.tabserve.model.onnx.graph.OnnxNode;
import org.tabserve.model.onnx.graph.ml.Coefficients;
import org.tabserve.model.onnx.graph.ml.TreeEnsembleReader;

/**
 * The heap an estimator's exact explainer takes ({@link TreeShap}, {@link LinearScores}), at its reading's peak
 * and kept for as long as the model serves, estimated from its node's attribute counts before any list is decoded,
 * so that a load reserves it ({@link LoadRoom}) or refuses the model before the reading can exhaust the heap.
 *
 * <p>The figures bound the reading's own arrays ({@code graph.ml.TreeEnsembleReader}): a tree ensemble's node
 * attributes as {@code long[]}s, its node index (up to 48 bytes a node), the walking arrays it keeps (18 bytes a node)
 * and its weights grouped by leaf (8 bytes a weight), about 125 bytes a node at the peak and 25 kept, and 52 and 24
 * a leaf weight. A 20 MB carded forest of 524,032 nodes and as many leaf weights is estimated at 93 MB to read; with
 * a {@code HashMap} of boxed ids and a String for each node's mode, the reading took 225 bytes a node (145 MB, and the
 * heap's live set during its load reached 143 MB at -Xmx400m).
 *
 * @param toBuild bytes live while the explainer is read and checked
 * @param toKeep  bytes its structure keeps while the model serves
 * @param what    the structure, for a refusal ("its TreeEnsembleClassifier's 524,032 nodes")
 */
public record ExplainerHeap(long toBuild, long toKeep, String what) {

    static final long TREE_BUILD_PER_NODE = 125;
    static final long TREE_BUILD_PER_LEAF_WEIGHT = 52;
    static final long TREE_KEEP_PER_NODE = 25;
    static final long TREE_KEEP_PER_LEAF_WEIGHT = 24;
    /** A linear model's coefficients decoded as floats (with the list's growth) and kept as doubles. */
    static final long LINEAR_BUILD_PER_WEIGHT = 20;

    static final long LINEAR_KEEP_PER_WEIGHT = 8;

    /** @return the estimate for the explainer of {@code node}, a tree ensemble or a linear model */
    public static ExplainerHeap of(OnnxNode node) throws OnnxFormatException {
        NodeAttributes a = new NodeAttributes(node);
        String op = node.opType();
        if (op.startsWith("Tree")) {
            long nodes = TreeEnsembleReader.nodeCount(a);
            long weights = TreeEnsembleReader.leafWeightCount(a);
            return new ExplainerHeap(
                    nodes * TREE_BUILD_PER_NODE + weights * TREE_BUILD_PER_LEAF_WEIGHT,
                    nodes * TREE_KEEP_PER_NODE + weights * TREE_KEEP_PER_LEAF_WEIGHT,
                    "its " + op + "'s " + String.format(java.util.Locale.ROOT, "%,d", nodes) + " nodes");
        }
        long weights = Coefficients.count(a);
        return new ExplainerHeap(
                weights * LINEAR_BUILD_PER_WEIGHT,
                weights * LINEAR_KEEP_PER_WEIGHT,
                "its " + op + "'s " + String.format(java.util.Locale.ROOT, "%,d", weights) + " weights");
    }
}
