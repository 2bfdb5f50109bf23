/**
 * The fleet's shared store of answers kept for labels, in Redis ({@link org.tabserve.serving.shared.RedisAnswers},
 * the {@code --shared-state} setting), of clients' rates (its buckets, {@code RedisBuckets}) and of the pages' sessions
 * ({@link org.tabserve.serving.shared.RedisSessions}): the one package that names the Redis client, loaded only when
 * the setting is given. It implements {@code feedback}'s {@code SharedAnswers} and {@code access}' {@code SharedBuckets}
 * and {@code SharedSessions}, and stands on those two; the wiring opens it and hands it to the feedback monitor, to the
 * access check and to the sign-in's filter, so that none names it.
 *
 * <p>The fleet's shared store of answers kept for labels, of clients' rates and of the pages' sessions in Redis
 * ({@code --shared-state}): the sessions' {@code RedisSessions} implements {@code access}'s {@code SharedSessions}
 * (each step a script of {@code SessionScripts}, refused 503 while Redis does not answer); {@code RedisAnswers}
 * implements {@code feedback}'s {@code SharedAnswers} (its address read by {@code RedisAddress}, its keys in
 * {@code RedisKeys}, its Lua in {@code RedisScripts}, its replies read by {@code RedisReplies}, its failures in words
 * by {@code RedisFailures}, its round trips' client spans by {@code RedisSpans}), and {@code RedisBuckets}, on its
 * connections, {@code access}' {@code SharedBuckets} (a client's token bucket, one script run a request); the one
 * package that names the Redis client, opened by the wiring ({@code web.SharedState}) and handed to
 * {@code FeedbackMonitor.share} and to {@code Access} (as {@code access.ClientBuckets}), so its client loads only when
 * the setting is given. Stands on {@code feedback} and {@code access}.
 */
package org.tabserve.serving.shared;
