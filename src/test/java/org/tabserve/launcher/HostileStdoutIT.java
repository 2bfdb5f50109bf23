package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.output.LineWriter;
import org.tabserve.launcher.output.ProcessOutput;
import org.tabserve.testing.TabserveProcess;

/**
 * Issue 61, finding 3: the server's stdout a pipe nobody reads (a log shipper that stalled, a paused pager), against
 * the WAR as the project ships it. Every request's access log line once waited for the pipe past the log's queue, so
 * that every request hung, probes on {@code --port} included, while {@code --probe-port} went on answering ready; and
 * with stderr in the same pipe (docker, systemd), every thread that logged waited for it, the stop included.
 */
class HostileStdoutIT {

    private static final String VALID =
            "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}";
    /** A client's User-Agent, which its access log line carries whole: 6,000 bytes a line, under the header limit. */
    private static final String LONG_AGENT = "hostile-stdout/" + "a".repeat(5_985);
    /**
     * Requests enough for their lines to fill the pipe (64 KiB on Linux), the test's reader's buffers (16 KiB) and
     * the log's queue (1 MiB) twice over.
     */
    private static final int REQUESTS = 2 * ((LineWriter.MAX_QUEUED_BYTES + (80 << 10)) / LONG_AGENT.length());
    /** Longer than any request takes here, however loaded the machine: one that has not ended waits on stdout. */
    private static final Duration HANG = Duration.ofSeconds(30);

    private static final Pattern DROPPED = Pattern.compile("\ntabserve_access_log_dropped_total (\\S+)\n");

    private static final Pattern LOG_DROPPED = Pattern.compile("\ntabserve_log_dropped_total (\\S+)\n");
    /** How long a stop may take here: the drain (0 in tests), idle connections' close (5 s), the output's 2 s. */
    private static final Duration STOP = Duration.ofSeconds(30);

