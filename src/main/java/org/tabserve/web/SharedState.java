package org.tabserve.web;

import jakarta.servlet.ServletContext;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;
import org.tabserve.serving.access.ClientBuckets;
import org.tabserve.serving.access.SharedSessions;
import org.tabserve.serving.monitor.Monitors;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.serving.shared.RedisAnswers;
import org.tabserve.serving.shared.RedisSessions;
import org.tabserve.web.http.WebConfig;

/**
 * The fleet's shared store ({@link #SETTING}, {@code --shared-state}), opened by the wiring when
 * it is given, and only then, so that its Redis client loads only then: the answers kept for labels, handed to the
 * feedback monitor, the clients' rates, whose buckets are then the fleet's, and, with a sign-in to the pages, the
 * sessions and sign-ins under way, handed to the sign-in's filter; the calls of all abandoned at their deadline are
 * counted in one series ({@code read="redis"}).
 */
final class SharedState implements AutoCloseable {

    /**
     * The setting naming the store, {@code redis://host:port} (env {@code TABSERVE_SHARED_STATE}); published as
     * {@code SETTING}.
     */
    static final String SETTING = "tabserve.shared-state";

    private static final Logger LOG = Logger.getLogger(ContextAttributes.LOGGER);

    private final Optional<String> url;
    private final Function<String, Optional<String>> lookup;
    private volatile RedisAnswers answers;
    private volatile RedisSessions sessions;
    private ClientBuckets buckets = ClientBuckets.LOCAL;

    private SharedState(Optional<String> url, Function<String, Optional<String>> lookup) {
        this.url = url;
        this.lookup = lookup;
    }

    /**
     * Opens the store the setting names, if any, and hands it to the feedback monitor.
     *
     * @throws IllegalArgumentException for a URL or deadline that is not one, in words naming the setting (logged)
     */
    static SharedState open(ServletContext context, Monitors monitors, TabserveMetrics metrics) {
        Function<String, Optional<String>> lookup = WebConfig.lookup(context);
        SharedState state = new SharedState(lookup.apply(SETTING).filter(u -> !u.isBlank()), lookup);
        if (state.url.isEmpty()) {
            return state;
        }
        try {
            monitors.feedback().share(reused -> {
                state.answers = RedisAnswers.open(state.url.get(), reused, lookup);
                return state.answers;
            });
        } catch (IllegalArgumentException e) {
            LOG.severe("tabserve is not configured correctly: "
                    + (e.getMessage().startsWith("setting ") ? "" : "setting " + SETTING + ": ")
                    + e.getMessage());
            throw e;
        }
        metrics.outboundReadsAbandoned("redis", state::abandoned);
        state.buckets = ClientBuckets.fleet(state.answers.buckets(), metrics.registry());
        LOG.info("Clients' rates are the fleet's, kept in " + state.buckets.describe());
        return state;
    }

    /** @return the clients' buckets: the fleet's in the store, or, with no store, each replica's own */
    ClientBuckets buckets() {
        return buckets;
    }

    /** @return the store's sessions, opened now, for a server with a sign-in; empty without the setting */
    Optional<SharedSessions> sessions() {
        if (url.isPresent() && sessions == null) {
            sessions = RedisSessions.open(url.get(), lookup);
        }
        return Optional.ofNullable(sessions);
    }

    private long abandoned() {
        RedisAnswers a = answers;
        RedisSessions s = sessions;
        return (a == null ? 0 : a.abandoned()) + (s == null ? 0 : s.abandoned());
    }

    @Override
    public void close() {
        RedisSessions s = sessions;
        if (s != null) {
            s.close(); // the answers' store is closed with the feedback monitor
        }
    }
}
