package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Clients that trickle small JSON bodies hold none of a runtime's threads, nor its health probe: the case every
 * runtime of the deployment suite runs ({@link DeploymentChecks} implements this) on the server it already started.
 * {@link #TRICKLERS} anonymous clients, more than WildFly's default workers on two cores (and GlassFish's five), each
 * declare an 8 KB body and send 10 bytes of it every {@link #TRICKLE_EVERY}; meanwhile the readiness probe answers as
 * Kubernetes asks it to (within its 1 s timeout, before three failures in a row) and another client's prediction is
 * answered, and each trickler is answered 408 in tabserve's words (or cut) once the body is below the minimum rate
 * after its grace ({@code tabserve.min-request-rate}, as {@code java -jar}'s {@code --min-request-rate}). One
 * concurrent round, about a grace long.
 */
interface TricklingBodyChecks {

    /** More than WildFly's default task threads on two cores (16 a core), and than GlassFish's five. */
    int TRICKLERS = 70;
    /** The body each trickler declares. */
    int DECLARED = 8192;
    /** How often a trickler sends {@link #TRICKLE_BYTES}. */
    Duration TRICKLE_EVERY = Duration.ofSeconds(5);

    int TRICKLE_BYTES = 10;
    /**
     * How long a trickler may go on before it must have been answered: the default grace (10 s) and the check's own
     * lateness, with room for a loaded two-core machine.
     */
    Duration ANSWERED_WITHIN = Duration.ofSeconds(10 + 35);
    /** Kubernetes' probe defaults: a 1 s timeout, and three failures in a row before it acts. */
    Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    int PROBE_FAILURES = 3;
    /** More than the uploads' share of the slots (32), fewer than the slots (64). */
    int UPLOADS = 40;

    Duration UPLOAD_ROW_EVERY = Duration.ofSeconds(2);

    /** @return the base URI of the deployed app, ending in {@code /} */
    URI deployed();

    /**
     * @return why this runtime reads small bodies ahead on the request's thread, blocking, with no deadline of the
     *         app's own ({@code tabserve.non-blocking-bodies=false}; docs/deploy.md says why), or null where it reads
     *         them without a thread; there the threads still leave the probe and a prediction theirs, and the 408s
     *         are assumed away in these words
     */
    default String readsTricklingBodiesOnAThreadBecause() {
        return null;
    }

    @Test
    default void tricklingBodiesHoldNoThreadNorTheProbeAndAre408AfterTheGrace() throws Exception {
        URI base = deployed();
        ExecutorService clients = Executors.newFixedThreadPool(TRICKLERS);
        CountDownLatch sent = new CountDownLatch(TRICKLERS);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        String onAThread = readsTricklingBodiesOnAThreadBecause();
        try {
            List<Future<String>> tricklers = new ArrayList<>();
            for (int i = 0; i < TRICKLERS; i++) {
                tricklers.add(clients.submit(() -> trickle(base, sent, stop)));
            }
            assertTrue(sent.await(60, TimeUnit.SECONDS), "the tricklers could not all connect and send their headers");
            Thread.sleep(TRICKLE_EVERY.toMillis() / 2); // each has sent its first bytes and waits for the next turn
            probeAndPredict(base, TRICKLERS + " bodies trickled");
            if (onAThread != null) {
                stop.set(true); // no 408 to wait for: they hang up
                for (Future<String> trickler : tricklers) {
                    trickler.get(ANSWERED_WITHIN.toSeconds() + 30, TimeUnit.SECONDS);
                }
                HttpResponse<String> after = DeploymentChecks.send(HttpRequest.newBuilder(base.resolve("health/ready"))
                        .timeout(Duration.ofSeconds(10))
                        .build());
                assertEquals(200, after.statusCode(), "the server is ready after the tricklers: " + after.body());
                org.junit.jupiter.api.Assumptions.assumeTrue(false, onAThread);
            }
            List<String> unanswered = new ArrayList<>();
            for (Future<String> trickler : tricklers) {
                String answer = trickler.get(ANSWERED_WITHIN.toSeconds() + 30, TimeUnit.SECONDS);
                boolean inWords = answer.startsWith("HTTP/1.1 408 ") && answer.contains("min-request-rate");
                if (!inWords && !answer.equals(CUT)) {
                    unanswered.add(answer);
                }
            }
            assertTrue(
                    unanswered.isEmpty(),
                    () -> unanswered.size() + " of " + TRICKLERS
                            + " tricklers were neither answered 408 naming min-request-rate nor cut within "
                            + ANSWERED_WITHIN.toSeconds() + " s; the first: " + unanswered.get(0));
        } finally {
            clients.shutdownNow();
            clients.awaitTermination(30, TimeUnit.SECONDS);
        }
        HttpResponse<String> after = DeploymentChecks.send(HttpRequest.newBuilder(base.resolve("health/ready"))
                .timeout(Duration.ofSeconds(10))
                .build());
        assertEquals(200, after.statusCode(), "the server is ready after the tricklers: " + after.body());
    }

    /**
     * Uploads that trickle hold their request's thread (the container parses a multipart body on it), at most the
     * uploads' share of the slots ({@code tabserve.max-concurrent-uploads}, 32): the runtime must have threads beyond
     * them, so that meanwhile the probe answers and so does a prediction. {@link #UPLOADS} uploads with the suite's key
     * each send a CSV's header and then a row every {@link #UPLOAD_ROW_EVERY}; the test ends them by hanging up.
     */
    @Test
    default void tricklingUploadsLeaveTheProbeAndAPredictionAThread() throws Exception {
        URI base = deployed();
        List<Socket> uploads = new ArrayList<>();
        java.util.concurrent.ScheduledExecutorService rows = Executors.newSingleThreadScheduledExecutor();
        try {
            String part = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"rows.csv\"\r\n"
                    + "Content-Type: text/csv\r\n\r\nvariance,skewness,curtosis,entropy\r\n";
            for (int i = 0; i < UPLOADS; i++) {
                Socket upload = new Socket(base.getHost(), base.getPort());
                uploads.add(upload);
                upload.getOutputStream()
                        .write(("POST /predict_file HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                                        + DeploymentChecks.KEY + "\r\nAccept: application/json\r\nContent-Type:"
                                        + " multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n" + part)
                                .getBytes(StandardCharsets.US_ASCII));
                upload.getOutputStream().flush();
            }
            rows.scheduleWithFixedDelay(
                    () -> {
                        for (Socket upload : uploads) {
                            try {
                                upload.getOutputStream().write("1,2,3,4\r\n".getBytes(StandardCharsets.US_ASCII));
                                upload.getOutputStream().flush();
                            } catch (IOException answeredOrCut) {
                                // refused (503 past the share), or cut by the runtime: nothing more to send
                            }
                        }
                    },
                    0,
                    UPLOAD_ROW_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
            Thread.sleep(2 * UPLOAD_ROW_EVERY.toMillis()); // the runtime has taken them, and holds what it holds
            probeAndPredict(base, UPLOADS + " uploads trickled");
        } finally {
            rows.shutdownNow();
            for (Socket upload : uploads) {
                upload.close();
            }
        }
        HttpResponse<String> after = DeploymentChecks.send(HttpRequest.newBuilder(base.resolve("health/ready"))
                .timeout(Duration.ofSeconds(10))
                .build());
        assertEquals(200, after.statusCode(), "the server is ready after the uploads: " + after.body());
    }

    /**
     * While {@code what}: {@code /health/ready} never fails {@link #PROBE_FAILURES} probes in a row, each given
     * {@link #PROBE_TIMEOUT}, and a prediction with the suite's key is answered 200.
     */
    private static void probeAndPredict(URI base, String what) throws IOException, InterruptedException {
        HttpClient probes = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(PROBE_TIMEOUT)
                .build();
        int failures = 0;
        for (int probe = 0; probe < 5; probe++) {
            try {
                HttpResponse<String> ready = probes.send(
                        HttpRequest.newBuilder(base.resolve("health/ready"))
                                .timeout(PROBE_TIMEOUT)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                failures = ready.statusCode() == 200 ? 0 : failures + 1;
            } catch (java.net.http.HttpTimeoutException e) {
                failures++;
            }
            assertTrue(
                    failures < PROBE_FAILURES,
                    "/health/ready failed " + PROBE_FAILURES + " probes in a row (" + PROBE_TIMEOUT.toSeconds()
                            + " s each) while " + what + ": Kubernetes would restart a"
                            + " server that only waits for clients");
            Thread.sleep(300);
        }
        HttpResponse<String> prediction = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(base.resolve("api/predict"))
                                .timeout(Duration.ofSeconds(20))
                                .header("Authorization", "Bearer " + DeploymentChecks.KEY)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(DeploymentChecks.GENUINE_ROW))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, prediction.statusCode(), "a prediction while " + what + ": " + prediction.body());
    }

    /** What a trickler reports when the server closed or reset its connection without an answer. */
    String CUT = "cut";

    /**
     * One trickler: the headers of a JSON prediction declaring {@link #DECLARED} bytes, no key, then
     * {@link #TRICKLE_BYTES} every {@link #TRICKLE_EVERY} until the server answers or closes, {@link #ANSWERED_WITHIN}
     * has passed, or it is told to stop.
     *
     * @return the answer's status line with its body's problem detail, {@link #CUT}, or what it was still waiting for
     */
    private static String trickle(URI base, CountDownLatch sent, java.util.concurrent.atomic.AtomicBoolean stop)
            throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            long deadline = System.nanoTime() + ANSWERED_WITHIN.toNanos();
            socket.setSoTimeout((int) TRICKLE_EVERY.toMillis());
            try {
                socket.getOutputStream()
                        .write(("POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                        + "Content-Length: " + DECLARED + "\r\n\r\n{\"instances\"")
                                .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            } finally {
                sent.countDown();
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            while (System.nanoTime() < deadline && !stop.get()) {
                try {
                    int n = in.read(buffer);
                    if (n < 0) {
                        return answer.size() == 0 ? CUT : answer.toString(StandardCharsets.ISO_8859_1);
                    }
                    answer.write(buffer, 0, n);
                    String text = answer.toString(StandardCharsets.ISO_8859_1);
                    if (text.contains("\r\n\r\n") && text.contains("}")) {
                        return text;
                    }
                } catch (SocketTimeoutException turn) {
                    try {
                        socket.getOutputStream().write(": [[1, 2, ".getBytes(StandardCharsets.US_ASCII));
                        socket.getOutputStream().flush();
                    } catch (IOException closed) {
                        return CUT;
                    }
                } catch (java.net.SocketException reset) {
                    return answer.size() == 0 ? CUT : answer.toString(StandardCharsets.ISO_8859_1);
                }
            }
            return "still unanswered after " + ANSWERED_WITHIN.toSeconds() + " s: "
                    + answer.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
