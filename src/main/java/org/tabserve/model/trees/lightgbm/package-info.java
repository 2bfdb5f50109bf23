/**
 * LightGBM's text model ({@code booster.save_model("model.txt")}, format v2 to v4) read into a
 * {@link org.tabserve.model.trees.TrainedForest} that answers as LightGBM's own predict does, in doubles:
 * {@link org.tabserve.model.trees.lightgbm.LightgbmReader} is the entry point. The file is read line by line within
 * {@link org.tabserve.model.trees.ForestLimits}, every count checked against what the file actually gives before it
 * costs memory; the trees are evaluated as LightGBM's {@code Tree::Predict} does (decision-type bits, missing types,
 * categorical bitsets, linear leaves), the margins summed in its order and transformed as its objectives do.
 */
package org.tabserve.model.trees.lightgbm;
