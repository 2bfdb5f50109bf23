package org.tabserve.model.trees;

import org.tabserve.model.explain.WalkedTrees;

/**
 * A forest's trees as an exact explainer walks them (interventional TreeSHAP): each tree from its root, at each branch
 * to the child the forest's own rule sends a value to (missing values and categories included), down to a leaf whose
 * value adds to one margin. Only a forest whose margins are such sums offers one: linear leaves do not.
 *
 * <p>Node numbers are the walk's own, shared by all trees; a leaf's value is in margin space (before the link). Each
 * tree's leaves add to its one {@link #margin} (its class, for a multiclass forest; else 0), never to
 * {@link #EVERY_MARGIN}; {@link #feature} is an index into {@link TrainedForest#features()}, and {@link #child} takes
 * the feature's value as a row hands it ({@link ForestFeature}).
 */
public interface TreeWalk extends WalkedTrees {

    /** @return a leaf's value */
    double leafValue(int node);

    /** A leaf adds its one value to its tree's one margin. */
    @Override
    default double leafValue(int node, int margin) {
        return leafValue(node);
    }
}
