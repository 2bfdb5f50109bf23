package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every runtime of the deployment suite must hold against connections that never finish their headers, and how
 * it answers multipart bodies its own parser refuses ({@link DeploymentChecks} implements it, so each runtime's IT runs
 * these cases on the server it already started). A flood of {@value #FLOOD} anonymous connections, each having sent
 * half a request's headers, and {@value #TRICKLERS} clients trickling a header a byte every two seconds: meanwhile the
 * health probe and a prediction from another client are answered (at once where the runtime holds the flood; within
 * the bound docs/deploy.md gives where it holds fewer, {@link #floodDelaysTheProbeUpTo}), the trickles are cut within
 * {@link #HEADER_DEADLINE} where the runtime has a deadline for a request's headers
 * ({@link #cutsNoHeaderTrickleBecause}), and afterwards the server still answers. At {@code -Xmx128m} Tomcat's stock
 * connector died of the flood ({@code OutOfMemoryError} at about 2,070 connections). Too many parts, a huge part
 * header and a malformed body are refused with a 4xx problem that names why, never a 500, and log no stack trace.
 */
interface ConnectionFloodChecks {

    /** Connections in the flood: more than Tomcat's stock connector held at {@code -Xmx128m} (it died at ~2,070). */
    int FLOOD = 2_500;
    /** Clients trickling a header. */
    int TRICKLERS = 4;
    /** The pause between a trickler's bytes: shorter than every runtime's read timeout, so that only a deadline cuts. */
    Duration TRICKLE_PAUSE = Duration.ofSeconds(2);
    /** The deadline for a request's line and headers, as {@code java -jar}'s {@code --header-timeout} (20 s). */
    Duration HEADER_DEADLINE = Duration.ofSeconds(20);
    /** Room for a busy machine (three forks on two cores) on top of every bound. */
    Duration SLACK = Duration.ofSeconds(20);
    /** The health probe's own time limit, as Kubernetes' default {@code timeoutSeconds: 1}: counted and reported. */
    Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    /** Parts in the many-parts body: past every container's limit and the app's, within the upload body limit. */
    int MANY_PARTS = 3_000;

    /**
     * @return why this runtime has no deadline for a request's headers (it cuts a connection only when it falls
     *         silent), or null where it cuts a trickle within {@link #HEADER_DEADLINE}; docs/deploy.md says it too
     */
    default String cutsNoHeaderTrickleBecause() {
        return null;
    }

    /**
     * @return how long the flood may keep the health probe and a prediction waiting: zero where the runtime holds
     *         every connection of it, else the bound docs/deploy.md gives for a runtime that holds fewer
     */
    default Duration floodDelaysTheProbeUpTo() {
        return Duration.ZERO;
    }

    @Test
    default void aFloodOfHalfSentHeadersAndHeaderTricklesLeaveTheProbeAndAPredictionAnswered() throws Exception {
        URI base = suite().base();
        InetSocketAddress address = new InetSocketAddress(base.getHost(), base.getPort());
        requireFileDescriptors(FLOOD + TRICKLERS + 200);
        long start = System.nanoTime();
        Duration bound = floodDelaysTheProbeUpTo().plus(SLACK);
        try (FloodClients.Trickles trickles = FloodClients.Trickles.open(address, TRICKLERS);
                FloodClients.Flood flood = FloodClients.Flood.open(address, FLOOD, Duration.ofSeconds(10))) {
            long flooded = System.nanoTime();
            // Meanwhile, from other clients: the probe (counted: how many of its tries were answered within 1 s) and
            // a prediction with the suite's key.
            int[] quick = new int[2];
            long probed;
            HttpResponse<String> prediction;
            try {
                probed = awaitAnswer(() -> probe(base, quick), bound, trickles);
                prediction =
                        retry(() -> suite().postJson("/api/predict", DeploymentChecks.GENUINE_ROW), bound, trickles);
            } catch (AssertionError notAnswered) {
                throw withTheLogsWords(notAnswered);
            }
            assertEquals(200, prediction.statusCode(), prediction.body());
            String runtime = suite().getClass().getSimpleName();
            String cut = "not cut (" + cutsNoHeaderTrickleBecause() + ")";
            if (cutsNoHeaderTrickleBecause() == null) {
                Duration waited = trickles.awaitAllCut(HEADER_DEADLINE.plus(SLACK), Duration.ofNanos(start));
                cut = "cut after " + waited.toSeconds() + " s";
            }
            ServerProcess.record(runtime + ": flood of " + FLOOD + " half-sent headers (" + flood.connected
                    + " connected, " + flood.refused + " refused, " + flood.pending + " still connecting after 10 s, "
                    + flood.closedByServer() + " closed by the server by now); probe answered "
                    + Duration.ofNanos(probed - flooded).toMillis() + " ms after the flood was in, " + quick[0] + " of "
                    + quick[1] + " tries within " + PROBE_TIMEOUT.toMillis() + " ms; header trickles " + cut
                    + "; case took "
                    + Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s");
        }
        int[] ignored = new int[2];
        awaitAnswer(() -> probe(base, ignored), bound, null);
        assertEquals(
                200,
                suite().postJson("/api/predict", DeploymentChecks.GENUINE_ROW).statusCode(),
                "the server answers after the flood");
    }

    @Test
    default void tooManyPartsOrAHugePartHeaderAreRefusedWith413NamingTheLimit() throws Exception {
        int mark = suite().log().size();
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < MANY_PARTS; i++) {
            many.append("--B0undary\r\nContent-Disposition: form-data; name=\"p")
                    .append(i)
                    .append("\"\r\n\r\nx\r\n");
        }
        many.append("--B0undary--\r\n");
        assertTrue(many.length() < DeploymentChecks.UPLOAD_BODY_LIMIT, "within the upload body limit");
        HttpResponse<String> parts = upload(many.toString());
        assertRefused(413, "more parts than", parts);
        String header = "--B0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
                + "X-Padding: " + "a".repeat(200_000) + "\r\n\r\nentropy\r\n1\r\n--B0undary--\r\n";
        HttpResponse<String> headers = upload(header);
        assertRefused(413, "headers longer than", headers);
        assertEquals(List.of(), ErrorLines.since(suite().log(), mark), "logged as errors");
        assertEquals(
                200,
                suite().postJson("/api/predict", DeploymentChecks.GENUINE_ROW).statusCode());
    }

    @Test
    default void malformedMultipartIs400InWordsAndLogsNoStackTrace() throws Exception {
        int mark = suite().log().size();
        HttpResponse<String> unended = upload("--B0undary\r\nContent-Disposition: form-data; name=\"file\"; "
                + "filename=\"a.csv\"\r\n\r\nentropy\r\n1\r\n(no closing boundary)");
        assertRefused(400, "not a well-formed multipart/form-data upload", unended);
        HttpResponse<String> headless = upload("--B0undary\r\nContent-Disposition: form-data; name=\"file\"");
        assertRefused(400, "not a well-formed multipart/form-data upload", headless);
        List<String> printed = suite().log()
                .subList(Math.min(mark, suite().log().size()), suite().log().size());
        assertEquals(
                List.of(),
                printed.stream()
                        .filter(line -> line.contains("SEVERE") || line.strip().startsWith("at "))
                        .toList(),
                "no error or stack trace logged for a client's malformed body");
    }

    private DeploymentChecks suite() {
        return (DeploymentChecks) this;
    }

    private HttpResponse<String> upload(String body) throws IOException, InterruptedException {
        return DeploymentChecks.send(suite().request("/predict_file")
                .header("Content-Type", "multipart/form-data; boundary=B0undary")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build());
    }

    private static void assertRefused(int status, String words, HttpResponse<String> answer) {
        assertEquals(status, answer.statusCode(), answer.body());
        assertTrue(
                answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                "the app's problem, not the container's page: "
                        + answer.headers().map() + " " + answer.body());
        assertTrue(answer.body().contains(words), "says '" + words + "': " + answer.body());
    }

    /** The test JVM may open {@code needed} more descriptors, or the flood would measure the client, not the server. */
    private static void requireFileDescriptors(long needed) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            long free = os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount();
            assertTrue(
                    free >= needed,
                    "the flood needs " + needed + " file descriptors, the test JVM has " + free
                            + " left (raise ulimit -n)");
        }
    }

    /** One call that may fail while the flood holds the runtime's connections. */
    interface Call<T> {
        T call() throws IOException, InterruptedException;
    }

    /** The health probe: 200 within the probe's own limit or a longer wait; counts tries and quick answers. */
    private static HttpResponse<String> probe(URI base, int[] quick) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        long sent = System.nanoTime();
        HttpResponse<String> answer = client.send(
                HttpRequest.newBuilder(base.resolve("/health/ready"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        quick[1]++;
        if (answer.statusCode() == 200 && System.nanoTime() - sent <= PROBE_TIMEOUT.toNanos()) {
            quick[0]++;
        }
        return answer;
    }

    /** Polls {@code call} until it answers 200, within {@code bound}; returns when (nanoTime) it did. */
    private static long awaitAnswer(Call<HttpResponse<String>> call, Duration bound, FloodClients.Trickles trickles)
            throws Exception {
        HttpResponse<String> answer = retry(call, bound, trickles);
        assertEquals(200, answer.statusCode(), answer.body());
        for (int i = 0; i < 4; i++) { // a few more, for the count of quick answers
            call.call();
        }
        return System.nanoTime();
    }

    private static <T> T retry(Call<T> call, Duration bound, FloodClients.Trickles trickles) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                T answer = call.call();
                if (!(answer instanceof HttpResponse<?> response) || response.statusCode() == 200) {
                    return answer;
                }
                last = new IllegalStateException("answered " + response.statusCode() + ": " + response.body());
            } catch (IOException e) {
                last = e;
            }
            if (trickles != null) {
                trickles.trickle();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not answered within " + bound + " while the flood held", last);
    }

    /** {@code failure} with what the server's log says of its heap, if anything (it may have died of the flood). */
    private AssertionError withTheLogsWords(AssertionError failure) {
        List<String> heap = suite().log().stream()
                .filter(line -> line.contains("OutOfMemoryError:"))
                .limit(3)
                .toList();
        return heap.isEmpty()
                ? failure
                : new AssertionError(failure.getMessage() + "; the server's log: " + heap, failure);
    }
}
