package org.tabserve.serving.feedback;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

/**
 * How many labels each client may send ({@code POST /api/feedback}): a bucket of {@link #BURST} labels per client,
 * refilled at {@link #PER_SECOND} a second, so that one client's flood of labels takes its own bucket and no one
 * else's. A request is taken while its client's bucket is not empty and then spends one label per label it carried
 * (a large batch leaves the bucket in debt, to be waited out), else it is refused with the seconds until it would be
 * taken. A client is its address; an IPv6 client its /64 network, which one host is commonly given whole. At most
 * {@link #MAX_CLIENTS} clients are told apart at once: clients whose bucket has refilled are forgotten (looked for at
 * most once a second), and past that the newcomers share one bucket. Thread-safe: one lock, taken twice a feedback request.
 */
public final class LabelRate {

    /**
     * The labels a client may send at once: two full batches of the default {@code tabserve.max-batch-rows}, so that a
     * client that sends one full batch and then a few labels more (a retry, the day's last ones) is not made to wait.
     */
    public static final long BURST = 20_000;
    /** The labels a client's bucket gains each second. */
    public static final long PER_SECOND = 1_000;
    /** The clients told apart at once. */
    static final int MAX_CLIENTS = 4096;
    /** The bucket clients share when {@link #MAX_CLIENTS} are told apart already. */
    private static final String OTHERS = "(others)";

    private static final long NANOS_PER_LABEL = 1_000_000_000L / PER_SECOND;

    /** A client's bucket: the labels it held at {@code at}. */
    private static final class Bucket {
        double labels = BURST;
        long at;

        Bucket(long now) {
            at = now;
        }

        void refill(long now) {
            labels = Math.min(BURST, labels + (double) (now - at) / NANOS_PER_LABEL);
            at = now;
        }
    }

    private final Map<String, Bucket> buckets = new HashMap<>(); // guarded by this
    private long swept = Long.MIN_VALUE; // guarded by this: when full buckets were last looked for

    /**
     * @param client the caller's address, as the container reports it (an IP literal)
     * @param now    {@link System#nanoTime()}
     * @return 0 when the request is taken, else the whole seconds until its client's bucket holds a label again
     */
    public synchronized long secondsToWait(String client, long now) {
        Bucket bucket = bucket(client, now);
        bucket.refill(now);
        if (bucket.labels > 0) {
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - bucket.labels) * NANOS_PER_LABEL / 1e9));
    }

    /** Spends {@code labels} (not negative) of the client's bucket: the labels a request it took carried. */
    public synchronized void spend(String client, int labels, long now) {
        Bucket bucket = bucket(client, now);
        bucket.refill(now);
        bucket.labels -= Math.max(0, labels);
    }

    private Bucket bucket(String client, long now) {
        String key = key(client);
        Bucket bucket = buckets.get(key);
        if (bucket != null) {
            return bucket;
        }
        if (buckets.size() >= MAX_CLIENTS) {
            if (now - swept >= 1_000_000_000L || swept == Long.MIN_VALUE) { // at most once a second: a sweep is all
                swept = now;
                buckets.values().removeIf(b -> {
                    b.refill(now);
                    return b.labels >= BURST;
                });
            }
            if (buckets.size() >= MAX_CLIENTS) {
                key = OTHERS;
            }
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(now));
    }

    /** @return the client an address stands for: itself, or for IPv6 its /64 network */
    public static String key(String address) {
        if (address == null) {
            return OTHERS;
        }
        String literal =
                address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        if (!literal.contains(":")) {
            return literal;
        }
        try {
            byte[] bytes = InetAddress.getByName(literal).getAddress(); // a literal: never looked up
            if (bytes.length != 16) {
                return literal;
            }
            StringBuilder network = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                network.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)))
                        .append(':');
            }
            return network.append(":/64").toString();
        } catch (UnknownHostException | SecurityException e) {
            return literal;
        }
    }

    /** @return how many clients are told apart now (for tests) */
    synchronized int clients() {
        return buckets.size();
    }
}
