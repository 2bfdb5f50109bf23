package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.testing.TabserveProcess;

/**
 * {@code java -jar tabserve.war} on a port another program holds (issue 51, item 1): it exits 1 with one line that
 * says the port is already in use and how to choose another, whether the port came from {@code --port} or
 * {@code TABSERVE_PORT}, and no stack trace.
 */
class PortInUseIT {

    @ParameterizedTest
    @ValueSource(strings = {"flag", "variable"})
    void aPortInUseExitsOneSayingSoAndHowToChooseAnother(String given) throws Exception {
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String port = Integer.toString(other.getLocalPort());
            List<String> args = given.equals("flag") ? List.of("--port", port) : List.of();
            Map<String, String> environment = given.equals("flag") ? Map.of() : Map.of("TABSERVE_PORT", port);
            try (TabserveProcess process = TabserveProcess.start(args, environment)) {
                assertEquals(1, process.awaitExit(Duration.ofSeconds(60)));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (process.output().stream().noneMatch(l -> l.startsWith("tabserve: "))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                List<String> output = process.output();
                List<String> lines =
                        output.stream().filter(l -> l.startsWith("tabserve: ")).toList();
                assertEquals(1, lines.size(), () -> String.join("\n", output));
                String line = lines.get(0);
                assertTrue(
                        line.startsWith("tabserve: cannot start on 127.0.0.1:" + port + ": port " + port
                                + " is already in use"),
                        line);
                assertTrue(line.contains("--port N (or TABSERVE_PORT=N)"), line);
                assertTrue(
                        output.stream()
                                .noneMatch(l ->
                                        l.contains("Exception") || l.strip().startsWith("at ")),
                        () -> "no stack trace:\n" + String.join("\n", output));
            }
        }
    }
}
