/**
 * Each model's rollout ({@link org.tabserve.serving.rollout.Rollouts}): which version answers its unversioned requests,
 * and a shadow's or canary's answers compared with the primary's off the answer's path; it stands on the repository,
 * the model, the rows, the prediction log's scored calls, {@code monitor} (the metrics' registry) and {@code limits}.
 */
package org.tabserve.serving.rollout;
