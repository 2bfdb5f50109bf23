/**
 * The one way in for every answer, with no servlet, gRPC or HTTP type: the model a request resolved to and its lease
 * ({@link org.tabserve.serving.ResolvedModel}), the served models and the default one, and the scoring entry point
 * ({@link org.tabserve.serving.Scoring}), which alone calls a request's model and does what every answer owes (the
 * metrics, drift, the answers kept for labels, the rollout's comparison, the prediction log, and, when asked, each
 * row's explanation and uncertainty with its novelty). Its jobs stand below it, each in its own package, their
 * arrows pointing down only and never back to it: {@code explain} and {@code rollout} stand on {@code monitor}, which
 * stands on {@code feedback}, with {@code limits} below them all (the one exception,
 * {@link org.tabserve.serving.limits.ServingException}, which the web's error renderer and the gRPC status mapping
 * translate; the memory budget requests share). It stands on the model, the rows, the repository and the prediction
 * log; the web app stands on it.
 */
package org.tabserve.serving;
