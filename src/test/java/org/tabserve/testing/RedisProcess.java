package org.tabserve.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.RedisClient;

/**
 * A real Redis for the tests (Debian's {@code redis-server}, which {@code .ci/run} installs): a process of the test's
 * own on a free loopback port, never the system's service, with nothing saved to disk; stopped and started again on
 * the same port to play a Redis that goes down mid-run.
 */
public final class RedisProcess implements AutoCloseable {

    /** Debian's Redis server. */
    public static final Path SERVER = Path.of("/usr/bin/redis-server");
    /** Why a test is skipped without it. */
    public static final String MISSING =
            "needs Debian's redis-server (apt-get install -y redis-server; .ci/run installs it)";

    private final int port;
    private final List<String> extra;
    private Process process;

    private RedisProcess(int port, List<String> extra) {
        this.port = port;
        this.extra = extra;
    }

    /** @return whether Debian's redis-server is installed */
    public static boolean installed() {
        return Files.isExecutable(SERVER);
    }

    /** Starts one on a free port, with these extra arguments ({@code --requirepass S}, ...), and waits for it. */
    public static RedisProcess launch(String... extra) throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RedisProcess redis = new RedisProcess(port, List.of(extra));
        redis.start();
        return redis;
    }

    /** Starts it (again) on its port, and waits until it answers. */
    public void start() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                SERVER.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no"));
        command.addAll(extra);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IOException("redis-server did not start on port " + port);
                }
                Thread.sleep(50);
            }
        }
    }

    /** Stops it at once (SIGKILL), as a Redis that dies does. */
    public void stop() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** Freezes it (SIGSTOP): connections are taken by the kernel, nothing is answered, as a Redis that hangs. */
    public void freeze() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** Lets a frozen one go on (SIGCONT). */
    public void thaw() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
        if (!kill.waitFor(20, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    /** @return its port */
    public int port() {
        return port;
    }

    /** @return its URL, {@code redis://127.0.0.1:PORT} */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** @return a client of its own, for a test to read or write keys (the caller closes it) */
    public RedisClient client(String password) {
        return password == null
                ? RedisClient.create("127.0.0.1", port)
                : RedisClient.create("redis://:" + password + "@127.0.0.1:" + port);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            try {
                thaw(); // a frozen process takes SIGKILL all the same; this only tidies
            } catch (IOException ignored) {
                // stopped already
            }
            stop();
        }
    }
}
