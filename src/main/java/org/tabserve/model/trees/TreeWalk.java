package org.tabserve.model.trees;

/**
 * A forest's trees as an exact explainer walks them (interventional TreeSHAP): each tree from its root, at each branch
 * to the child the forest's own rule sends a value to (missing values and categories included), down to a leaf whose
 * value adds to one margin. Only a forest whose margins are such sums offers one: linear leaves do not.
 *
 * <p>Node numbers are the walk's own, shared by all trees; a leaf's value is in margin space (before the link).
 */
public interface TreeWalk {

    /** @return how many trees */
    int trees();

    /** @return tree {@code t}'s root node */
    int root(int t);

    /** @return the margin tree {@code t}'s leaves add to (its class, for a multiclass forest; else 0) */
    int margin(int t);

    /** @return whether {@code node} is a leaf */
    boolean isLeaf(int node);

    /** @return the feature branch {@code node} reads, as an index into {@link TrainedForest#features()} */
    int feature(int node);

    /**
     * @param value the feature's value as a row hands it ({@link ForestFeature}): NaN for missing
     * @return the child the forest sends that value to
     */
    int child(int node, double value);

    /** @return a leaf's value */
    double leafValue(int node);
}
