package org.tabserve.web.http.auth.login;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.tabserve.serving.access.WholeSetting;

/**
 * How long a person's session lasts and how many the server keeps: idle and absolute timeouts, the most sessions and
 * the most sign-ins under way, each a setting of the web app (init-parameter, system property or variable), refused
 * in words naming it when it is not a whole number in its range.
 *
 * @param idle          how long a session may go unused before it ends ({@link #IDLE})
 * @param absolute      how long a session lasts however much it is used ({@link #ABSOLUTE})
 * @param maxSessions   the most sessions kept at once; past it the least recently used ends ({@link #MAX_SESSIONS})
 * @param maxPending    the most sign-ins under way kept at once; past it the oldest is let go ({@link #MAX_PENDING})
 */
public record LoginSettings(Duration idle, Duration absolute, int maxSessions, int maxPending) {

    /** A session's idle timeout, in seconds (default 1800: half an hour). */
    public static final String IDLE = "tabserve.session-idle-seconds";
    /** A session's absolute timeout, in seconds (default 28800: eight hours). */
    public static final String ABSOLUTE = "tabserve.session-max-seconds";
    /** The most sessions kept at once (default 10,000). */
    public static final String MAX_SESSIONS = "tabserve.max-sessions";
    /** The most sign-ins under way kept at once (default 10,000). */
    public static final String MAX_PENDING = "tabserve.max-login-starts";

    /** How long a sign-in may take, from its start to the issuer's sending the person back. */
    static final Duration PENDING_FOR = Duration.ofMinutes(10);

    /** The settings the lookup gives, each else its default. */
    public static LoginSettings resolve(Function<String, Optional<String>> lookup) {
        return new LoginSettings(
                Duration.ofSeconds(WholeSetting.of(lookup, IDLE, 1800, 60, 86_400 * 7, "seconds")),
                Duration.ofSeconds(WholeSetting.of(lookup, ABSOLUTE, 28_800, 60, 86_400 * 30, "seconds")),
                (int) WholeSetting.of(lookup, MAX_SESSIONS, 10_000, 1, 1_000_000, "sessions"),
                (int) WholeSetting.of(lookup, MAX_PENDING, 10_000, 1, 1_000_000, "sign-ins under way"));
    }
}
