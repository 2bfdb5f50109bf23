/**
 * The fleet's shared store of answers kept for labels, in Redis ({@link org.tabserve.serving.shared.RedisAnswers},
 * the {@code --shared-state} setting), of clients' rates (its buckets, {@code RedisBuckets}) and of the pages' sessions
 * ({@link org.tabserve.serving.shared.RedisSessions}): the one package that names the Redis client, loaded only when
 * the setting is given. It implements {@code feedback}'s {@code SharedAnswers} and {@code access}' {@code SharedBuckets}
 * and {@code SharedSessions}, and stands on those two; the wiring opens it and hands it to the feedback monitor, to the
 * access check and to the sign-in's filter, so that none names it.
 */
package org.tabserve.serving.shared;
