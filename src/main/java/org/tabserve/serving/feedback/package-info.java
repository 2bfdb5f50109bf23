/**
 * The answers kept for the labels that callers send later, and each model version's live performance from them and
 * without them ({@link org.tabserve.serving.feedback.FeedbackMonitor}), with the request ids that join the two; it
 * stands on the model and {@code limits} (the memory budget its answers take a share of).
 */
package org.tabserve.serving.feedback;
