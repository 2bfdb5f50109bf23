/**
 * Models served from their training library's own file, without conversion: a format-neutral view of a trained
 * decision forest ({@link org.tabserve.model.trees.TrainedForest}) that each file format's reader builds
 * ({@code trees.xgboost}, {@code trees.lightgbm}) and that one {@link org.tabserve.model.Model} serves, so that every
 * route, the card and the explanations never know which file a model came from; its trees explain it exactly
 * ({@code ForestExplainer}: interventional TreeSHAP by {@code model.explain}'s {@code TreeShapley}, the walk ONNX tree
 * ensembles share). No ONNX Runtime here.
 */
package org.tabserve.model.trees;
