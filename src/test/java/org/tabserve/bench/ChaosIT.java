package org.tabserve.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The short form of {@code bench/chaos}: 40 s of the soak's mixed requests while hostile clients swap the model every
 * half second, upload CSV files that fail late, hang up mid-answer and make concurrent 300,000-row uploads, against
 * {@code java -Xmx128m -jar target/tabserve.war}. The JVM must survive it (a model closed under a running ONNX
 * Runtime call crashed it within a minute), every answer must be one its request may get or a 503, the log must have
 * no SEVERE line, the JVM must write no crash report, and resident memory must stay within the allowance after the
 * warm-up. Needs Debian's wrk, which {@code .ci/run} installs.
 */
class ChaosIT {

    private static final Path WRK = Path.of("/usr/bin/wrk");
    /** The hang-ups (a client that read 16 KB of a large answer, then reset its connection) a verdict needs. */
    private static final int MIN_HANG_UPS = 4;

    private static final Pattern DONE = Pattern.compile(
            "chaos: swaps done (\\d+), hang-ups done (\\d+), unexpected answers to the hostile clients (\\d+)");
    private static final Pattern MIX = Pattern.compile(
            "chaos: soak mix: (\\d+) answers .*, (\\d+) with an unexpected status, (\\d+) socket errors");

    private record Run(int exit, String output) {
        long number(Pattern pattern, int group) {
            Matcher m = pattern.matcher(output);
            assertTrue(m.find(), () -> "no line matching " + pattern + " in:\n" + output);
            return Long.parseLong(m.group(group));
        }
    }

    private static Run chaos(String... args) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(WRK), "needs Debian's wrk (apt-get install -y wrk; .ci/run installs it)");
        ProcessBuilder builder = new ProcessBuilder("bash", "bench/chaos");
        builder.command().addAll(List.of(args));
        builder.environment().put("CHAOS_PORT", Integer.toString(freePort()));
        // A swap every half second: in 40 s as many swaps as a minute of the default second. The hang-ups a verdict
        // needs are made whatever the machine's load: past the run's end if a slow server left too few in it.
        builder.environment().put("CHAOS_CLIENT_OPTS", "--swap-ms 500 --min-hangups " + MIN_HANG_UPS);
        builder.redirectErrorStream(true);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(4, TimeUnit.MINUTES), "bench/chaos did not end");
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void fortySecondsOfSwapsLateFailuresHangUpsAndLargeUploadsAt128MbLeavesTheServerAliveAndCorrect() throws Exception {
        // 40 s is early for resident memory (the JIT, ONNX Runtime's arenas): 64 MB of growth after 15 s is allowed
        // here (measured: 35 MB after 15 s at 60 s); the 10-minute bench/chaos holds it to 48 MB after a minute.
        // The mix's pace is the machine's: 927 answers in 40 s beside CI's other test JVMs (seen, at 2 connections),
        // 187 at load 14-20 (and 439 a minute past the end at load 12-20); 500 still sends each of its 26 kinds of
        // request
        // many times, so the mix and every hostile client go on past the 40 s, two minutes at most, until the mix has
        // them (--min-answers).
        Run run = chaos("--seconds", "40", "--warmup", "15", "--max-growth-mb", "64", "--min-answers", "500");
        assertEquals(0, run.exit(), run::output);
        assertTrue(run.output().contains("chaos: PASS"), run::output);
        assertTrue(run.number(DONE, 1) >= 5, () -> "too few model swaps to say anything:\n" + run.output());
        assertTrue(
                run.number(DONE, 2) >= MIN_HANG_UPS,
                () -> "fewer than " + MIN_HANG_UPS + " clients hung up"
                        + " mid-answer, even two minutes past the run's end (every other attempt refused):\n"
                        + run.output());
        assertEquals(0, run.number(DONE, 3), run::output);
        assertTrue(run.number(MIX, 1) >= 500, () -> "too few requests in the mix to say anything:\n" + run.output());
        assertEquals(0, run.number(MIX, 2), run::output);
        assertEquals(0, run.number(MIX, 3), run::output);
    }
}
