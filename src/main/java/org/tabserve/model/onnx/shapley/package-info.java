/**
 * The exact explanations of a tree ensemble and a linear model from their definitions in {@code model.onnx.graph.ml}:
 * {@link org.tabserve.model.onnx.shapley.EstimatorInput} maps the estimator's input elements to the model's columns
 * through the graph, {@link org.tabserve.model.onnx.shapley.AdditiveEstimator} ({@code TreeShap}, {@code
 * LinearScores}, read by {@code EstimatorReader}) computes the Shapley values (a tree ensemble's by {@code
 * model.explain}'s {@code TreeShapley}, the walk native forests share), and
 * {@link org.tabserve.model.onnx.shapley.LoadRoom} bounds the heap their reading takes ({@code ExplainerHeap}). No
 * ONNX Runtime: {@code model.onnx}'s {@code AttributeExplainer} runs the second session that feeds them and holds them
 * to ONNX Runtime's answers.
 */
package org.tabserve.model.onnx.shapley;
