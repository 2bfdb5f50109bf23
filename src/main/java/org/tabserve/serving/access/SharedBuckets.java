package org.tabserve.serving.access;

/**
 * The fleet's buckets of clients' rates, kept in the shared store ({@code --shared-state}) so that a client's rate
 * holds across every replica, one round trip a request. Its one implementation, {@code serving.shared}'s Redis
 * buckets (which stand above this package), is handed to {@link ClientBuckets#fleet} by the wiring, so that a server
 * without the setting never loads a Redis client.
 */
public interface SharedBuckets {

    /**
     * What {@link #take} answers when the store did not answer within its deadline, or answered what it never says
     * (told apart by identity).
     */
    Quota.Wait UNANSWERED = new Quota.Wait(-1, -1);

    /**
     * Takes one request's token from each of client {@code client}'s buckets in the store, one for each of
     * {@code quota}'s rates (of its size and window), shared by every replica, when every one has a token, and none
     * when one has none, at once; within the store's deadline, never longer.
     *
     * @return {@link Quota.Wait#TAKEN} when the tokens are taken, else the rate that refused and how many
     *         nanoseconds until every bucket has one; {@link #UNANSWERED} when the store did not answer in time (the
     *         replica then takes the client's own buckets instead)
     */
    Quota.Wait take(String client, Quota quota);

    /** @return the store as logs may name it: its address, never its password */
    String describe();
}
