/**
 * Shapley explanations of any model's answers ({@link org.tabserve.model.explain.Explainer}), asking of the model only
 * what {@link org.tabserve.model.explain.ExplainedModel} names, so that they stand below the model that offers them.
 */
package org.tabserve.model.explain;
