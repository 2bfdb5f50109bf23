package org.tabserve.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bench/rolling-restart} as the proof that a stop loses nothing behind a load balancer configured as the docs
 * say: Debian's HAProxy running deploy/haproxy/haproxy.cfg, the file docs/operations.md quotes whole, with only its
 * addresses changed (the frontend's {@code bind} and one {@code server} line per replica, by
 * {@code bench/haproxy-config}; its health check on {@code /health/ready} every second, out after 2 failures, within
 * the replicas' 5 s drain), in front of two replicas of the packaged WAR with the shipped JVM options and the
 * launcher's default drain, each restarted in turn (SIGTERM, start anew, wait until HAProxy has it up) while wrk sends
 * single-row requests: at least 5,000 requests, every answer a 2xx, no socket error, and each replica taken out by the
 * health check while it still served its drain (it answered as many checks with 503 as HAProxy's {@code fall}
 * before it stopped), and serving again after its restart. With HAProxy's default checks (every 2 s, out after 3 failures)
 * one such run lost 4 of 5,333 requests (503), another none (it depends on where the checks fall in the drain, which
 * HaproxyConfigTest's rule does not leave to chance); without the drain ({@code --drain-seconds 0}) it fails as well
 * (bench/RESULTS.md has the figures). Needs Debian's haproxy and wrk, which {@code .ci/run} installs; skipped, saying
 * so, without them.
 */
class RollingRestartIT {

    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static final Path WRK = Path.of("/usr/bin/wrk");
    /** The least number of requests the run sends. */
    private static final int REQUESTS = 5_000;

    private static final Pattern ANSWERS =
            Pattern.compile("rolling-restart: (\\d+) requests, (\\d+) non-2xx answers, (\\d+) socket errors");

    @Test
    void restartingBothReplicasOneAtATimeBehindHaproxyGivesEveryClientA2xxAndNoSocketError() throws Exception {
        assumeTrue(
                Files.isExecutable(HAPROXY),
                "needs Debian's haproxy (apt-get install -y haproxy; .ci/run installs it)");
        assumeTrue(Files.isExecutable(WRK), "needs Debian's wrk (apt-get install -y wrk; .ci/run installs it)");
        // Two connections: enough to keep both replicas busy, and the restarted JVMs start in about 5 s on two cores
        // where eight connections made it 13 s. Each waits 5 ms before each request: about 200 requests a second still
        // reach every moment of each stop (5,031 in 23 s, seen), and the other test JVMs keep the CPU that
        // back-to-back requests took (HAProxy, wrk and two servers saturated both cores for the whole minute). The
        // load goes on after the last restart until HAProxy has taken 5,000 requests, for a slow machine.
        ProcessBuilder builder = new ProcessBuilder(
                        "bash",
                        "bench/rolling-restart",
                        "--connections",
                        "2",
                        "--pace-ms",
                        "5",
                        "--min-requests",
                        Integer.toString(REQUESTS))
                .redirectErrorStream(true);
        builder.environment().put("ROLL_PORTS", String.join(" ", freePorts(4)));
        builder.environment().put("ROLL_OUT", "target/rolling-restart-it");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "bench/rolling-restart did not end");

        assertEquals(0, process.exitValue(), output);
        Matcher answers = ANSWERS.matcher(output);
        assertTrue(answers.find(), output);
        assertTrue(Long.parseLong(answers.group(1)) >= REQUESTS, () -> "fewer requests than asked for:\n" + output);
        assertEquals("0", answers.group(2), output);
        assertEquals("0", answers.group(3), output);
        assertTrue(output.contains("(deploy/haproxy/haproxy.cfg)"), output);
        for (String replica : List.of("r0", "r1")) {
            assertTrue(
                    Pattern.compile("replica " + replica + ": restarted, taken out by HAProxy's check [1-9]\\d* "
                                    + "time\\(s\\), [1-9]\\d* request\\(s\\) after its restart; answered \\d+ health "
                                    + "checks with 503 while it drained \\(HAProxy takes it out at \\d+\\)")
                            .matcher(output)
                            .find(),
                    output);
        }
        assertTrue(output.contains("rolling-restart: PASS"), output);
    }

    /** Four ports free now, for HAProxy, its statistics and the two replicas. */
    private static List<String> freePorts(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<String> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                held.add(socket);
                ports.add(Integer.toString(socket.getLocalPort()));
            }
            return ports;
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }
}
