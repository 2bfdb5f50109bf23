package org.tabserve.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A hostile peer of the test's own in front of a real HTTP server (an issuer, s3proxy): each request it passes on as
 * sent, one a connection, and each answer it hands back whole, or, for a request whose line {@link #slow} matches,
 * its head at once and then its body a byte at a time at the rate given (0: never, a peer that stops sending). Every
 * answer says {@code Connection: close}, so the client opens a connection a request. Answers held (rate 0) are passed
 * on whole once {@link #release released}.
 */
public final class TricklingProxy implements AutoCloseable {

    private final ServerSocket listening;
    private final URI target;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "trickling-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> open = new ArrayList<>();
    private final AtomicInteger trickled = new AtomicInteger();
    private volatile Predicate<String> slow = line -> false;
    private volatile int bytesPerSecond = 1;
    private volatile java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);

    private TricklingProxy(URI target) throws IOException {
        this.target = target;
        this.listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(this::accept);
    }

    /** A proxy to {@code target} (http://HOST:PORT), passing every answer whole until {@link #slow} says otherwise. */
    public static TricklingProxy to(URI target) throws IOException {
        return new TricklingProxy(target);
    }

    /** @return the proxy's address, {@code http://127.0.0.1:PORT} */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + listening.getLocalPort());
    }

    /**
     * Trickles the bodies of answers to requests whose request line ({@code GET /path HTTP/1.1}) {@code which}
     * matches, at {@code rate} bytes a second (0: their bodies never come).
     */
    public void slow(Predicate<String> which, int rate) {
        this.bytesPerSecond = rate;
        this.slow = which;
    }

    /** Passes every answer whole from now on, and the bodies held so far ({@link #slow} at rate 0) too. */
    public void release() {
        this.slow = line -> false;
        java.util.concurrent.CountDownLatch releasing = held;
        held = new java.util.concurrent.CountDownLatch(1);
        releasing.countDown();
    }

    /** @return how many answers were trickled (or held) so far */
    public int trickled() {
        return trickled.get();
    }

    private void accept() {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                synchronized (open) {
                    open.add(client);
                }
                threads.submit(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client;
                Socket server = new Socket(target.getHost(), target.getPort())) {
            synchronized (open) {
                open.add(server);
            }
            InputStream fromClient = client.getInputStream();
            byte[] head = head(fromClient);
            if (head == null) {
                return;
            }
            String text = new String(head, StandardCharsets.ISO_8859_1);
            String requestLine = text.substring(0, text.indexOf("\r\n"));
            OutputStream toServer = server.getOutputStream();
            toServer.write(withClose(text).getBytes(StandardCharsets.ISO_8859_1));
            long length = contentLength(text);
            if (length > 0) {
                toServer.write(fromClient.readNBytes((int) length));
            }
            toServer.flush();
            InputStream fromServer = server.getInputStream();
            byte[] answerHead = head(fromServer);
            if (answerHead == null) {
                return;
            }
            OutputStream toClient = client.getOutputStream();
            toClient.write(withClose(new String(answerHead, StandardCharsets.ISO_8859_1))
                    .getBytes(StandardCharsets.ISO_8859_1));
            toClient.flush();
            java.util.concurrent.CountDownLatch holding = held;
            if (!slow.test(requestLine)) {
                fromServer.transferTo(toClient);
                return;
            }
            trickled.incrementAndGet();
            int rate = bytesPerSecond;
            if (rate == 0) {
                holding.await(); // until released
                fromServer.transferTo(toClient);
                return;
            }
            long pause = Math.max(1, 1000L / rate);
            int b;
            while ((b = fromServer.read()) >= 0) {
                toClient.write(b);
                toClient.flush();
                Thread.sleep(pause);
            }
        } catch (IOException | InterruptedException e) {
            // the client or the server went away: so does this connection
        }
    }

    /** The bytes of a head up to and with its blank line; null when the peer closed first. */
    private static byte[] head(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            bytes.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return bytes.toByteArray();
            }
        }
        return null;
    }

    private static String withClose(String head) {
        StringBuilder out = new StringBuilder();
        for (String line : head.split("\r\n")) {
            if (!line.regionMatches(true, 0, "connection:", 0, 11) && !line.isEmpty()) {
                out.append(line).append("\r\n");
            }
        }
        return out.append("Connection: close\r\n\r\n").toString();
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                return Long.parseLong(line.substring(15).strip());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        listening.close();
        synchronized (open) {
            for (Socket s : open) {
                s.close();
            }
        }
        threads.shutdownNow();
    }
}
