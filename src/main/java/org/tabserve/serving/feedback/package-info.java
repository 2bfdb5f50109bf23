/**
 * The answers kept for the labels that callers send later, and each model version's live performance from them and
 * without them ({@link org.tabserve.serving.feedback.FeedbackMonitor}), with the request ids that join the two; it
 * stands on the model and {@code limits} (the memory budget its answers take a share of). The fleet's shared store
 * ({@code SharedAnswers}) is named here as an interface; its Redis implementation stands above, in {@code shared}.
 *
 * <p>{@code FeedbackMonitor}: answers kept for labels in {@code RecentAnswers} (a longer answer's rows in
 * {@code KeptRows}), whose {@code IdRing}s hold them in flat arrays, not an object per request, within their share of
 * the budget ({@code AnswerRoom}), each request id the first answer's ({@code TakenIds}), labels checked
 * ({@code LabelRange}) and rated per client ({@code LabelRate}); live and estimated accuracy ({@code LivePerformance},
 * {@code Confidence}); {@code RequestIds} (the ids that join labels to answers, and name a request in the prediction
 * log); {@code SharedAnswers}, the fleet's shared store as an interface ({@code SharedStateDown} when it does not
 * answer), and its series ({@code FleetCounters}). Stands on {@code limits}.
 */
package org.tabserve.serving.feedback;
