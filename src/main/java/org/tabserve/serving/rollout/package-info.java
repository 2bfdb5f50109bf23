/**
 * Each model's rollout ({@link org.tabserve.serving.rollout.Rollouts}): which version answers its unversioned requests,
 * and a shadow's or canary's answers compared with the primary's off the answer's path; it stands on the repository,
 * the model, the rows, the prediction log's scored calls, {@code monitor} (the metrics' registry) and {@code limits}.
 *
 * <p>Rollouts: {@code Rollouts} (each model's {@code Rollout} from its {@code rollout.json} ({@code RolloutFiles}) or
 * the admin API, kept by {@code RolloutStore}, checked by {@code RolloutChecks}, which version an unversioned request
 * gets), a shadow's or canary's rows compared off the answer's path by the {@code ShadowScorer} into a
 * {@code VersionComparison}, with its series in {@code RolloutMetrics}. Stands on {@code monitor} and {@code limits}.
 */
package org.tabserve.serving.rollout;
