/**
 * The explanations of a request's rows ({@link org.tabserve.serving.explain.RowExplanations}, asked by the scoring
 * entry point alone), computed on threads of their own within their bounds and the memory budget; it stands on the
 * model, the rows, {@code monitor} (its counters) and {@code limits}.
 */
package org.tabserve.serving.explain;
