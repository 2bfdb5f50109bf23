/**
 * Shapley explanations of any model's answers ({@link org.tabserve.model.explain.Explainer}), asking of the model only
 * what {@link org.tabserve.model.explain.ExplainedModel} names, so that they stand below the model that offers them.
 *
 * <p>Shapley explanations of any model ({@code Explainer}: every coalition up to 10 columns,
 * {@code PermutationSampling} beyond, over the {@code CoalitionRows}, each call seen by an {@code ExplanationMeter}; or
 * the model's own {@code StructuralExplainer}), asking of the model only what {@code ExplainedModel} names. Stands on
 * {@code card} and {@code signature}.
 *
 * <p>The one interventional TreeSHAP walk of every tree model served ({@code TreeShapley}, over the {@code WalkedTrees}
 * view that an ONNX tree ensemble and a forest read from its library's file both give), which their structural
 * explainers run.
 */
package org.tabserve.model.explain;
