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
 * unacknowledged on its ports), within what is left of the server's stop timeout since the stop began: added to the
 * server as an event listener, in {@code java -jar}'s server and by the Jetty base's {@code tabserve-stop} module.
 */
public final class DeliveredBeforeExit implements LifeCycle.Listener {

    /** How often the send queues are looked at while something is left in them. */
    static final Duration POLL = Duration.ofMillis(50);

    private final Server server;
    private final ToLongFunction<Set<Integer>> unacknowledged;
    private final LongSupplier nanoTime;
    private volatile long stopBegan;
    private volatile Set<Integer> ports = Set.of();

    /** @param server the server whose stop it ends: its connectors' ports and its stop timeout */
    public DeliveredBeforeExit(Server server) {
        this(server, new TcpSendQueues()::unacknowledged, System::nanoTime);
    }

    DeliveredBeforeExit(Server server, ToLongFunction<Set<Integer>> unacknowledged, LongSupplier nanoTime) {
        this.server = server;
        this.unacknowledged = unacknowledged;
        this.nanoTime = nanoTime;
    }

    @Override
    public void lifeCycleStopping(LifeCycle event) {
        stopBegan = nanoTime.getAsLong();
        Set<Integer> open = new TreeSet<>();
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof NetworkConnector network && network.getLocalPort() > 0) {
                open.add(network.getLocalPort());
            }
        }
        ports = Set.copyOf(open);
    }

    @Override
    public void lifeCycleStopped(LifeCycle event) {
        long left = awaitDelivered();
        if (left > 0) {
            System.getLogger(DeliveredBeforeExit.class.getName())
                    .log(
                            System.Logger.Level.WARNING,
                            "stopping with {0} bytes of answers not yet received by their clients: the stop timeout"
                                    + " ({1} ms) has passed",
                            left,
                            server.getStopTimeout());
        }
    }

    /**
     * Waits until nothing is left unacknowledged on the ports, or the stop timeout has passed since the stop began.
     *
     * @return the bytes still unacknowledged when it gave up; 0 when all were delivered
     */
    long awaitDelivered() {
        if (ports.isEmpty()) {
            return 0;
        }
        long deadline = stopBegan + Duration.ofMillis(server.getStopTimeout()).toNanos();
        while (true) {
            long left = unacknowledged.applyAsLong(ports);
            if (left == 0 || nanoTime.getAsLong() - deadline >= 0) {
                return left;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return left;
            }
        }
    }
}
