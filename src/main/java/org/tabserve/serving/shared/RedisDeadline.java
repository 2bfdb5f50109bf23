package org.tabserve.serving.shared;

import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.tabserve.outbound.OutboundRead;
import org.tabserve.outbound.ReadAbandoned;
import org.tabserve.outbound.ReadBound;

/**
 * The total deadline of every call to Redis ({@value #SETTING}, {@link #DEFAULT} by default): a call
 * {@link #begin begun} on a thread holds each read and write of the connections it uses to what is left of it, so that
 * a Redis that trickles its reply (a byte every 400 ms, each within a per-read timeout) or stops reading is abandoned
 * at the deadline, its connection closed, and counted ({@link #abandoned}).
 */
final class RedisDeadline {

    /** The setting: the most one call to Redis may take in all, connecting and waiting for a connection included. */
    static final String SETTING = "tabserve.redis-deadline";
    /** Its default. */
    static final Duration DEFAULT = Duration.ofMillis(500);

    private final ReadBound bound;
    private final ThreadLocal<Call> current = new ThreadLocal<>();

    RedisDeadline(Duration deadline, RedisAddress address) {
        this.bound =
                new ReadBound("the shared store's answer (" + address + ")", deadline, SETTING, 0, SETTING, deadline);
    }

    /**
     * @return the deadline given as {@value #SETTING} ({@code 500ms}, {@code 2s}, or a whole number of milliseconds),
     *         else {@link #DEFAULT}
     * @throws IllegalArgumentException naming the setting, for a value that is no positive duration
     */
    static Duration resolve(Function<String, Optional<String>> lookup) {
        return lookup.apply(SETTING)
                .map(String::strip)
                .filter(v -> !v.isEmpty())
                .map(RedisDeadline::parse)
                .orElse(DEFAULT);
    }

    static Duration parse(String text) {
        String value = text.strip().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (value.endsWith("ms")) {
            value = value.substring(0, value.length() - 2).strip();
        } else if (value.endsWith("s")) {
            value = value.substring(0, value.length() - 1).strip();
            unit = 1000;
        }
        try {
            long millis = Math.multiplyExact(Long.parseLong(value), unit);
            if (millis > 0 && millis <= TimeUnit.MINUTES.toMillis(10)) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // said below
        }
        throw new IllegalArgumentException("setting " + SETTING + " must be a time from 1 ms to 10 minutes, such as"
                + " 500ms or 2s (a bare number is milliseconds), got '" + text.strip() + "'");
    }

    /** @return the deadline */
    Duration deadline() {
        return bound.deadline();
    }

    /** @return the calls abandoned at the deadline, since start */
    long abandoned() {
        return bound.abandoned();
    }

    /**
     * Begins a call on this thread, to {@link Call#close close} when it is over; a call begun within another is part
     * of it (one deadline for both).
     */
    Call begin() {
        Call outer = current.get();
        if (outer != null) {
            return new Call(outer);
        }
        Call call = new Call(bound.begin(), System.nanoTime() + bound.deadline().toNanos());
        current.set(call);
        call.read.watch(call::abort);
        return call;
    }

    /** @return the call going on on this thread, or null */
    Call current() {
        return current.get();
    }

    /** One call to Redis under the deadline, from its {@link #begin} to its close. */
    final class Call implements AutoCloseable {

        final OutboundRead read;
        private final long endsAt;
        private final boolean owner;
        private volatile Socket socket;

        private Call(OutboundRead read, long endsAt) {
            this.read = read;
            this.endsAt = endsAt;
            this.owner = true;
        }

        private Call(Call outer) {
            this.read = outer.read;
            this.endsAt = outer.endsAt;
            this.owner = false;
        }

        /** The socket this call reads or writes now, closed by the watch at the deadline. */
        void using(Socket s) {
            Call self = owner ? this : current.get();
            if (self != null) {
                self.socket = s;
            }
        }

        /** @return what is left of the deadline, in whole milliseconds, at least 1 (0 would be no timeout at all) */
        int millisLeft() {
            long left = TimeUnit.NANOSECONDS.toMillis(endsAt - System.nanoTime() + 999_999);
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
        }

        /**
         * @return {@code e} as the call abandoned at the deadline, when it is past it (counted once), else {@code e}
         */
        java.io.IOException failed(java.io.IOException e) {
            if (e instanceof ReadAbandoned) {
                return e;
            }
            try {
                read.check();
            } catch (ReadAbandoned abandoned) {
                return abandoned;
            }
            return e;
        }

        private void abort() {
            Socket s = socket;
            if (s != null) {
                try {
                    s.close();
                } catch (java.io.IOException ignored) {
                    // closed is closed
                }
            }
        }

        @Override
        public void close() {
            if (owner) {
                read.close();
                current.remove();
            }
        }
    }
}
