package org.tabserve.serving.access;

/**
 * The fleet's buckets of clients' rates, kept in the shared store ({@code --shared-state}) so that a client's rate
 * holds across every replica, one round trip a request. Its one implementation, {@code serving.shared}'s Redis
 * buckets (which stand above this package), is handed to {@link ClientBuckets#fleet} by the wiring, so that a server
 * without the setting never loads a Redis client.
 */
public interface SharedBuckets {

    /** What {@link #take} answers when the store did not answer within its deadline, or answered what it never says. */
    long UNANSWERED = -1;

    /**
     * Takes one request's token from client {@code client}'s bucket in the store, of {@code quota}'s size and window,
     * shared by every replica; within the store's deadline, never longer.
     *
     * @return 0 when the token is taken, else how many nanoseconds until one may be; {@link #UNANSWERED} when the
     *         store did not answer in time (the replica then takes the client's own bucket instead)
     */
    long take(String client, Quota quota);

    /** @return the store as logs may name it: its address, never its password */
    String describe();
}
