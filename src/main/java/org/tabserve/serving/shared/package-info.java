/**
 * The fleet's shared store of answers kept for labels, in Redis ({@link org.tabserve.serving.shared.RedisAnswers},
 * the {@code --shared-state} setting): the one package that names the Redis client, loaded only when the setting is
 * given. It implements {@code feedback}'s {@code SharedAnswers} and {@code access}'s {@code SharedSessions} (the pages'
 * sessions, {@link org.tabserve.serving.shared.RedisSessions}) and stands on {@code feedback} and below; the wiring
 * opens it and hands it to the feedback monitor and the sign-in's filter, so that neither names it.
 */
package org.tabserve.serving.shared;
