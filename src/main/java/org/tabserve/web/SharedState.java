package org.tabserve.web;

import jakarta.servlet.ServletContext;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import org.tabserve.serving.access.ClientBuckets;
import org.tabserve.serving.monitor.Monitors;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.serving.shared.RedisAnswers;
import org.tabserve.web.http.WebConfig;

/**
 * The fleet's shared store ({@link TabserveListener#SHARED_STATE}, {@code --shared-state}), opened by the wiring when
 * it is given, and only then, so that its Redis client loads only then: the answers kept for labels, handed to the
 * feedback monitor, and the clients' rates, whose buckets are then the fleet's.
 */
final class SharedState {

    private static final Logger LOG = Logger.getLogger(ContextAttributes.LOGGER);

    private SharedState() {}

    /**
     * Opens the store the setting names, if any, and hands it to the feedback monitor.
     *
     * @return the clients' buckets: the fleet's in the store, or, with no store, each replica's own
     * @throws IllegalArgumentException for a URL or deadline that is not one, in words naming the setting (logged)
     */
    static ClientBuckets open(ServletContext context, Monitors monitors, TabserveMetrics metrics) {
        Optional<String> url =
                WebConfig.lookup(context).apply(TabserveListener.SHARED_STATE).filter(u -> !u.isBlank());
        if (url.isEmpty()) {
            return ClientBuckets.LOCAL;
        }
        AtomicReference<RedisAnswers> opened = new AtomicReference<>();
        try {
            monitors.feedback().share(reused -> {
                RedisAnswers redis = RedisAnswers.open(url.get(), reused, WebConfig.lookup(context));
                metrics.outboundReadsAbandoned("redis", redis::abandoned);
                opened.set(redis);
                return redis;
            });
        } catch (IllegalArgumentException e) {
            LOG.severe("tabserve is not configured correctly: "
                    + (e.getMessage().startsWith("setting ") ? "" : "setting " + TabserveListener.SHARED_STATE + ": ")
                    + e.getMessage());
            throw e;
        }
        ClientBuckets buckets = ClientBuckets.fleet(opened.get().buckets(), metrics.registry());
        LOG.info("Clients' rates are the fleet's, kept in " + buckets.describe());
        return buckets;
    }
}
