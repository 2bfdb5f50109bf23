package org.tabserve.launcher.guard;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Closes a connection whose request line and headers have been arriving for longer than a deadline, however
 * steadily they trickle. The idle timeout starts again with every byte, so without this a slow-loris client that
 * sends one byte just before each idle timeout holds a connection, and a few hundred of them the server, for ever.
 * Jetty has no such limit of its own (its minimum data rate applies to bodies only).
 * <p>
 * Built from Jetty's public API only. Added to the connector, it hears each connection open and close
 * ({@link Connection.Listener}); as the outermost handler, it sees each request begin (Jetty calls the handlers once
 * a request's headers are complete) and end ({@link Request#addCompletionListener}). Bytes a connection receives
 * while no request of it is being handled ({@link Connection#getBytesIn()} past the count when the last one ended,
 * or past zero on a new connection) can only be the next request's line and headers; once they have been arriving
 * for longer than the deadline, the connection is closed.
 */
public final class HeaderDeadline extends Handler.Wrapper implements Connection.Listener {

    private static final Logger LOG = Logger.getLogger(HeaderDeadline.class.getName());

    /** One connection as this class follows it. */
    private static final class Watch {
        /** Whether one of its requests is being handled: its headers are complete, its body is the app's concern. */
        volatile boolean handling;
        /** The connection's bytes in when its last request ended (0 for a new one): later bytes are a new request. */
        volatile long bytesAtRest;
        /** Sweep thread only: when it first saw the current request's first bytes (0: none seen), ... */
        long headSinceNanos;
        /** ...and the connection's requests received then, so that a new request restarts the clock. */
        long requestsThen;
    }

    private final Duration limit;
    private final Map<Connection, Watch> open = new ConcurrentHashMap<>();
    private ScheduledExecutorService sweeper;

    public HeaderDeadline(Duration limit, Handler handler) {
        super(handler);
        this.limit = limit;
    }

    /**
     * Without a handler yet: for a Jetty base, whose XML inserts it in front of the server's handlers
     * ({@code Server.insertHandler}, deploy/jetty-base.sh).
     *
     * @param seconds the deadline, in whole seconds
     */
    public HeaderDeadline(long seconds) {
        this(Duration.ofSeconds(seconds), null);
    }

    @Override
    public void onOpened(Connection connection) {
        open.put(connection, new Watch());
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Connection connection = request.getConnectionMetaData().getConnection();
        Watch watch = open.get(connection);
        if (watch != null) {
            watch.handling = true;
            Request.addCompletionListener(request, failure -> {
                watch.bytesAtRest = connection.getBytesIn(); // before handling ends, so a sweep never sees a mix
                watch.handling = false;
            });
        }
        return super.handle(request, response, callback);
    }

    @Override
    protected void doStart() throws Exception {
        sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tabserve-header-deadline");
            thread.setDaemon(true);
            return thread;
        });
        // Checked four times per deadline, so a connection is cut at most half a deadline late: a quarter before
        // the sweep sees its first bytes, a quarter after the deadline has passed.
        long period = Math.max(100, limit.toMillis() / 4);
        sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        sweeper.shutdownNow();
        open.clear();
    }

    /** Cuts every connection that has been receiving the same request's line and headers for longer than the limit. */
    void sweep() {
        long now = System.nanoTime();
        open.forEach((connection, watch) -> {
            if (watch.handling || connection.getBytesIn() <= watch.bytesAtRest) {
                watch.headSinceNanos = 0; // a request in hand (its body, if any, is the idle timeout's), or at rest
                return;
            }
            long requests = connection.getMessagesIn();
            if (watch.headSinceNanos == 0 || watch.requestsThen != requests) {
                watch.headSinceNanos = now;
                watch.requestsThen = requests;
            } else if (now - watch.headSinceNanos > limit.toNanos()) {
                LOG.info("Closed a connection from " + connection.getEndPoint().getRemoteSocketAddress()
                        + " whose request headers took longer than " + limit.toSeconds() + " s to arrive");
                connection.getEndPoint().close();
            }
        });
    }
}
