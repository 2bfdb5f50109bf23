package org.tabserve.model.trees.xgboost;

import java.util.Map;
import org.tabserve.model.trees.xgboost.Tokens.Kind;

/**
 * Reads one tree of an XGBoost model ({@code RegTree::SaveModel}'s object) into a {@link RawTree}, each array bounded
 * by the nodes and categories the reader may still hold, whatever order the file keeps its fields in.
 */
final class TreeReader {

    private final ValueReader values;

    TreeReader(ValueReader values) {
        this.values = values;
    }

    /**
     * Reads the tree whose opening brace was just read.
     *
     * @param nodesLeft      the most nodes this tree may hold (what the forest's node bound leaves)
     * @param categoriesLeft the most category codes its splits may name together
     */
    RawTree read(int maxNodes, int nodesLeft, int categoriesLeft) {
        RawTree tree = new RawTree();
        ValueReader.Cap nodes = new ValueReader.Cap(
                nodesLeft, "more nodes than the reader's bound of " + maxNodes + " nodes in all trees leaves");
        ValueReader.Cap codes = new ValueReader.Cap(
                categoriesLeft, "more category codes than the reader's bound of " + maxNodes + " in all trees leaves");
        String at = "trees";
        for (String field = values.nextField(at); field != null; field = values.nextField(at)) {
            switch (field) {
                case "tree_param" -> param(tree, values.parameters("tree_param"));
                case "id" -> tree.id = values.integer("id");
                case "left_children" -> tree.left = values.ints(field, nodes);
                case "right_children" -> tree.right = values.ints(field, nodes);
                case "split_indices" -> tree.splitIndex = values.ints(field, nodes);
                case "split_conditions" -> tree.condition = values.floats(field, nodes);
                case "default_left" -> tree.defaultLeft = values.ints(field, nodes);
                case "split_type" -> tree.splitType = values.ints(field, nodes);
                case "categories" -> tree.categories = values.ints(field, codes);
                case "categories_nodes" -> tree.categoryNodes = values.ints(field, nodes);
                case "categories_segments" -> tree.categorySegments = values.integers(field, nodes);
                case "categories_sizes" -> tree.categorySizes = values.integers(field, nodes);
                default -> skipBounded(field, nodesLeft);
            }
        }
        return tree;
    }

    /** The node statistics (loss changes, hessians, base weights, parents) are not needed to predict: skipped. */
    private void skipBounded(String field, int nodesLeft) {
        Kind k = values.next();
        if (k == Kind.ARRAY) {
            int n = 0;
            for (Kind e = values.next(); e != Kind.END_ARRAY; e = values.next()) {
                values.skip(e);
                // a multi-target tree's leaf vectors may hold several values a node: bounded all the same
                if (++n > 64L * nodesLeft + 64) {
                    throw ValueReader.tooMany(field, nodesLeft);
                }
            }
        } else {
            values.skip(k);
        }
    }

    private static void param(RawTree tree, Map<String, String> param) {
        tree.numNodes = ForestBuilder.integer(param, "num_nodes", -1, "the tree's 'tree_param.num_nodes'");
        tree.sizeLeafVector =
                ForestBuilder.integer(param, "size_leaf_vector", 0, "the tree's 'tree_param.size_leaf_vector'");
    }
}
