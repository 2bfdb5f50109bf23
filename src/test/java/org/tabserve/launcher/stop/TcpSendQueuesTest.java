package org.tabserve.launcher.stop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The send queues as Linux lists them: a table's columns read by port, then a real socket's queue on this kernel. */
class TcpSendQueuesTest {

    /** Three sockets of port 8080 (0x1F90: listening, sending 0x2A00 bytes, delivered) and one of another port. */
    private static final String TABLE =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                    + "   0: 00000000:1F90 00000000:0000 0A 00000005:00000000 00:00000000 00000000   999        0 1\n"
                    + "   1: 0100007F:1F90 0100007F:D2F0 04 00002A00:00000000 01:00000014 00000000     0        0 0\n"
                    + "   2: 0100007F:1F90 0100007F:D2F2 01 00000000:00000010 00:00000000 00000000   999        0 3\n"
                    + "   3: 0100007F:0050 0100007F:D2F4 01 00001000:00000000 00:00000000 00000000   999        0 4\n";

    @Test
    void countsWhatSocketsOnTheGivenPortsHaveNotHadAcknowledged() {
        assertEquals(0x2A00, TcpSendQueues.unacknowledged(TABLE, Set.of(8080)), "the listening socket's column aside");
        assertEquals(0x2A00 + 0x1000, TcpSendQueues.unacknowledged(TABLE, Set.of(8080, 80)));
        assertEquals(0, TcpSendQueues.unacknowledged(TABLE, Set.of(443)));
    }

    @Test
    void readsEveryTableAndAMissingOneListsNothing(@TempDir Path dir) throws Exception {
        Path four = Files.writeString(dir.resolve("tcp"), TABLE);
        Path six = Files.writeString(
                dir.resolve("tcp6"),
                "  sl  local_address                         rem_address                           st tx_queue rx_queue\n"
                        + "   0: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:A000 09"
                        + " 00000001:00000000 01:00000014 00000000     0        0 0\n");
        assertEquals(
                0x2A00 + 1, new TcpSendQueues(List.of(four, six, dir.resolve("none"))).unacknowledged(Set.of(8080)));
    }

    /**
     * On this machine's kernel: what a server socket wrote to a client that reads nothing stays queued, also once the
     * server has closed the socket, and the queue empties once the client reads it all.
     */
    @Test
    void aClosedSocketsQueueIsCountedUntilItsPeerHasReadItAll() throws Exception {
        Path table = Path.of("/proc/self/net/tcp");
        if (!Files.isReadable(table)) {
            return; // not Linux: nothing is listed, which the tests above cover
        }
        byte[] answer =
                new byte[256 << 10]; // within any kernel's largest send buffer (wmem_max's default: 208 KiB, doubled)
        try (ServerSocket listening = new ServerSocket()) {
            listening.setReceiveBufferSize(64 << 10);
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = listening.getLocalPort();
            try (Socket client = new Socket()) {
                client.setReceiveBufferSize(
                        16 << 10); // the client's window stays small: the rest waits in the server's
                client.connect(listening.getLocalSocketAddress());
                try (Socket served = listening.accept()) {
                    served.setSendBufferSize(1 << 20);
                    OutputStream out = served.getOutputStream();
                    out.write(answer); // taken by the kernel, as Jetty's last write of an answer is
                    out.flush();
                }
                long queued = new TcpSendQueues().unacknowledged(Set.of(port));
                assertTrue(queued > 0 && queued <= answer.length + 1, "queued after the close: " + queued);
                InputStream in = client.getInputStream();
                long read = 0;
                for (int n; (n = in.read(answer)) >= 0; ) {
                    read += n;
                }
                assertEquals(256 << 10, read);
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (new TcpSendQueues().unacknowledged(Set.of(port)) > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10); // the client's last acknowledgement is on its way
                }
                assertEquals(0, new TcpSendQueues().unacknowledged(Set.of(port)), "delivered");
            }
        }
    }
}
