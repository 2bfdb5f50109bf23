package org.tabserve.serving.access;

/**
 * The pages' sessions and sign-ins under way, kept where every replica of a fleet finds them (the
 * {@code --shared-state} store), so that a person is not signed out by the balancer and the issuer's answer may land on
 * any replica. The store sees only opaque sealed values under keys that are digests of their ids (the web layer seals
 * and names them; no id, token or claim reaches the store in clear); it holds each session's idle and absolute
 * timeouts itself (an expiry, and the times it checks on every use), ends a session for every replica at once, and
 * bounds what it reads back. Its one implementation, {@code serving.shared}'s Redis store, is loaded only when the
 * setting is given.
 *
 * <p>Every method refuses with {@code ServingException} UNAVAILABLE, in words naming the store without its password,
 * when the store does not answer within its deadline: a caller never takes a failure for a session.
 */
public interface SharedSessions extends AutoCloseable {

    /** The longest sealed value the store keeps or reads back, in characters. */
    int MAX_VALUE = 32 << 10;

    /**
     * A session as the store keeps it.
     *
     * @param sealed        its sealed value
     * @param createdMillis when it was opened (epoch ms), as the store keeps it beside the value
     */
    record Stored(String sealed, long createdMillis) {}

    /**
     * Keeps a new session under {@code key}, opened at {@code createdMillis}, to end when it goes unused for
     * {@code idleMillis} or has lasted {@code absoluteMillis}.
     */
    void open(String key, String sealed, long createdMillis, long idleMillis, long absoluteMillis);

    /**
     * @return the session under {@code key}, its use at {@code nowMillis} noted (its expiry moved on, never past its
     *         absolute timeout), or null when there is none, its time is up (which ends it), or the store holds there
     *         what no replica wrote
     */
    Stored touch(String key, long nowMillis, long idleMillis, long absoluteMillis);

    /** Ends the session under {@code key} at once, for every replica. */
    void end(String key);

    /**
     * Keeps a sign-in under way under {@code key} for {@code lifetimeMillis}.
     *
     * @return false when the fleet has started {@code max} sign-ins in this window of that lifetime (windows by the
     *         clock) already: the start is refused
     */
    boolean startLogin(String key, String sealed, long lifetimeMillis, int max);

    /** @return the sign-in under way under {@code key}, taken out (a second take finds nothing), or null */
    String takeLogin(String key);

    /** @return the store's address, without its password */
    String describe();

    @Override
    void close();
}
