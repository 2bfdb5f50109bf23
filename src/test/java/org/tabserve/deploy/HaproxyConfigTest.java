package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.LauncherOptions;

/**
 * The docs' HAProxy configuration for replicas (deploy/haproxy/haproxy.cfg, quoted whole in docs/operations.md) meets
 * operations.md's drain rule: each server is health-checked on {@code /health/ready}, and its check interval times the
 * failures it waits for, plus a second, fits in the launcher's default drain, so that a stopping replica is taken out
 * while it still serves. RollingRestartIT runs the file; this says why it passes, on every run.
 */
class HaproxyConfigTest {

    static final Path CONFIG = Path.of("deploy", "haproxy", "haproxy.cfg");
    /** HAProxy's own defaults for a server's checks: {@code inter 2s}, {@code fall 3}. */
    static final Duration DEFAULT_INTER = Duration.ofSeconds(2);

    static final int DEFAULT_FALL = 3;

    /** A server of a backend and what its health check is. */
    record Server(String name, boolean checked, Duration inter, int fall) {
        /** The longest a replica answering 503 to its checks stays in, by operations.md's rule. */
        Duration takenOutWithin() {
            return inter.multipliedBy(fall).plusSeconds(1);
        }
    }

    @Test
    void everyServerIsCheckedOnReadinessAndTakenOutWithinTheDefaultDrain() throws IOException {
        String config = Files.readString(CONFIG);
        assertTrue(config.contains("\n  option httpchk\n"), "an HTTP health check");
        assertTrue(
                config.contains("\n  http-check send meth GET uri /health/ready\n"),
                "the check asks readiness, which a draining replica answers 503");
        List<Server> servers = servers(config);
        assertTrue(servers.size() >= 2, "a server line per replica: " + servers);
        assertEquals(List.of(), tooSlow(servers, LauncherOptions.DEFAULT_DRAIN_TIME));
    }

    /** HAProxy's default checks, as the docs had them: up to 7 s to take a replica out, past the 5 s drain. */
    @Test
    void haproxysDefaultChecksAreTooSlowForTheDrain() {
        List<Server> servers = servers(String.join(
                "\n",
                "backend replicas",
                "  option httpchk",
                "  http-check send meth GET uri /health/ready",
                "  server r0 10.0.0.10:8080 check",
                "  server r1 10.0.0.11:8080"));
        assertEquals(
                List.of(
                        "r0: taken out within PT7S (inter 2000 ms x fall 3 + 1 s), past the drain of PT5S",
                        "r1: not health-checked: a stopping replica is never taken out"),
                tooSlow(servers, LauncherOptions.DEFAULT_DRAIN_TIME));
    }

    @Test
    void aServersOwnSettingsWinOverDefaultServer() {
        List<Server> servers = servers(String.join(
                "\n",
                "backend replicas",
                "  default-server check inter 1s fall 2",
                "  server r0 10.0.0.10:8080 inter 500ms",
                "  server r1 10.0.0.11:8080 fall 5"));
        assertEquals(
                List.of(
                        new Server("r0", true, Duration.ofMillis(500), 2),
                        new Server("r1", true, Duration.ofSeconds(1), 5)),
                servers);
    }

    /** One line per server that a draining replica would outlast. */
    static List<String> tooSlow(List<Server> servers, Duration drain) {
        List<String> problems = new ArrayList<>();
        for (Server server : servers) {
            if (!server.checked()) {
                problems.add(server.name() + ": not health-checked: a stopping replica is never taken out");
            } else if (server.takenOutWithin().compareTo(drain) > 0) {
                problems.add(server.name() + ": taken out within " + server.takenOutWithin() + " (inter "
                        + server.inter().toMillis() + " ms x fall " + server.fall() + " + 1 s), past the drain of "
                        + drain);
            }
        }
        return problems;
    }

    /** The {@code server} lines of a configuration, with {@code default-server}'s settings under their own. */
    static List<Server> servers(String config) {
        Map<String, String> defaults = new HashMap<>();
        List<Server> servers = new ArrayList<>();
        for (String line : config.split("\n")) {
            String[] words = line.strip().split("\\s+");
            if (words[0].equals("default-server")) {
                defaults = settings(words, 1);
            } else if (words[0].equals("server")) {
                Map<String, String> settings = new HashMap<>(defaults);
                settings.putAll(settings(words, 3));
                servers.add(new Server(
                        words[1],
                        settings.containsKey("check"),
                        settings.containsKey("inter") ? time(settings.get("inter")) : DEFAULT_INTER,
                        settings.containsKey("fall") ? Integer.parseInt(settings.get("fall")) : DEFAULT_FALL));
            }
        }
        return servers;
    }

    /** A server line's keywords from {@code from} on: {@code check} alone, {@code inter}, {@code fall}, with values. */
    private static Map<String, String> settings(String[] words, int from) {
        Map<String, String> settings = new HashMap<>();
        for (int i = from; i < words.length; i++) {
            switch (words[i]) {
                case "check" -> settings.put("check", "");
                case "inter", "fall", "rise" -> settings.put(words[i], words[++i]);
                default -> {}
            }
        }
        return settings;
    }

    private static final Pattern TIME = Pattern.compile("(\\d+)(us|ms|s|m|h|d)?");

    /** An HAProxy time: a number with a unit, milliseconds when it has none. */
    static Duration time(String value) {
        Matcher m = TIME.matcher(value);
        assertTrue(m.matches(), "not an HAProxy time: " + value);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "ms" : m.group(2)) {
            case "us" -> Duration.ofNanos(n * 1_000);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofMillis(n);
        };
    }
}
