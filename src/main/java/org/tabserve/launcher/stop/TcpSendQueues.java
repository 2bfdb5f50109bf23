package org.tabserve.launcher.stop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The bytes that TCP sockets on given local ports have sent or queued and their peers have not yet acknowledged, as
 * Linux's {@code /proc/self/net/tcp} and {@code tcp6} list them (the {@code tx_queue} column) for the process's own
 * network namespace, closed sockets still sending included; none on a system without those files.
 */
public final class TcpSendQueues {

    private static final List<Path> TABLES = List.of(Path.of("/proc/self/net/tcp"), Path.of("/proc/self/net/tcp6"));

    /** The state column's value for a listening socket, which never has anything to send. */
    private static final String LISTEN = "0A";

    private final List<Path> tables;

    /** The running process's tables. */
    public TcpSendQueues() {
        this(TABLES);
    }

    /** @param tables files in the format of {@code /proc/net/tcp}; a missing one lists no socket */
    TcpSendQueues(List<Path> tables) {
        this.tables = List.copyOf(tables);
    }

    /**
     * @param ports local ports (the server's connectors')
     * @return the bytes not yet acknowledged by the peers of all sockets on those ports
     */
    public long unacknowledged(Set<Integer> ports) {
        long bytes = 0;
        for (Path table : tables) {
            try {
                bytes += unacknowledged(Files.readString(table, StandardCharsets.US_ASCII), ports);
            } catch (NoSuchFileException e) {
                // not Linux, or no IPv6: no socket listed there
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bytes;
    }

    /**
     * @param table the text of one table: a heading line, then one socket a line ({@code sl local_address
     *              rem_address st tx_queue:rx_queue ...}, addresses as {@code HEXIP:HEXPORT})
     */
    static long unacknowledged(String table, Set<Integer> ports) {
        long bytes = 0;
        String[] lines = table.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] columns = lines[i].trim().split("\\s+");
            if (columns.length < 5 || LISTEN.equals(columns[3])) {
                continue;
            }
            String local = columns[1];
            int port = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16);
            if (ports.contains(port)) {
                String queues = columns[4];
                bytes += Long.parseLong(queues.substring(0, queues.indexOf(':')), 16);
            }
        }
        return bytes;
    }
}
