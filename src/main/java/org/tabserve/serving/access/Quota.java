package org.tabserve.serving.access;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One client's request rate ({@code 20/s}, {@code 100/m}, {@code 1000/h}) or daily quota ({@code 50000/d}), kept as a
 * token bucket of its own: it holds at most the rate's number of requests, refilled evenly over the rate's window, so
 * that a client may send a burst of that many and then that many a window. Each client has its own bucket and its own
 * lock: one client at its limit never waits on, nor slows, another. This bucket is the replica's own; with the
 * fleet's shared store the fleet's bucket in Redis is taken instead, and this one only while the store does not
 * answer ({@link ClientBuckets}).
 */
public final class Quota {

    private static final Pattern RATE = Pattern.compile("([1-9][0-9]{0,8})/(s|m|min|h|d)");

    private final String text;
    private final long permits;
    private final long windowSeconds;
    private final double nanosPerPermit;
    private double tokens;
    private long last;
    private boolean started;

    private Quota(String text, long permits, long windowSeconds) {
        this.text = text;
        this.permits = permits;
        this.windowSeconds = windowSeconds;
        this.nanosPerPermit = windowSeconds * 1e9 / permits;
    }

    /** The forms a rate takes, as a refusal names them. */
    static final String FORMS = "a whole number of requests per second, minute, hour or day (at most 999999999),"
            + " such as 20/s, 100/m, 1000/h or 50000/d";

    /**
     * @param rate as the keys file writes it
     * @throws IllegalArgumentException naming the forms there are, for one that is none of them
     */
    public static Quota parse(String rate) {
        Matcher m = RATE.matcher(rate);
        if (!m.matches()) {
            throw new IllegalArgumentException("the rate '" + shown(rate) + "' is not " + FORMS);
        }
        long window = switch (m.group(2)) {
            case "s" -> 1;
            case "h" -> 3600;
            case "d" -> 86_400;
            default -> 60;
        };
        return new Quota(rate, Long.parseLong(m.group(1)), window);
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
    public synchronized long take(long now) {
        if (!started) {
            started = true;
            tokens = permits;
        } else {
            tokens = Math.min(permits, tokens + (now - last) / nanosPerPermit);
        }
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) * nanosPerPermit));
    }

    /** @return how many requests a full bucket holds, the policy's quota ({@code q}) */
    public long permits() {
        return permits;
    }

    /** @return over how many seconds the bucket fills, the policy's window ({@code w}) */
    public long windowSeconds() {
        return windowSeconds;
    }

    /** @return the rate as the keys file writes it */
    @Override
    public String toString() {
        return text;
    }
}
