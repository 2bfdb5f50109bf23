package org.tabserve.serving.shared;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.tabserve.serving.access.SharedSessions;
import org.tabserve.serving.budget.ServingException;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The pages' sessions and the sign-ins that came back in Redis ({@link SharedSessions}, the {@code --shared-state} store): each
 * step one script run in Redis ({@link SessionScripts}), every call (its connection and its wait for one included)
 * within one total deadline ({@link RedisDeadline}, {@code tabserve.redis-deadline}). After a failure the store is
 * taken as down for {@link RedisAnswers#DOWN_NANOS} and every call meanwhile refused at once; a failure, or a command
 * Redis refuses, is said once in the log until a call succeeds again
 * (503 in words): a session is never granted, nor a sign-in taken back, because Redis did not answer.
 */
public final class RedisSessions implements SharedSessions {

    private static final Logger LOG = Logger.getLogger(RedisSessions.class.getName());
    /** A key's digest, as the web layer makes it: 64 hex digits. */
    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

    private final RedisAddress address;
    private final RedisDeadline deadline;
    private final RedisClient redis;
    private final String openSha = RedisKeys.sha1(SessionScripts.OPEN);
    private final String touchSha = RedisKeys.sha1(SessionScripts.TOUCH);
    private final String returnSha = RedisKeys.sha1(SessionScripts.RETURN);
    private volatile long downUntil = System.nanoTime();
    /** Whether the log has said the store is down, and not yet that it answers again: said once an outage. */
    private volatile boolean outage;

    /**
     * @return the store at {@code url} ({@code redis://...}, as {@link RedisAnswers#open(String, Runnable)} reads
     *         it), each call held to the deadline {@code lookup} gives as {@code tabserve.redis-deadline}
     * @throws IllegalArgumentException for a URL or a deadline that is not one, saying which without the password
     */
    public static RedisSessions open(String url, Function<String, Optional<String>> lookup) {
        return new RedisSessions(RedisAddress.parse(url), RedisDeadline.resolve(lookup));
    }

    RedisSessions(RedisAddress address, Duration deadline) {
        this.address = address;
        this.deadline = new RedisDeadline(deadline, address);
        this.redis = DeadlineSockets.client(address, this.deadline);
        LOG.info("The pages' sessions are shared in " + address);
    }

    @Override
    public void open(String key, String sealed, long createdMillis, long idleMillis, long absoluteMillis) {
        checkValue(sealed);
        call(
                SessionScripts.OPEN,
                openSha,
                RedisKeys.sessionKey(digest(key)),
                List.of(sealed, Long.toString(createdMillis), Long.toString(Math.min(idleMillis, absoluteMillis))));
    }

    @Override
    public Stored touch(String key, long nowMillis, long idleMillis, long absoluteMillis) {
        Object reply = call(
                SessionScripts.TOUCH,
                touchSha,
                RedisKeys.sessionKey(digest(key)),
                List.of(
                        Long.toString(nowMillis),
                        Long.toString(idleMillis),
                        Long.toString(absoluteMillis),
                        Integer.toString(MAX_VALUE)));
        if (!(reply instanceof List<?> got) || got.size() != 3 || !"session".equals(RedisReplies.text(got.get(0)))) {
            return null; // none, ended, or what no replica wrote
        }
        String value = RedisReplies.text(got.get(1));
        String opened = RedisReplies.text(got.get(2));
        if (value.length() > MAX_VALUE || !opened.matches("[0-9]{1,15}")) {
            return null;
        }
        return new Stored(value, Long.parseLong(opened));
    }

    @Override
    public void end(String key) {
        String name = RedisKeys.sessionKey(digest(key));
        run(() -> redis.del(name));
    }

    @Override
    public Return returnLogin(String key, long lifetimeMillis, int max) {
        long seconds = Math.max(1, TimeUnit.MILLISECONDS.toSeconds(lifetimeMillis));
        long window = System.currentTimeMillis() / 1000 / seconds;
        Object reply = run(() -> eval(
                SessionScripts.RETURN,
                returnSha,
                List.of(RedisKeys.loginKey(digest(key)), RedisKeys.loginsKey(window)),
                List.of(Long.toString(seconds), Integer.toString(max))));
        if (Long.valueOf(1).equals(reply)) {
            return Return.FIRST;
        }
        return Long.valueOf(2).equals(reply) ? Return.USED : Return.FULL;
    }

    private static String digest(String key) {
        if (key == null || !DIGEST.matcher(key).matches()) {
            throw new IllegalArgumentException("a session's key is the 64 hex digits of its id's digest");
        }
        return key;
    }

    private static void checkValue(String sealed) {
        if (sealed.length() > MAX_VALUE) {
            throw ServingException.of(
                    ServingException.Kind.TOO_LARGE,
                    "the session is " + sealed.length() + " characters sealed; the shared store keeps at most "
                            + MAX_VALUE + " (an ID token with many roles): ask the issuer's administrator for fewer");
        }
    }

    private Object call(String script, String sha, String key, List<String> args) {
        return run(() -> eval(script, sha, List.of(key), args));
    }

    /** Runs a script by its digest, sending it whole when Redis lost it (restarted, SCRIPT FLUSH). */
    private Object eval(String script, String sha, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha, keys, args);
        } catch (JedisDataException e) {
            if (String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) {
                return redis.eval(script, keys, args);
            }
            throw e;
        }
    }

    /** Runs one call within the deadline; refuses at once while the store is taken as down. */
    private <T> T run(java.util.function.Supplier<T> step) {
        if (System.nanoTime() - downUntil < 0) {
            throw unavailable("is down");
        }
        try (RedisDeadline.Call call = deadline.begin()) {
            T result = step.get();
            if (outage) {
                outage = false;
                LOG.info("The shared store of sessions " + address + " answers again");
            }
            return result;
        } catch (JedisDataException e) { // it answered, refusing (out of memory, read-only, a wrong password)
            said(e);
            throw unavailable("refused the command");
        } catch (JedisException e) {
            downUntil = System.nanoTime() + RedisAnswers.DOWN_NANOS;
            said(e);
            throw unavailable("did not answer (" + RedisFailures.words(e, deadline.deadline()) + ")");
        }
    }

    private ServingException unavailable(String what) {
        return ServingException.of(
                ServingException.Kind.UNAVAILABLE,
                "the shared store of sessions (" + address + ") " + what + ": sessions cannot be checked nor"
                        + " sign-ins ended while it is down; try again in a few seconds");
    }

    /** Says the store failed, once an outage (until a call succeeds again). */
    private void said(Exception e) {
        if (!outage) {
            outage = true;
            LOG.log(
                    Level.WARNING,
                    "The shared store of sessions " + address + " did not answer or refused (" + RedisFailures.cause(e)
                            + "): pages asked with a session, and sign-ins, are answered 503 until it does");
        }
    }

    /** @return the calls to Redis abandoned at their deadline ({@code tabserve.redis-deadline}), since start */
    public long abandoned() {
        return deadline.abandoned();
    }

    @Override
    public String describe() {
        return address.toString();
    }

    @Override
    public void close() {
        redis.close();
    }
}
