package org.tabserve.serving.shared;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.tabserve.serving.access.Quota;
import org.tabserve.serving.access.SharedBuckets;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The fleet's buckets of clients' rates in Redis ({@link SharedBuckets}): each take is one round trip, whatever the
 * client's number of rates, the script {@link RedisScripts#TAKE} over all its buckets by its digest ({@code EVALSHA}; {@code EVAL} once more when Redis has lost it), on the
 * store's connections and within its total deadline ({@link RedisDeadline}, {@code tabserve.redis-deadline}). A
 * store that does not answer in time, or answers what the script never says, is taken as down: said once in the log,
 * each request meanwhile answered {@link #UNANSWERED} at once (the replica takes the client's own bucket), and one
 * request a second tries the store again; the first answer ends the outage, said once too. Keys are the client's
 * name ({@link RedisKeys#rateKey}), never its credential; the log names neither.
 */
final class RedisBuckets implements SharedBuckets {

    private static final Logger LOG = Logger.getLogger(RedisBuckets.class.getName());
    /** How long the store is left alone after it did not answer, before one request tries it again. */
    static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RedisAddress address;
    private final RedisDeadline deadline;
    private final RedisClient redis;
    private final String takeSha = RedisKeys.sha1(RedisScripts.TAKE);
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong retryAt = new AtomicLong();

    RedisBuckets(RedisAddress address, RedisDeadline deadline, RedisClient redis) {
        this.address = address;
        this.deadline = deadline;
        this.redis = redis;
    }

    @Override
    public Quota.Wait take(String client, Quota quota) {
        if (down.get()) {
            long at = retryAt.get();
            long now = System.nanoTime();
            if (now - at < 0 || !retryAt.compareAndSet(at, now + RETRY_NANOS)) {
                return UNANSWERED; // one request a second asks the store again; the others do not wait for it
            }
        }
        List<String> keys = new ArrayList<>(quota.rates());
        List<String> args = new ArrayList<>(2 * quota.rates());
        for (int i = 0; i < quota.rates(); i++) {
            keys.add(RedisKeys.rateKey(client, quota.permits(i), quota.windowSeconds(i)));
            args.add(Long.toString(quota.permits(i)));
            args.add(Long.toString(quota.windowSeconds(i)));
        }
        Object reply;
        try (RedisDeadline.Call call = deadline.begin()) {
            try {
                reply = redis.evalsha(takeSha, keys, args);
            } catch (JedisDataException e) {
                if (!String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) {
                    throw e;
                }
                reply = redis.eval(RedisScripts.TAKE, keys, args); // a Redis new or restarted: EVAL caches it
            }
        } catch (JedisException e) {
            down(
                    e instanceof JedisDataException
                            ? "it refused the script: " + RedisFailures.cause(e)
                            : RedisFailures.words(e, deadline.deadline()));
            return UNANSWERED;
        }
        Quota.Wait wait = wait(reply, quota);
        if (wait == null) {
            down("it answered what the script never does");
            return UNANSWERED;
        }
        if (down.compareAndSet(true, false)) {
            LOG.info("The shared store " + address + " answers again: each client's rate is the fleet's again");
        }
        return wait;
    }

    /**
     * @return the script's answer ({@code {0, 0}}, or {@code {MICROS, I}}) as a wait; null for what it never
     *         answers
     */
    private static Quota.Wait wait(Object reply, Quota quota) {
        if (!(reply instanceof List<?> pair)
                || pair.size() != 2
                || !(pair.get(0) instanceof Long micros)
                || !(pair.get(1) instanceof Long rate)) {
            return null;
        }
        if (micros == 0 && rate == 0) {
            return Quota.Wait.TAKEN;
        }
        if (rate < 1
                || rate > quota.rates()
                || micros < 1
                || micros > quota.windowSeconds((int) (rate - 1)) * 1_000_000L) {
            return null;
        }
        return new Quota.Wait((int) (rate - 1), TimeUnit.MICROSECONDS.toNanos(micros));
    }

    /** Takes the store as down for the rates, saying so once an outage. */
    private void down(String why) {
        retryAt.set(System.nanoTime() + RETRY_NANOS);
        if (down.compareAndSet(false, true)) {
            LOG.warning("The shared store " + address + " did not answer a client's rate (" + why + "): each client's"
                    + " rate is taken from this replica's own bucket until it does, so that a client may get its rate"
                    + " from each replica meanwhile; no request is refused for the store's sake");
        }
    }

    @Override
    public String describe() {
        return address.toString();
    }
}
