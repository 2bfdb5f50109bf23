package org.tabserve.serving.access;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One client's request rate ({@code 20/s}, {@code 100/m}, {@code 1000/h}) or daily quota ({@code 50000/d}), or
 * several of them at once joined by {@code +} ({@code 20/s+50000/d}), each kept as a token bucket of its own: it holds
 * at most the rate's number of requests, refilled evenly over the rate's window, so that a client may send a burst of
 * that many and then that many a window. A request goes only when every one of the client's buckets has a token, and
 * then takes one from each; a request refused takes none from any (all checked, then all taken, under one lock). Each
 * client has its own buckets and its own lock: one client at its limit never waits on, nor slows, another. These
 * buckets are the replica's own; with the fleet's shared store the fleet's buckets in Redis are taken instead, and
 * these only while the store does not answer ({@link ClientBuckets}).
 */
public final class Quota {

    /** The most rates one client may have at once. */
    public static final int MAX_RATES = 4;

    private static final Pattern RATE = Pattern.compile("([1-9][0-9]{0,8})/(s|m|min|h|d)");

    private final String text;
    private final String[] rates;
    private final long[] permits;
    private final long[] windowSeconds;
    private final double[] nanosPerPermit;
    private final double[] tokens;
    private long last;
    private boolean started;

    /**
     * What a take answered: {@link #TAKEN}, or which of the client's rates refused it (its index, in the order written)
     * and how long until every one of them has a token again.
     *
     * @param rate  the index of the rate that refused (the one whose token is furthest off); -1 when taken
     * @param nanos 0 when taken, else how many nanoseconds until the request may go
     */
    public record Wait(int rate, long nanos) {

        /** The request may go: a token was taken from each of its client's buckets. */
        public static final Wait TAKEN = new Wait(-1, 0);
    }

    private Quota(String text, String[] rates, long[] permits, long[] windowSeconds) {
        this.text = text;
        this.rates = rates;
        this.permits = permits;
        this.windowSeconds = windowSeconds;
        this.nanosPerPermit = new double[permits.length];
        for (int i = 0; i < permits.length; i++) {
            nanosPerPermit[i] = windowSeconds[i] * 1e9 / permits[i];
        }
        this.tokens = new double[permits.length];
    }

    /** The forms a rate takes, as a refusal names them. */
    static final String FORMS = "a whole number of requests per second, minute, hour or day (at most 999999999),"
            + " such as 20/s, 100/m, 1000/h or 50000/d";

    /** How rates are joined, as a refusal says it. */
    private static final String JOINED =
            "several rates are joined by + (at most " + MAX_RATES + ", each of another window), such as 20/s+50000/d";

    /**
     * @param rate as the keys file writes it: one rate, or several joined by {@code +}
     * @throws IllegalArgumentException naming the forms there are, for one that is none of them, a part that is
     *                                  empty, more than {@link #MAX_RATES} rates, or two of one window
     */
    public static Quota parse(String rate) {
        int joins = 0;
        for (int i = 0; i < rate.length() && joins <= MAX_RATES; i++) {
            joins += rate.charAt(i) == '+' ? 1 : 0;
        }
        if (joins >= MAX_RATES) {
            throw new IllegalArgumentException(
                    "the rate '" + shown(rate) + "' joins more than " + MAX_RATES + " rates; " + JOINED);
        }
        String[] parts = rate.split("\\+", -1);
        long[] permits = new long[parts.length];
        long[] windows = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Matcher m = RATE.matcher(parts[i]);
            if (!m.matches()) {
                if (parts.length == 1) {
                    throw new IllegalArgumentException("the rate '" + shown(rate) + "' is not " + FORMS);
                }
                throw new IllegalArgumentException("the rate '" + shown(rate) + "' has "
                        + (parts[i].isEmpty() ? "an empty part" : "the part '" + shown(parts[i]) + "'")
                        + ", which is not " + FORMS + "; " + JOINED);
            }
            permits[i] = Long.parseLong(m.group(1));
            windows[i] = switch (m.group(2)) {
                case "s" -> 1;
                case "h" -> 3600;
                case "d" -> 86_400;
                default -> 60;
            };
            for (int j = 0; j < i; j++) {
                if (windows[j] == windows[i]) {
                    throw new IllegalArgumentException("the rate '" + shown(rate) + "' has two rates of one window ('"
                            + parts[j] + "' and '" + parts[i] + "'); give each window one rate: " + JOINED);
                }
            }
        }
        return new Quota(rate, parts, permits, windows);
    }

    /** A rate as a refusal quotes it: at most 32 characters of it. */
    private static String shown(String rate) {
        return rate.length() <= 32 ? rate : rate.substring(0, 32) + "...";
    }

    /**
     * Takes one request's token when there is one.
     *
     * @param now the time, in {@link System#nanoTime()}
     * @return 0 when the request may go (its token is taken), else how many nanoseconds until one may
     */
    public long take(long now) {
        return admit(now).nanos();
    }

    /**
     * Takes one token from each of the client's buckets when every one has one; takes none when one has none.
     *
     * @param now the time, in {@link System#nanoTime()}
     * @return {@link Wait#TAKEN}, else the rate that refused and how many nanoseconds until every bucket has a token
     */
    public synchronized Wait admit(long now) {
        int refusedBy = -1;
        long longest = 0;
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = started ? Math.min(permits[i], tokens[i] + (now - last) / nanosPerPermit[i]) : permits[i];
            if (tokens[i] < 1) {
                long wait = Math.max(1, (long) Math.ceil((1 - tokens[i]) * nanosPerPermit[i]));
                if (wait > longest) {
                    longest = wait;
                    refusedBy = i;
                }
            }
        }
        started = true;
        last = now;
        if (refusedBy >= 0) {
            return new Wait(refusedBy, longest);
        }
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] -= 1;
        }
        return Wait.TAKEN;
    }

    /** @return how many rates the client has at once: 1, or up to {@link #MAX_RATES} joined by {@code +} */
    public int rates() {
        return permits.length;
    }

    /** @return how many requests a full bucket of rate {@code rate} (its index, as written) holds */
    public long permits(int rate) {
        return permits[rate];
    }

    /** @return over how many seconds the bucket of rate {@code rate} (its index, as written) fills */
    public long windowSeconds(int rate) {
        return windowSeconds[rate];
    }

    /** @return rate {@code rate} (its index) as the keys file writes it, such as {@code 50000/d} */
    public String rate(int rate) {
        return rates[rate];
    }

    /** @return the rate, or rates, as the keys file writes them */
    @Override
    public String toString() {
        return text;
    }
}
