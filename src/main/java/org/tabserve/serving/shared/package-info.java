/**
 * The fleet's shared store of answers kept for labels, in Redis ({@link org.tabserve.serving.shared.RedisAnswers},
 * the {@code --shared-state} setting), and of clients' rates (its buckets, {@code RedisBuckets}): the one package that
 * names the Redis client, loaded only when the setting is given. It implements {@code feedback}'s
 * {@code SharedAnswers} and {@code access}' {@code SharedBuckets}, and stands on those two; the wiring opens it and
 * hands it to the feedback monitor and to the access check, so that neither names it.
 */
package org.tabserve.serving.shared;
