/**
 * The answers kept for the labels that callers send later, and each model version's live performance from them and
 * without them ({@link org.tabserve.serving.feedback.FeedbackMonitor}), with the request ids that join the two; it
 * stands on the model and {@code limits} (the memory budget its answers take a share of). The fleet's shared store
 * ({@code SharedAnswers}) is named here as an interface; its Redis implementation stands above, in {@code shared}.
 */
package org.tabserve.serving.feedback;
