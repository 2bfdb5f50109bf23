/**
 * The explanations of a request's rows ({@link org.tabserve.serving.explanations.RowExplanations}, asked by the scoring
 * entry point alone), computed on threads of their own within their bounds and the memory budget; it stands on the
 * model, the rows, {@code monitor} (its counters) and {@code limits}.
 *
 * <p>Explanations: {@code RowExplanations} (called by the assembler {@code Scoring} builds, alone) on the
 * {@code ExplanationPool}'s threads, bounded by {@code ExplanationLimits}, chunked to the memory budget
 * ({@code ExplanationChunks}), each version's explainer kept ({@code ModelExplainers}). Stands on {@code monitor} and
 * {@code limits}.
 */
package org.tabserve.serving.explanations;
