package org.tabserve.web.http.limits;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.tabserve.model.WholeNumbers;

/**
 * The slowest a request body read ahead may arrive, the same figures as {@code java -jar}'s guard
 * ({@code --min-request-rate}, {@code --min-request-rate-grace}; the launcher passes its flags to the app as these
 * settings, and their environment variables are the same): once a body has been arriving for the grace, its average
 * rate since it began must be at least the minimum, and each grace must bring at least the minimum times the grace
 * (so a body that sent much at once cannot then stall for long). In every container, where the launcher's guard is
 * not.
 *
 * @param minBytesPerSecond the slowest average rate accepted after the grace; 0: no minimum
 * @param grace             how long a body may arrive at any rate
 */
public record BodyRate(long minBytesPerSecond, Duration grace) {

    /** The setting of the minimum rate, bytes a second ({@code TABSERVE_MIN_REQUEST_RATE}; 0: none). */
    public static final String MIN_REQUEST_RATE = "tabserve.min-request-rate";
    /** The setting of the grace, whole seconds ({@code TABSERVE_MIN_REQUEST_RATE_GRACE}). */
    public static final String MIN_REQUEST_RATE_GRACE = "tabserve.min-request-rate-grace";
    /**
     * {@code false} reads small bodies ahead on the request's thread, blocking, with no deadline of the app's own: for
     * a container whose asynchronous answers are wrong (GlassFish 8 sends them with status 200), given threads enough
     * for the bodies that trickle. Default {@code true}.
     */
    public static final String NON_BLOCKING_BODIES = "tabserve.non-blocking-bodies";
    /** The launcher's defaults: 1,024 bytes a second after 10 s. */
    public static final BodyRate DEFAULT = new BodyRate(1024, Duration.ofSeconds(10));

    /**
     * The settings' values, looked up in the web app's order ({@code WebConfig.lookup}).
     *
     * @return empty when bodies are not read without a thread ({@link #NON_BLOCKING_BODIES} {@code false})
     * @throws IllegalArgumentException naming the setting, for a value that is not a whole number in range
     */
    public static Optional<BodyRate> resolve(Function<String, Optional<String>> lookup) {
        long rate = number(lookup, MIN_REQUEST_RATE, 0, 1L << 30).orElse(DEFAULT.minBytesPerSecond);
        long grace = number(lookup, MIN_REQUEST_RATE_GRACE, 1, 3600).orElse(DEFAULT.grace.toSeconds());
        boolean nonBlocking = lookup.apply(NON_BLOCKING_BODIES)
                .map(value -> !value.equalsIgnoreCase("false"))
                .orElse(true);
        return nonBlocking ? Optional.of(new BodyRate(rate, Duration.ofSeconds(grace))) : Optional.empty();
    }

    private static Optional<Long> number(Function<String, Optional<String>> lookup, String key, long min, long max) {
        return lookup.apply(key).map(text -> {
            try {
                long value = WholeNumbers.parse(text);
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException(
                    "setting " + key + " must be a whole number from " + min + " to " + max + ", found '" + text + "'");
        });
    }

    /** Whether bodies are watched at all. */
    boolean checks() {
        return minBytesPerSecond > 0;
    }

    /**
     * One body as it arrives, on a clock of the caller's ({@link System#nanoTime()}'s terms): the caller reads as soon
     * as bytes are there, so all the time since the start is time waited for the client.
     */
    final class Watch {
        private final long start;
        private long bytes;
        /** Bytes since the body last kept up (brought a grace's quota), and when it did. */
        private long sinceProgress;

        private long progressAt;

        Watch(long now) {
            this.start = now;
            this.progressAt = now;
        }

        /** Counts bytes that arrived at {@code now}. */
        synchronized void arrived(long length, long now) {
            bytes += length;
            sinceProgress += length;
            if (sinceProgress >= quota()) {
                sinceProgress = 0;
                progressAt = now;
            }
        }

        /** Why the body has failed by {@code now}, in words for its client, or empty while it arrives fast enough. */
        synchronized Optional<TimeoutException> failure(long now) {
            long elapsed = now - start;
            if (elapsed > grace.toNanos() && bytes * 1e9 < (double) minBytesPerSecond * elapsed) {
                return Optional.of(new TimeoutException("the request body arrived too slowly: " + bytes + " bytes in "
                        + elapsed / 1_000_000_000L + " s, below the minimum average of " + minBytesPerSecond
                        + " bytes/s that the server accepts once a body has been arriving for " + grace.toSeconds()
                        + " s (setting " + MIN_REQUEST_RATE + ", --min-request-rate under java -jar)"));
            }
            if (now - progressAt > grace.toNanos()) {
                return Optional.of(new TimeoutException("the request body stalled: " + sinceProgress
                        + " bytes in the last " + (now - progressAt) / 1_000_000_000L + " s, below the minimum of "
                        + minBytesPerSecond + " bytes/s that the server accepts over any " + grace.toSeconds()
                        + " s of a body (settings " + MIN_REQUEST_RATE + " and " + MIN_REQUEST_RATE_GRACE
                        + ", --min-request-rate and --min-request-rate-grace under java -jar)"));
            }
            return Optional.empty();
        }

        /** Nanoseconds from {@code now} until the body fails if nothing more arrives (at least 1 ms). */
        synchronized long untilDue(long now) {
            double tooSlowAt = start + Math.max(grace.toNanos(), bytes * 1e9 / minBytesPerSecond);
            double stalledAt = progressAt + (double) grace.toNanos();
            return (long) Math.min(Math.max(Math.min(tooSlowAt, stalledAt) - now, 0) + 1_000_000, Long.MAX_VALUE / 2);
        }

        private double quota() {
            return minBytesPerSecond * (grace.toNanos() / 1e9);
        }
    }
}
