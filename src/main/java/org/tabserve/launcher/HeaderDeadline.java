package org.tabserve.launcher;

import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Closes a connection whose request line and headers have been arriving for longer than a deadline, however
 * steadily they trickle. The idle timeout starts again with every byte, so without this a slow-loris client that
 * sends one byte just before each idle timeout holds a connection, and a few hundred of them the server, for ever.
 * Jetty has no such limit of its own (its minimum data rate applies to bodies only).
 */
final class HeaderDeadline extends AbstractLifeCycle implements Connection.Listener {

    private static final Logger LOG = Logger.getLogger(HeaderDeadline.class.getName());

    /** When a connection was first seen part-way through a request's headers, and which request that was. */
    private record Partial(long requests, long sinceNanos) {
    }

    private final Duration limit;
    private final Map<HttpConnection, Partial> open = new ConcurrentHashMap<>();
    private ScheduledExecutorService sweeper;

    HeaderDeadline(Duration limit) {
        this.limit = limit;
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection http) {
            open.put(http, new Partial(-1, 0));
        }
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    @Override
    protected void doStart() {
        sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tabserve-header-deadline");
            thread.setDaemon(true);
            return thread;
        });
        // Checked four times per deadline, so a connection is cut at most a quarter of the deadline late.
        long period = Math.max(100, limit.toMillis() / 4);
        sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        sweeper.shutdownNow();
        open.clear();
    }

    /** Cuts every connection that has been part-way through the same request's headers for longer than the limit. */
    void sweep() {
        long now = System.nanoTime();
        open.replaceAll((connection, seen) -> {
            HttpParser parser = connection.getParser();
            // START: waiting for a request's first byte, which the idle timeout governs; past the headers: a body.
            if (parser.isStart() || !parser.inHeaderState()) {
                return new Partial(-1, 0);
            }
            long requests = connection.getMessagesIn();
            if (seen.requests() != requests) {
                return new Partial(requests, now);
            }
            if (now - seen.sinceNanos() > limit.toNanos()) {
                LOG.info("Closed a connection from " + connection.getEndPoint().getRemoteSocketAddress()
                        + " whose request headers took longer than " + limit.toSeconds() + " s to arrive");
                connection.getEndPoint().close();
            }
            return seen;
        });
    }
}
