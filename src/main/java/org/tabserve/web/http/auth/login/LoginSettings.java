package org.tabserve.web.http.auth.login;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.tabserve.serving.access.WholeSetting;

/**
 * How long a person's session lasts and how many the server keeps: idle and absolute timeouts, the most sessions, the
 * most sign-ins that come back and the most one address may start, each a setting of the web app (init-parameter,
 * system property or variable), refused in words naming it when it is not a whole number in its range.
 *
 * @param idle                the time a session may go unused before it ends ({@link #IDLE})
 * @param absolute            the time a session lasts however much it is used ({@link #ABSOLUTE})
 * @param maxSessions         the most sessions kept at once; past it the least recently used ends
 *                            ({@link #MAX_SESSIONS})
 * @param maxPending          the most sign-ins that come back to the callback in {@link #PENDING_FOR} (the fleet's,
 *                            with {@code --shared-state}); past it a callback is refused ({@link #MAX_PENDING})
 * @param maxStartsPerAddress the most sign-ins one address starts in {@link #PENDING_FOR}; past it a start is refused
 *                            ({@link #MAX_STARTS_PER_ADDRESS})
 */
public record LoginSettings(
        Duration idle, Duration absolute, int maxSessions, int maxPending, int maxStartsPerAddress) {

    /** A session's idle timeout, in seconds (default 1800: half an hour). */
    public static final String IDLE = "tabserve.session-idle-seconds";
    /** A session's absolute timeout, in seconds (default 28800: eight hours). */
    public static final String ABSOLUTE = "tabserve.session-max-seconds";
    /** The most sessions kept at once (default 10,000). */
    public static final String MAX_SESSIONS = "tabserve.max-sessions";
    /**
     * The most sign-ins that come back to the callback in ten minutes, each counted once at its return (default
     * 10,000): a replica's, or the fleet's with {@code --shared-state}. Its name is older than its meaning (it counted
     * starts, each kept until it came back); starts now keep nothing, and are bounded per address instead.
     */
    public static final String MAX_PENDING = "tabserve.max-login-starts";
    /** The most sign-ins one address (an IPv6 one by its /64) starts in ten minutes (default 100). */
    public static final String MAX_STARTS_PER_ADDRESS = "tabserve.max-login-starts-per-address";

    /** How long a sign-in may take, from its start to the issuer's sending the person back. */
    static final Duration PENDING_FOR = Duration.ofMinutes(10);

    /** The settings with the default bound of starts an address ({@link #MAX_STARTS_PER_ADDRESS}). */
    public LoginSettings(Duration idle, Duration absolute, int maxSessions, int maxPending) {
        this(idle, absolute, maxSessions, maxPending, 100);
    }

    /** The settings the lookup gives, each else its default. */
    public static LoginSettings resolve(Function<String, Optional<String>> lookup) {
        return new LoginSettings(
                Duration.ofSeconds(WholeSetting.of(lookup, IDLE, 1800, 60, 86_400 * 7, "seconds")),
                Duration.ofSeconds(WholeSetting.of(lookup, ABSOLUTE, 28_800, 60, 86_400 * 30, "seconds")),
                (int) WholeSetting.of(lookup, MAX_SESSIONS, 10_000, 1, 1_000_000, "sessions"),
                (int) WholeSetting.of(lookup, MAX_PENDING, 10_000, 1, 1_000_000, "sign-ins that come back"),
                (int) WholeSetting.of(lookup, MAX_STARTS_PER_ADDRESS, 100, 1, 1_000_000, "sign-ins started"));
    }
}
