/**
 * The one way in for every answer, with no servlet, gRPC or HTTP type: the model a request resolved to and its lease
 * ({@link org.tabserve.serving.ResolvedModel}), the served models and the default one, and the scoring entry point
 * ({@link org.tabserve.serving.Scoring}), which alone calls a request's model and does what every answer owes (the
 * metrics, drift, the answers kept for labels, the rollout's comparison, the prediction log, and, when asked, each
 * row's explanation and uncertainty with its novelty). Its jobs stand below it, each in its own package, their
 * arrows pointing down only and never back to it: {@code explain} and {@code rollout} stand on {@code monitor}, which
 * stands on {@code feedback}, with {@code limits} below them all (the one exception,
 * {@link org.tabserve.serving.budget.ServingException}, which the web's error renderer and the gRPC status mapping
 * translate; the memory budget requests share). It stands on the model, the rows, the repository and the prediction
 * log; the web app stands on it.
 *
 * <p>The one way in for every answer, with no servlet, gRPC or HTTP type: {@code Scoring} opens a request's scoring:
 * the answer's assembler ({@code model.answer.AnswerAssembler}), given the server's hooks ({@code AnswerHooks}: one a
 * job, the counters, statistics, drift, the rollout's comparison, the answers kept for labels, the prediction log, and
 * at the request's end its statistics), the request's explanations and its coverage; {@code ResolvedModel} (the
 * request's own state: the model it resolved to, its lease, its id and caller, and the answer's request-level values,
 * {@code AnswerSource}), {@code ServedModels} (the repository, the default model, the metrics and the monitors, the
 * rollouts and the prediction log), {@code ModelRoute}, {@code Readiness} (models loaded or failed, not draining), how
 * sure each answer is ({@code ConformalAnswers}, from the card's conformal calibration, with each row's novelty). Its
 * jobs are the packages below, which never name it.
 */
package org.tabserve.serving;
