package org.tabserve.serving.access;

/**
 * The pages' sessions and the sign-ins that came back, kept where every replica of a fleet finds them (the
 * {@code --shared-state} store), so that a person is not signed out by the balancer and the issuer's answer may land on
 * any replica, and is taken once. The store sees only opaque sealed values under keys that are digests of their ids (the web layer seals
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

    /** What a sign-in's return to its callback found ({@link #returnLogin}). */
    enum Return {
        /** Its first return: now marked used, and counted in the window. */
        FIRST,
        /** It came back before: a second use of one sign-in, refused. */
        USED,
        /** The window's bound of returns is reached: refused until the window ends. */
        FULL
    }

    /**
     * Marks the sign-in under {@code key} used, for {@code lifetimeMillis} (a sign-in's longest life, so that it can
     * never come back once the mark is gone), and counts it in the fleet's window of that length (windows by the
     * clock): the sign-in under way itself is kept in the browser's pre-login cookie, and only its return is kept here.
     *
     * @return {@link Return#USED} when it was marked before, {@link Return#FULL} when the fleet has seen {@code max}
     *         sign-ins return in this window already, else {@link Return#FIRST}
     */
    Return returnLogin(String key, long lifetimeMillis, int max);

    /** @return the store's address, without its password */
    String describe();

    @Override
    void close();
}
