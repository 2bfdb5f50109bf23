package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.testing.TabserveProcess;

/** {@code java -jar tabserve.war} as an operator runs it: flags, environment, failures and the ready line. */
class LauncherIT {

    private static final Duration EXIT = Duration.ofSeconds(30);
    private static final Path MODEL = Path.of("model.onnx");

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertNoStackTrace(List<String> output) {
        for (String line : output) {
            assertTrue(
                    !line.strip().startsWith("at ") && !line.contains("Exception") && !line.startsWith("Caused by"),
                    () -> "a stack trace in the output:\n" + String.join("\n", output));
        }
    }

    /**
     * The output once a line matching {@code last} was read: {@link TabserveProcess#awaitExit} can return before its
     * reader thread has drained the pipe, so right after the exit the output may still be incomplete.
     */
    private static List<String> outputThrough(TabserveProcess process, Predicate<String> last)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (process.output().stream().noneMatch(last) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return process.output();
    }

    /** The last line of the usage text. */
    private static boolean usageEnd(String line) {
        return line.equals(LauncherUsage.TEXT
                .strip()
                .lines()
                .reduce((first, second) -> second)
                .orElseThrow());
    }

    /** The launcher's own lines ("tabserve: ..."), which are what an operator reads. */
    private static List<String> launcherLines(List<String> output) {
        return output.stream().filter(l -> l.startsWith("tabserve: ")).toList();
    }

