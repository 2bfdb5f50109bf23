package org.tabserve.repository.s3;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.tabserve.testing.Http;
import org.tabserve.testing.S3ProxyProcess;
import org.tabserve.testing.TabserveProcess;

/**
 * What the store ITs share: the packaged WAR started against an s3proxy (its credentials in AWS's standard variables,
 * its endpoint given, a poll of a second, a cache folder of the test's), and the readings they make of it.
 */
final class StoreServers {

    private StoreServers() {}

    /**
     * Starts the WAR serving {@code location} ({@code --models s3://...} or {@code --model s3://...KEY.onnx}) from
     * {@code store}, and waits until it is ready.
     */
    static TabserveProcess start(
            S3ProxyProcess store, String flag, String location, Path cache, Map<String, String> more) throws Exception {
        return start(store.endpoint(), flag, location, cache, more, Duration.ofSeconds(90));
    }

    /**
     * As {@link #start(S3ProxyProcess, String, String, Path, Map)}, with another endpoint (a peer in front of the
     * store), ready within {@code within}.
     */
    static TabserveProcess start(
            java.net.URI endpoint, String flag, String location, Path cache, Map<String, String> more, Duration within)
            throws Exception {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("AWS_ACCESS_KEY_ID", S3ProxyProcess.ACCESS_KEY);
        environment.put("AWS_SECRET_ACCESS_KEY", S3ProxyProcess.SECRET_KEY);
        environment.put("AWS_REGION", "us-east-1");
        environment.putAll(more);
        List<String> args = new ArrayList<>(List.of(
                "--port",
                "0",
                flag,
                location,
                "--poll-seconds",
                "1",
                "--s3-endpoint",
                endpoint.toString(),
                "--model-cache",
                cache.toString()));
        TabserveProcess server = TabserveProcess.start(args, environment);
        try {
            server.awaitReady(within);
        } catch (AssertionError | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** @return a cache folder not yet made, in a temporary folder of its own */
    static Path cache() throws Exception {
        return Files.createTempDirectory("tabserve-s3-cache").resolve("cache");
    }

    /** Waits until {@code path}'s JSON passes {@code test}, at most 90 s. */
    static void await(Http http, String path, Predicate<JsonNode> test) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode json = http.get(path).json();
        while (!test.test(json)) {
            assertTrue(System.nanoTime() < deadline, path + " never showed what was awaited: " + json);
            Thread.sleep(200);
            json = http.get(path).json();
        }
    }

    /** The value of the series {@code name} in {@code /metrics}. */
    static double metric(Http http, String name) {
        for (String line : http.get("/metrics").text().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).strip());
            }
        }
        throw new AssertionError("no " + name + " in /metrics");
    }

    static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
