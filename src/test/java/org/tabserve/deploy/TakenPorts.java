package org.tabserve.deploy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * A runtime's shipped ports (8080 and the others it listens on unless told otherwise) held bound on every address by
 * the test while a server starts by the docs' steps, those of them that are free: the machine of a user whose 8080 is
 * taken, so that a documented step that still used one fails to bind and the start fails, saying which port clashed.
 */
final class TakenPorts implements AutoCloseable {

    /** What a JVM prints when a port it binds is taken (Java's {@code BindException}). */
    static final String CLASH = "Address already in use";

    private final List<ServerSocket> sockets;

    private TakenPorts(List<ServerSocket> sockets) {
        this.sockets = sockets;
    }

    /** Binds each port that nobody listens on now; one taken already is taken as a user's would be. */
    static TakenPorts hold(int... ports) {
        List<ServerSocket> sockets = new ArrayList<>();
        for (int port : ports) {
            try {
                ServerSocket socket = new ServerSocket();
                socket.bind(new InetSocketAddress(port));
                sockets.add(socket);
            } catch (IOException taken) {
                // someone else holds it: as taken as the test would make it
            }
        }
        return new TakenPorts(sockets);
    }

    /**
     * Fails when the server's output says it could not bind a port (Java's {@code BindException}), which a server
     * that starts its other listeners all the same (WildFly: "started (with errors)") would otherwise hide.
     */
    static void assertNoneClashed(ServerProcess server, String steps) {
        for (String line : server.output()) {
            if (line.contains(CLASH)) {
                throw new IllegalStateException("a port of " + steps + " was taken (the test holds the runtime's"
                        + " shipped ports, as on a machine where 8080 is taken): " + line + "\n" + server.log());
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (ServerSocket socket : sockets) {
            socket.close();
        }
    }
}
