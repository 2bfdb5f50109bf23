/**
 * The fleet's shared store of answers kept for labels, in Redis ({@link org.tabserve.serving.shared.RedisAnswers},
 * the {@code --shared-state} setting): the one package that names the Redis client, loaded only when the setting is
 * given. It implements {@code feedback}'s {@code SharedAnswers} and stands on {@code feedback} alone; the wiring opens
 * it and hands it to the feedback monitor, so that {@code feedback} never names it.
 */
package org.tabserve.serving.shared;
