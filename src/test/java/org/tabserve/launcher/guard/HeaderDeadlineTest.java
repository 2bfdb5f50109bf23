package org.tabserve.launcher.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The header deadline on a real Jetty connector, wired as the launcher's {@code EmbeddedServer} wires it, in front of a handler that
 * reads the whole body and answers 200. It rests on Jetty's public API only; these tests are what says an upgrade
 * still counts bytes, requests and completions as it relies on.
 */
class HeaderDeadlineTest {

    private static final Duration DEADLINE = Duration.ofSeconds(1);
    /** Far longer than the deadline, so that only the deadline can cut what these tests send. */
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);

    private static final int BYTE_EVERY_MILLIS = 100;

    private Server server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(new HttpConfiguration()));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        HeaderDeadline deadline = new HeaderDeadline(DEADLINE, new ReadsBodyAnswersOk());
        connector.addBean(deadline, false);
        server.addConnector(connector);
        server.setHandler(deadline);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void headersTrickledByteByByteAreCutAfterTheDeadlineAndBeforeTwiceIt() throws Exception {
        try (Socket socket = connect()) {
            long millis = trickleUntilCut(socket, "GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(200));
            assertTrue(millis >= DEADLINE.toMillis(), "cut after " + millis + " ms, before the deadline");
            assertTrue(millis < 2 * DEADLINE.toMillis(), "cut after " + millis + " ms, long after the deadline");
        }
    }

    @Test
    void theNextRequestOnAKeptAliveConnectionHasADeadlineOfItsOwn() throws Exception {
        try (Socket socket = connect()) {
            // Answered requests before it, together longer than the deadline, do not count against it...
            for (int i = 0; i < 3; i++) {
                send(socket, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertTrue(readAnswer(socket).startsWith("HTTP/1.1 200"));
                Thread.sleep(DEADLINE.toMillis() / 2);
            }
            // ...and a trickled one after them is cut all the same.
            long millis = trickleUntilCut(socket, "GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(200));
            assertTrue(millis >= DEADLINE.toMillis(), "cut after " + millis + " ms, before the deadline");
            assertTrue(millis < 2 * DEADLINE.toMillis(), "cut after " + millis + " ms, long after the deadline");
        }
    }

    @Test
    void aBodySlowerThanTheDeadlineAfterTimelyHeadersIsNotCut() throws Exception {
        String body = "x".repeat(30); // 3 s at one byte per 100 ms
        try (Socket socket = connect()) {
            send(socket, "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length() + "\r\n\r\n");
            for (char c : body.toCharArray()) {
                send(socket, String.valueOf(c));
                Thread.sleep(BYTE_EVERY_MILLIS);
            }
            assertEquals(
                    "HTTP/1.1 200 OK", readAnswer(socket).lines().findFirst().orElse(""));
        }
    }

    @Test
    void aKeptAliveConnectionThatSendsNothingIsLeftToTheIdleTimeout() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertTrue(readAnswer(socket).startsWith("HTTP/1.1 200"));
            Thread.sleep(3 * DEADLINE.toMillis());
            send(socket, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertTrue(readAnswer(socket).startsWith("HTTP/1.1 200"), "the connection still serves after a pause");
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Sends one byte every 100 ms until the server closes; returns how long that took, in milliseconds. */
    private static long trickleUntilCut(Socket socket, String head) throws Exception {
        socket.setSoTimeout(BYTE_EVERY_MILLIS);
        long start = System.nanoTime();
        for (char c : head.toCharArray()) {
            try {
                send(socket, String.valueOf(c));
                int read = socket.getInputStream().read();
                assertEquals(-1, read, "the server answered a request whose headers were not all sent");
                return (System.nanoTime() - start) / 1_000_000;
            } catch (SocketTimeoutException stillOpen) {
                // the server still waits for the rest: send the next byte
            } catch (SocketException reset) {
                return (System.nanoTime() - start) / 1_000_000;
            }
        }
        throw new AssertionError("the server still held the connection after the whole head was trickled");
    }

    /** Reads one answer whose body is the two bytes {@code ok}. */
    private static String readAnswer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder answer = new StringBuilder();
        while (!answer.toString().endsWith("\r\n\r\nok")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            answer.append((char) b);
        }
        return answer.toString();
    }

    /** Reads the whole request body, then answers {@code 200 ok}. */
    private static final class ReadsBodyAnswersOk extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            Content.Source.asString(request, StandardCharsets.US_ASCII);
            response.getHeaders().put("Content-Length", 2);
            response.write(true, StandardCharsets.US_ASCII.encode("ok"), callback);
            return true;
        }
    }
}
