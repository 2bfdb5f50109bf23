package org.tabserve.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The short form of {@code bench/soak} as a leak check: 45 s of mixed valid and invalid requests over every route
 * against {@code java -jar target/tabserve.war}, every answer with the status it must get, no socket error, and
 * resident memory in use after the warm-up flat within the script's allowance (README's flags with the heap fixed and
 * touched at start, so growth is native memory; each reading follows a trim of the C allocator's free pages, so
 * growth is memory still held). Needs Debian's wrk, which {@code .ci/run} installs.
 */
class SoakIT {

    private static final Path WRK = Path.of("/usr/bin/wrk");
    static final Pattern CHECKED =
            Pattern.compile("soak: (\\d+) answers checked .*, (\\d+) with an unexpected status, (\\d+) socket errors");
    private static final Pattern MEMORY = Pattern.compile("growth after warm-up (-?\\d+) KiB \\(allowed (\\d+)\\)");

    record Run(int exit, String output) {
        long number(Pattern pattern, int group) {
            Matcher m = pattern.matcher(output);
            assertTrue(m.find(), () -> "no line matching " + pattern + " in:\n" + output);
            return Long.parseLong(m.group(group));
        }
    }

    static Run soak(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(WRK), "needs Debian's wrk (apt-get install -y wrk; .ci/run installs it)");
        ProcessBuilder builder = new ProcessBuilder("bash", "bench/soak");
        builder.command().addAll(java.util.List.of(args));
        builder.environment().putAll(environment);
        builder.environment().put("SOAK_PORT", Integer.toString(freePort()));
        builder.redirectErrorStream(true);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "bench/soak did not end");
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void fortyFiveSecondsOfMixedValidAndInvalidRequestsGetOnlyTheirExpectedStatusesAndMemoryStaysFlat()
            throws Exception {
        // 30 s of flat memory after a 15 s warm-up (it grew 7 MB of the 32 MB allowed over 40 s after 20 s); the
        // ten-minute bench/soak is the long measurement.
        Run run = soak(Map.of(), "--seconds", "45", "--warmup", "15");
        assertEquals(0, run.exit(), run::output);
        assertTrue(run.output().contains("soak: PASS"), run::output);
        assertTrue(run.number(CHECKED, 1) > 10_000, () -> "too few requests to say anything:\n" + run.output());
        assertEquals(0, run.number(CHECKED, 2), run::output);
        assertEquals(0, run.number(CHECKED, 3), run::output);
        assertTrue(run.number(MEMORY, 1) <= run.number(MEMORY, 2), run::output);
    }
}
