package org.tabserve.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Polls a condition until it holds, failing after a generous deadline: the wait a test makes for something to happen
 * (a request under way, a file noticed, a metric moved), where a fixed sleep either wastes time or, under load, is
 * too short. The deadline is a bound for a stuck server, never a measure of speed.
 */
public final class Await {

    /** The deadline of {@link #until(String, Callable)}: a minute, far past any wait a loaded machine needs. */
    public static final Duration MINUTE = Duration.ofMinutes(1);

    private static final long POLL_MILLIS = 20;

    private Await() {}

    /** Polls {@code condition} every 20 ms until it holds; fails naming {@code what} after a minute. */
    public static void until(String what, Callable<Boolean> condition) throws Exception {
        until(what, MINUTE, condition);
    }

    /** Polls {@code condition} every 20 ms until it holds; fails naming {@code what} after {@code deadline}. */
    public static void until(String what, Duration deadline, Callable<Boolean> condition) throws Exception {
        if (!within(deadline, condition)) {
            throw new AssertionError("waited " + deadline.toSeconds() + " s for " + what);
        }
    }

    /**
     * Polls {@code condition} every 20 ms until it holds or {@code deadline} passes, for a test whose own assertions
     * then say what went wrong.
     *
     * @return whether it held
     */
    public static boolean within(Duration deadline, Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (!Boolean.TRUE.equals(condition.call())) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }
}
