package org.tabserve.launcher;

import java.io.IOException;
import java.net.BindException;
import java.util.Optional;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Opens the launcher's ports one by one before the server starts, so that a port it cannot have is told in one line
 * that names the port, says why in words ("already in use") and names the flag and variable that choose another;
 * Jetty's own failure ("Failed to bind to /127.0.0.1:8080") says neither, nor which of the ports it was. The server
 * then starts on the ports already open, as Jetty opens them itself when none is.
 */
final class PortsFirst {

    private PortsFirst() {}

    /**
     * Opens every port of {@code server}'s connectors, in order.
     *
     * @return what to tell the user when a port cannot be had (every port opened so far closed again), else empty
     */
    static Optional<String> open(Server server, LauncherOptions options) {
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof ServerConnector listening) {
                try {
                    listening.open();
                } catch (IOException e) {
                    closeAll(server);
                    return Optional.of(refusal(listening.getName(), options.host(), listening.getPort(), e));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The line for a port that could not be opened.
     *
     * @param connector the connector's name: {@link ServerPorts#GRPC}, {@link ServerPorts#PROBES}, or another for
     *                  {@code --port}
     */
    static String refusal(String connector, String host, int port, IOException failure) {
        String flag = ServerPorts.GRPC.equals(connector)
                ? "--grpc-port N (or TABSERVE_GRPC_PORT=N)"
                : ServerPorts.PROBES.equals(connector)
                        ? "--probe-port N (or TABSERVE_PROBE_PORT=N)"
                        : "--port N (or TABSERVE_PORT=N)";
        BindException bind = bindFailure(failure);
        String where = "cannot start on " + host + ":" + port + ": ";
        if (bind != null && bind.getMessage() != null && bind.getMessage().contains("in use")) {
            return where + "port " + port + " is already in use (another tabserve, or another program, listens"
                    + " there); choose another port with " + flag + ", or 0 for any free one";
        }
        String why = bind != null && bind.getMessage() != null ? bind.getMessage() : failure.getMessage();
        return where + why + "; " + flag + " chooses the port, --host ADDRESS (or TABSERVE_HOST) the address";
    }

    /** The {@link BindException} under {@code failure}, or null. */
    private static BindException bindFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException bind) {
                return bind;
            }
        }
        return null;
    }

    private static void closeAll(Server server) {
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof NetworkConnector network) {
                try {
                    network.close();
                } catch (RuntimeException e) {
                    // the process exits next: the port is released with it
                }
            }
        }
    }
}
