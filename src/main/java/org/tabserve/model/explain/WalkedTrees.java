package org.tabserve.model.explain;

/**
 * A tree ensemble as interventional TreeSHAP walks it ({@link TreeShapley}): each tree from its root, at each branch to
 * the child the model's own rule sends a value to (missing values and categories included), down to a leaf whose value
 * adds to a margin (a raw score, before any link). An ONNX TreeEnsemble and a forest read from its training library's
 * file both offer this view, so that one walk explains both.
 *
 * <p>Node numbers are the view's own, shared by all trees.
 */
public interface WalkedTrees {

    /** {@link #margin}'s answer for a tree whose leaves may add to several margins ({@link #leafValue} says each). */
    int EVERY_MARGIN = -1;

    /** @return how many trees */
    int trees();

    /** @return tree {@code t}'s root node */
    int root(int t);

    /** @return the one margin tree {@code t}'s leaves add to, or {@link #EVERY_MARGIN} */
    int margin(int t);

    /** @return whether {@code node} is a leaf */
    boolean isLeaf(int node);

    /** @return the element of the row a branch reads */
    int feature(int node);

    /**
     * @param value the row's element, as the model compares it: NaN for missing
     * @return the child the model sends that value to
     */
    int child(int node, double value);

    /**
     * @param margin a margin the leaf's tree adds to ({@link #margin}, or any when that is {@link #EVERY_MARGIN})
     * @return what the leaf adds to it
     */
    double leafValue(int node, int margin);
}