    /**
     * ONNX Runtime 1.29 reads the command line while it creates its environment, recursing deeper the longer it is:
     * on the 1 MB stack of the thread that loads the first model, a command line of about 4 KB (a 6,000-character
     * option here, or a Jetty base's class path under long paths) ended the JVM with SIGSEGV and no message.
     */
    @Test
    void startsAndServesWithACommandLineOfTensOfKilobytes() throws Exception {
        String longOption = "-Dtabserve.test.padding=" + "x".repeat(40_000);
        try (TabserveProcess process =
                TabserveProcess.start(TabserveProcess.war(), List.of(longOption), List.of("--port", "0"), Map.of())) {
            process.awaitReady(Duration.ofSeconds(90));
            HttpResponse<String> ready = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(process.uri().resolve("/health/ready"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
        }
    }

    @Test
    void helpPrintsUsageAndExitsZero() throws Exception {
        try (TabserveProcess process = TabserveProcess.start(List.of("--help"), Map.of())) {
            assertEquals(0, process.awaitExit(EXIT));
            String output = String.join("\n", outputThrough(process, LauncherIT::usageEnd));
            assertTrue(output.startsWith("usage: java -jar tabserve.war"), output);
            for (String flag : List.of(
                    "--port",
                    "--host",
                    "--model",
                    "--help",
                    "TABSERVE_PORT",
                    "TABSERVE_MODEL",
                    "tabserve.war card ",
                    "tabserve.war score ",
                    "card --help")) {
                assertTrue(output.contains(flag), () -> "usage mentions " + flag + ":\n" + output);
            }
        }
    }

    @Test
    void anUnknownFlagExitsTwoNamingIt() throws Exception {
        try (TabserveProcess process = TabserveProcess.start(List.of("--prot", "8080"), Map.of())) {
            assertEquals(2, process.awaitExit(EXIT));
            List<String> output = outputThrough(process, LauncherIT::usageEnd);
            assertEquals(List.of("tabserve: unknown argument '--prot'"), launcherLines(output));
            assertTrue(output.stream().anyMatch(l -> l.startsWith("usage: ")), "prints the usage too");
            assertNoStackTrace(output);
        }
    }

    @Test
    void aPortThatIsNotANumberExitsTwo() throws Exception {
        try (TabserveProcess process = TabserveProcess.start(List.of("--port", "http"), Map.of())) {
            assertEquals(2, process.awaitExit(EXIT));
            List<String> output = outputThrough(process, LauncherIT::usageEnd);
            assertEquals(1, launcherLines(output).size(), () -> String.join("\n", output));
            assertTrue(launcherLines(output).get(0).contains("'http'"));
        }
    }

    @Test
    void aMissingModelFileExitsNonZeroWithOneLineNamingThePath() throws Exception {
        try (TabserveProcess process =
                TabserveProcess.start(List.of("--port", "0", "--model", "/no/such.onnx"), Map.of())) {
            int status = process.awaitExit(EXIT);
            assertNotEquals(0, status);
            List<String> output = outputThrough(process, l -> l.startsWith("tabserve: "));
            List<String> lines = launcherLines(output);
            assertEquals(1, lines.size(), () -> String.join("\n", output));
            assertTrue(lines.get(0).contains("/no/such.onnx"), lines.get(0));
            assertTrue(output.stream().noneMatch(l -> l.contains("tabserve: serving")), "never claimed to serve");
            assertNoStackTrace(output);
        }
    }

    @Test
    void aCorruptModelExitsNonZeroWithOneClearLine(@TempDir Path temp) throws Exception {
        Path corrupt = temp.resolve("corrupt.onnx");
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        Files.write(corrupt, noise);
        try (TabserveProcess process =
                TabserveProcess.start(List.of("--port", "0", "--model", corrupt.toString()), Map.of())) {
            assertNotEquals(0, process.awaitExit(EXIT));
            List<String> output = outputThrough(process, l -> l.startsWith("tabserve: "));
            List<String> lines = launcherLines(output);
            assertEquals(1, lines.size(), () -> String.join("\n", output));
            assertTrue(lines.get(0).contains(corrupt.toString()), lines.get(0));
            assertTrue(lines.get(0).contains("not a valid ONNX model"), lines.get(0));
            assertNoStackTrace(output);
        }
    }

    @Test
    void theTabservePortVariableWorksLikeThePortFlag() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        try (TabserveProcess process =
                TabserveProcess.start(List.of(), Map.of("TABSERVE_PORT", Integer.toString(port)))) {
            process.awaitReady(Duration.ofSeconds(60));
            assertEquals(port, process.uri().getPort());
            HttpResponse<String> live = get(process.uri("/health/live"));
            assertEquals(200, live.statusCode());
        }
    }

    @Test
    void thePortFlagWinsOverTheTabservePortVariable() throws Exception {
        try (TabserveProcess process =
                TabserveProcess.start(List.of("--port", "0"), Map.of("TABSERVE_PORT", "not-a-port"))) {
            process.awaitReady(Duration.ofSeconds(60));
            assertEquals(200, get(process.uri("/health/live")).statusCode());
        }
    }

    @Test
    void theModelFlagServesThatFileAndTheReadyLineNamesItsPath(@TempDir Path temp) throws Exception {
        Path copy = temp.resolve("my-banknotes.onnx");
        Files.copy(MODEL, copy);
        String sha = sha256(copy);
        try (TabserveProcess process = TabserveProcess.startReady("--model", copy.toString())) {
            assertEquals(
                    "banknote-authenticator (sha256 " + sha.substring(0, 12) + ") from " + copy.toAbsolutePath(),
                    process.model());
            HttpResponse<String> ready = get(process.uri("/health/ready"));
            assertEquals(200, ready.statusCode());
            assertEquals(
                    sha,
                    new ObjectMapper().readTree(ready.body()).path("sha256").asText(),
                    ready.body());
        }
    }

    @Test
    void theReadyLineNamesTheBundledModelAndATwelveHexShaPrefix() throws Exception {
        try (TabserveProcess process = TabserveProcess.startReady()) {
            Matcher m = Pattern.compile("banknote-authenticator \\(sha256 ([0-9a-f]{12})\\) from the WAR")
                    .matcher(process.model());
            assertTrue(m.matches(), process.model());
            assertEquals(sha256(MODEL).substring(0, 12), m.group(1));
            assertEquals("127.0.0.1", process.uri().getHost(), "loopback by default");
            assertTrue(process.uri().getPort() > 0);
            List<String> ready = process.output().stream()
                    .filter(l -> l.startsWith("tabserve: serving "))
                    .toList();
            assertEquals(List.of("tabserve: serving " + process.model() + " on " + process.uri()), ready);
        }
    }

    @Test
    void everyRequestGetsOneAccessLogLineInTheNcsaCombinedFormat() throws Exception {
        try (TabserveProcess process = TabserveProcess.startReady()) {
            HttpResponse<String> first = http.send(
                    HttpRequest.newBuilder(process.uri("/health/live?first"))
                            .header("User-Agent", "access-log-test/1")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, first.statusCode());
            Pattern line =
                    Pattern.compile("^127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /health/live\\?first HTTP/1\\.1\" 200 \\d+ "
                            + "\"[^\"]*\" \"access-log-test/1\"$");
            List<String> soon = outputThrough(process, l -> l.startsWith("127.0.0.1 - - ") && l.contains("?first "));
            assertEquals(
                    1,
                    soon.stream().filter(l -> line.matcher(l).matches()).count(),
                    () -> "one NCSA line for the request within seconds:\n" + String.join("\n", soon));
            for (int i = 0; i < 50; i++) {
                assertEquals(404, get(process.uri("/no-such-page-" + i)).statusCode());
            }
            // Jetty writes a request's line just after the answer has gone out; a SIGTERM in that instant can still
            // lose it (seen: one line in a run), so the check waits for the last line rather than racing it.
            List<String> all = outputThrough(process, l -> l.contains("/no-such-page-49 "));
            for (int i = 0; i < 50; i++) {
                String path = "\"GET /no-such-page-" + i + " HTTP/1.1\" 404 ";
                assertEquals(
                        1,
                        all.stream().filter(l -> l.contains(path)).count(),
                        () -> "logged once: " + path + " in:\n" + String.join("\n", all));
            }
        }
    }
}