    private static final String ADMIN_TOKEN = "hostile-stderr-admin-token";

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @Test
    void requestsAndProbesAreAnsweredWhileNothingReadsStdoutAndTheLinesDroppedAreCountedAndSaidOnce() throws Exception {
        try (TabserveProcess server = TabserveProcess.start(
                TabserveProcess.war(),
                TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS,
                List.of("--port", "0", "--probe-port", "0"),
                TabserveProcess.SHIPPED_ENVIRONMENT)) {
            server.awaitReady(Duration.ofSeconds(90));
            server.stopReadingOutput();
            fillTheOutput(server);
            URI main = server.uri();
            for (String path : new String[] {"/health/live", "/health/ready"}) {
                assertEquals(200, probe(main.getHost(), main.getPort(), path), path + " on --port");
                assertEquals(200, probe(main.getHost(), server.probePort(), path), path + " on --probe-port");
            }
            double count = counter(DROPPED, metrics(server));
            assertTrue(count >= REQUESTS / 3.0, count + " of " + REQUESTS + " lines counted as dropped");

            // stderr is the same pipe here: its line may land inside one of stdout's (a pipe keeps writes of up to
            // 4 KiB whole, not the log's of up to 64 KiB)
            server.readOutputAgain();
            String said = ProcessOutput.ACCESS_LOG_DROPPING;
            long deadline = System.nanoTime() + HANG.toNanos();
            while (server.output().stream().noneMatch(l -> l.contains(said)) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(
                    1,
                    server.output().stream().filter(l -> l.contains(said)).count(),
                    "said once on stderr, however many lines were dropped");
            assertEquals(0, server.terminate(Duration.ofSeconds(60)), "stops as ever once stdout is read again");
        }
    }

    /**
     * The server's own log, java.util.logging's console handler, wrote stderr under its lock from the thread that
     * logged: with stdout and stderr one pipe nobody reads, a request that logged a warning (an admin route refused
     * for its token) hung, and so did SIGTERM's stop, which logs as it unloads: the server never exited. Now they
     * are answered, the log's lines wait in its queue or are dropped and counted, and the stop exits 0 after at most
     * 2 s for the output.
     */
    @Test
    void requestsThatLogAreAnsweredAndSigtermExitsWhileNothingReadsStdoutAndStderr() throws Exception {
        Map<String, String> environment = new HashMap<>(TabserveProcess.SHIPPED_ENVIRONMENT);
        environment.put("TABSERVE_ADMIN_TOKEN", ADMIN_TOKEN);
        try (TabserveProcess server = TabserveProcess.start(
                TabserveProcess.war(),
                TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS,
                List.of("--port", "0", "--probe-port", "0"),
                environment)) {
            server.awaitReady(Duration.ofSeconds(90));
            server.stopReadingOutput();
            fillTheOutput(server);
            // Lines are dropped only once stdout's writer is held in a write: the pipe is full from here on
            assertTrue(counter(DROPPED, metrics(server)) > 0, "the access log's lines dropped: the pipe is full");
            for (String authorization : new String[] {null, "Bearer not-the-token"}) {
                HttpRequest.Builder refused = HttpRequest.newBuilder(
                                server.uri().resolve("/admin/model"))
                        .timeout(HANG)
                        .POST(HttpRequest.BodyPublishers.ofString("not a model"));
                if (authorization != null) {
                    refused.header("Authorization", authorization);
                }
                // Each refusal is logged as a warning, on the request's thread, the first of its kind in a minute
                assertEquals(
                        authorization == null ? 401 : 403,
                        http.send(refused.build(), HttpResponse.BodyHandlers.ofString())
                                .statusCode(),
                        "refused, and logged, with " + authorization);
            }
            assertEquals(200, predict(server).statusCode(), "still serves");
            counter(LOG_DROPPED, metrics(server)); // on /metrics beside the access log's (its few lines wait here)
            long start = System.nanoTime();
            int status = server.terminateUnread(STOP); // the stop logs as it unloads
            System.out.printf(
                    "HostileStdoutIT: exit %d %.1f s after SIGTERM, nothing reading stdout or stderr%n",
                    status, (System.nanoTime() - start) / 1e9);
            assertEquals(0, status, "a graceful stop, although nothing reads its output");
        }
    }

    /**
     * Sends requests whose access log lines fill the pipe, the test's reader's buffers and the log's queue, each
     * answered (none waits for stdout).
     */
    private void fillTheOutput(TabserveProcess server) throws Exception {
        for (int i = 0; i < REQUESTS; i++) {
            HttpResponse<String> answer = predict(server);
            assertEquals(200, answer.statusCode(), "request " + i + ": " + answer.body());
        }
    }

    private HttpResponse<String> predict(TabserveProcess server) throws Exception {
        return http.send(
                HttpRequest.newBuilder(server.uri().resolve("/api/predict"))
                        .timeout(HANG)
                        .header("Content-Type", "application/json")
                        .header("User-Agent", LONG_AGENT)
                        .POST(HttpRequest.BodyPublishers.ofString(VALID))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String metrics(TabserveProcess server) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(server.uri().resolve("/metrics"))
                                .timeout(HANG)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** A counter's value in {@code metrics}, failing when it is not there. */
    private static double counter(Pattern counter, String metrics) {
        Matcher found = counter.matcher(metrics);
        assertTrue(found.find(), "no " + counter.pattern().strip() + " in /metrics");
        return Double.parseDouble(found.group(1));
    }

    /** A probe on a connection of its own, as Kubernetes makes it: its status, or -1 with no answer in time. */
    private static int probe(String host, int port, String path) throws Exception {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout((int) HANG.toMillis());
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                                    + "User-Agent: kube-probe/1.30\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            byte[] head = socket.getInputStream().readNBytes(12);
            return head.length == 12 ? Integer.parseInt(new String(head, 9, 3, StandardCharsets.US_ASCII)) : -1;
        } catch (java.net.SocketTimeoutException e) {
            return -1;
        }
    }
}
