/**
 * The per-request model work every transport shares, with no servlet, gRPC or HTTP type: the model a request resolved
 * to and its lease ({@link org.tabserve.serving.ResolvedModel}), the served models and the default one, the counting
 * of what each request scored (metrics, statistics, recent activity, drift, the answers kept for labels and the live
 * accuracy, the prediction log), request ids, the memory budget requests share, and explanations on their own threads. It refuses with one exception,
 * {@link org.tabserve.serving.limits.ServingException}, which the web's error renderer and the gRPC status mapping translate.
 * It stands on the model, the rows, the repository and the prediction log; the web app and the command line stand on it.
 */
package org.tabserve.serving;
