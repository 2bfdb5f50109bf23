package org.tabserve.web;

import jakarta.servlet.ServletContext;
import java.util.Optional;
import java.util.function.Function;
import org.tabserve.serving.access.SharedSessions;
import org.tabserve.serving.feedback.FeedbackMonitor;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.serving.shared.RedisAnswers;
import org.tabserve.serving.shared.RedisSessions;
import org.tabserve.web.http.WebConfig;

/**
 * The fleet's shared store ({@link TabserveListener#SHARED_STATE}), opened when the setting is given (its Redis client
 * loads only then): the answers kept for labels, handed to the feedback monitor, and, with a sign-in to the pages, the
 * sessions and sign-ins under way, handed to the sign-in's filter; the calls of both abandoned at their deadline are
 * counted in one series ({@code read="redis"}).
 */
final class SharedState implements AutoCloseable {

    private final Optional<String> url;
    private final Function<String, Optional<String>> lookup;
    private volatile RedisAnswers answers;
    private volatile RedisSessions sessions;

    private SharedState(Optional<String> url, Function<String, Optional<String>> lookup) {
        this.url = url;
        this.lookup = lookup;
    }

    /**
     * Opens the store's answers when the setting is given, handing them to {@code feedback}.
     *
     * @throws IllegalArgumentException for a URL or a deadline that is not one, saying which without the password
     */
    static SharedState open(ServletContext context, FeedbackMonitor feedback, TabserveMetrics metrics) {
        Function<String, Optional<String>> lookup = WebConfig.lookup(context);
        SharedState state =
                new SharedState(lookup.apply(TabserveListener.SHARED_STATE).filter(u -> !u.isBlank()), lookup);
        state.url.ifPresent(u -> {
            feedback.share(reused -> {
                state.answers = RedisAnswers.open(u, reused, lookup);
                return state.answers;
            });
            metrics.outboundReadsAbandoned("redis", state::abandoned);
        });
        return state;
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
