package org.tabserve.serving.shared;

import java.time.Duration;
import org.tabserve.outbound.ReadAbandoned;
import org.tabserve.serving.feedback.SharedStateDown;
import redis.clients.jedis.exceptions.JedisDataException;

/** What went wrong with the shared store, in words: for a caller (naming no class) and for the log. */
final class RedisFailures {

    private RedisFailures() {}

    /** The failure in words for a caller, naming no class: what went wrong, not how the server is built. */
    static String words(Exception e, Duration deadline) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ReadAbandoned || cause instanceof java.net.SocketTimeoutException) {
                return "it took longer than " + deadline.toMillis() + " ms in all (" + RedisDeadline.SETTING + ")";
            }
            if (cause instanceof java.net.ConnectException) {
                return "the connection was refused";
            }
            if (cause instanceof java.util.NoSuchElementException) {
                return "no connection to it was free within " + deadline.toMillis() + " ms (" + RedisDeadline.SETTING
                        + ")";
            }
        }
        return "the connection failed";
    }

    /** The failure in a few words for the log: its type and message, which Jedis writes without the password. */
    static String cause(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage();
        return root.getClass().getSimpleName() + (message.length() > 120 ? message.substring(0, 120) : message);
    }

    /** The refusal of labels while the store at {@code address} is down ({@code e} null) or did not answer. */
    static SharedStateDown unavailable(RedisAddress address, Exception e, Duration deadline) {
        return new SharedStateDown("the shared store of answers (" + address + ") "
                + (e == null
                        ? "is down"
                        : "did not answer ("
                                + (e instanceof JedisDataException ? "it refused the command" : words(e, deadline))
                                + ")")
                + ": labels cannot be joined to their answers while it is down; send them again in a few seconds");
    }
}
