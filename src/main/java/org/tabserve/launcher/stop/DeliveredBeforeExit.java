package org.tabserve.launcher.stop;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * Holds the end of a server's stop until the kernel has delivered what its connections wrote (nothing left
 * unacknowledged on its ports), while the clients go on taking it: added to the server as an event listener, in
 * {@code java -jar}'s server and by the Jetty base's {@code tabserve-stop} module.
 *
 * <p>The wait gives up once the clients have taken none of those bytes for the patience since the stop was asked
 * (5 s: {@code java -jar} counts from the SIGTERM, before its drain; the Jetty base from the server's stop) and it has
 * watched them for {@link #WATCHED}, once it has lasted the grace (the minimum response rate's, 10 s by default), and
 * at the server's stop timeout, whichever comes first. A kept-alive client that never reads, its window shut, then
 * ends the image's stop about 6.5 s after SIGTERM at most, {@code java -jar}'s about 8.5 s with its 5 s drain: inside
 * the 10 s {@code docker stop} gives before it kills (it held both for the whole 30 s stop timeout).
 */
public final class DeliveredBeforeExit implements LifeCycle.Listener {

    /** How often the send queues are looked at while something is left in them. */
    static final Duration POLL = Duration.ofMillis(50);
    /** How long the clients may take none of what is left before the wait gives up on them. */
    public static final Duration PATIENCE = Duration.ofSeconds(5);
    /** How long the wait watches the queues before it gives up on clients that took nothing since the stop. */
    static final Duration WATCHED = Duration.ofMillis(500);
    /** Bytes more than when the stop was asked that still count as nothing taken: closed connections' FINs. */
    static final long CLOSING_SLACK = 64;
    /** The longest the wait lasts, as the minimum response rate's default grace. */
    public static final Duration GRACE = Duration.ofSeconds(10);

    private final Server server;
    private final ToLongFunction<Set<Integer>> unacknowledged;
    private final LongSupplier nanoTime;
    private final Duration patience;
    private final Duration grace;
    /** When the stop was asked, and what was left unacknowledged then; set once. */
    private volatile Asked asked;

    private record Asked(long at, long left, Set<Integer> ports) {}

    /** @param server the server whose stop it ends: its connectors' ports and its stop timeout */
    public DeliveredBeforeExit(Server server) {
        this(server, PATIENCE, GRACE);
    }

    /**
     * @param patience how long the clients may take none of what is left before the wait gives up on them
     * @param grace    the longest the wait lasts (within the server's stop timeout)
     */
    public DeliveredBeforeExit(Server server, Duration patience, Duration grace) {
        this(server, patience, grace, new TcpSendQueues()::unacknowledged, System::nanoTime);
    }

    DeliveredBeforeExit(
            Server server,
            Duration patience,
            Duration grace,
            ToLongFunction<Set<Integer>> unacknowledged,
            LongSupplier nanoTime) {
        this.server = server;
        this.patience = patience;
        this.grace = grace;
        this.unacknowledged = unacknowledged;
        this.nanoTime = nanoTime;
    }

    /**
     * Says that the stop is asked for now (a SIGTERM that drains before the server's stop begins): the clients'
     * patience counts from here. Without it, from the server's stop.
     */
    public synchronized void stopAsked() {
        if (asked == null) {
            Set<Integer> ports = ports();
            asked = new Asked(nanoTime.getAsLong(), ports.isEmpty() ? 0 : unacknowledged.applyAsLong(ports), ports);
        }
    }

    @Override
    public void lifeCycleStopping(LifeCycle event) {
        stopAsked();
    }

    @Override
    public void lifeCycleStopped(LifeCycle event) {
        long left = awaitDelivered();
        if (left > 0) {
            System.getLogger(DeliveredBeforeExit.class.getName())
                    .log(
                            System.Logger.Level.WARNING,
                            "stopping with {0} bytes of answers not yet received by their clients, who took none of"
                                    + " them for {1} ms or did not take them within {2} ms",
                            left,
                            patience.toMillis(),
                            grace.toMillis());
        }
    }

    private Set<Integer> ports() {
        Set<Integer> open = new TreeSet<>();
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof NetworkConnector network && network.getLocalPort() > 0) {
                open.add(network.getLocalPort());
            }
        }
        return Set.copyOf(open);
    }

    /**
     * Waits until nothing is left unacknowledged on the ports; or until the clients have taken none of it for the
     * patience since the stop was asked (or since they last took some), the wait has lasted the grace, or the stop
     * timeout has passed since the stop was asked.
     *
     * @return the bytes still unacknowledged when it gave up; 0 when all were delivered
     */
    long awaitDelivered() {
        Asked since = asked;
        if (since == null || since.ports().isEmpty()) {
            return 0;
        }
        long began = nanoTime.getAsLong();
        long deadline =
                Math.min(since.at() + Duration.ofMillis(server.getStopTimeout()).toNanos(), began + grace.toNanos());
        long left = unacknowledged.applyAsLong(since.ports());
        // What was left when the stop was asked, give or take a closed connection's FIN (one sequence number each):
        // nobody took a byte since (a client that never reads keeps its bytes as they were). Less, or answers written
        // during the stop (bytes more), counts as taken now.
        long tookLast = left >= since.left() && left <= since.left() + CLOSING_SLACK ? since.at() : began;
        long lowest = left;
        while (left > 0) {
            long now = nanoTime.getAsLong();
            boolean watched = now - began >= WATCHED.toNanos(); // long enough to see a reading client take some
            if (now - deadline >= 0 || (watched && now - tookLast >= patience.toNanos())) {
                return left;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return left;
            }
            left = unacknowledged.applyAsLong(since.ports());
            if (left < lowest) {
                lowest = left;
                tookLast = nanoTime.getAsLong();
            }
        }
        return 0;
    }
}
