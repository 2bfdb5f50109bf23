package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Optional;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * A port that another program holds is told in words that name the port and the flag and variable choosing
 * another: on a real socket held by this test, with real Jetty connectors.
 */
class PortsFirstTest {

    private static Optional<String> openOn(int taken, String connectorName) throws Exception {
        Server server = new Server();
        try {
            ServerConnector free = new ServerConnector(server);
            free.setHost("127.0.0.1");
            free.setPort(0);
            server.addConnector(free);
            ServerConnector held = new ServerConnector(server);
            held.setHost("127.0.0.1");
            held.setPort(taken);
            held.setName(connectorName);
            server.addConnector(held);
            Optional<String> said =
                    PortsFirst.open(server, new LauncherOptions("127.0.0.1", taken, Optional.empty(), false));
            if (said.isPresent()) {
                assertTrue(!free.isOpen(), "the port opened before the taken one is closed again");
            }
            return said;
        } finally {
            server.stop();
        }
    }

    @Test
    void aPortInUseIsSaidToBeInUseWithTheFlagAndVariableThatChooseAnother() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = other.getLocalPort();
            String said = openOn(port, null).orElseThrow();
            assertTrue(
                    said.startsWith("cannot start on 127.0.0.1:" + port + ": port " + port + " is already in use"),
                    said);
            assertTrue(said.contains("--port N (or TABSERVE_PORT=N)"), said);
            assertTrue(said.contains("0 for any free one"), said);
        }
    }

    @Test
    void theGrpcAndProbePortsNameTheirOwnFlags() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = other.getLocalPort();
            assertTrue(
                    openOn(port, ServerPorts.GRPC).orElseThrow().contains("--grpc-port N (or TABSERVE_GRPC_PORT=N)"));
            assertTrue(openOn(port, ServerPorts.PROBES)
                    .orElseThrow()
                    .contains("--probe-port N (or TABSERVE_PROBE_PORT=N)"));
        }
    }

    @Test
    void freePortsAreOpenedAndNothingIsSaid() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        assertEquals(Optional.empty(), openOn(port, null));
    }
}
