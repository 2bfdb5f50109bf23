package org.tabserve.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A servlet container started by a test as a separate process (a Jetty base or Tomcat), its output kept, ready when
 * {@code /health/ready} answers, stopped with SIGTERM.
 */
final class ServerProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final URI base;
    private final long startedNanos = System.nanoTime();
    private final List<String> output = new CopyOnWriteArrayList<>();

    private ServerProcess(String name, Process process, URI base) {
        this.name = name;
        this.process = process;
        this.base = base;
        Thread reader = new Thread(this::readOutput, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a command in a directory with these extra variables (and no inherited TABSERVE_*). */
    static ServerProcess start(
            String name, List<String> command, Path directory, Map<String, String> environment, int port)
            throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("TABSERVE_"));
        builder.environment().putAll(environment);
        return new ServerProcess(name, builder.start(), URI.create("http://127.0.0.1:" + port + "/"));
    }

    /** A loopback port nobody listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The java of the JVM running the tests. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs a short command to its end; fails with its output unless it exits 0. */
    static void run(List<String> command, Path directory) throws IOException, InterruptedException {
        run(command, directory, Map.of(), Duration.ofSeconds(120));
    }

    /** {@link #run(List, Path)} with these extra variables (and no inherited TABSERVE_*). */
    static void run(List<String> command, Path directory, Map<String, String> environment)
            throws IOException, InterruptedException {
        run(command, directory, environment, Duration.ofSeconds(120));
    }

    /**
     * Runs a command with these extra variables (and no inherited TABSERVE_*) to its end within the timeout; fails
     * with its output unless it exits 0.
     */
    static void run(List<String> command, Path directory, Map<String, String> environment, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("TABSERVE_"));
        builder.environment().putAll(environment);
        // No input: a command that asks (tomcat10-instance-create, when a port looks taken) reads its end at once.
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
    }

    private void readOutput() {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.add(line);
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /**
     * Waits until {@code /health/ready} answers the status, records how long that took in
     * {@code target/deployment-readiness.txt} and prints it. @return the time from start to ready
     */
    Duration awaitReadiness(int status, Duration timeout) throws InterruptedException {
        return awaitReadiness(status, timeout, null);
    }

    /**
     * {@link #awaitReadiness(int, Duration)} that fails at once when a line of the output holds {@code fatal} (a
     * server that cannot bind a port and waits on, say), not only at the timeout.
     */
    Duration awaitReadiness(int status, Duration timeout, String fatal) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + log());
            }
            if (fatal != null && output.stream().anyMatch(line -> line.contains(fatal))) {
                throw new IllegalStateException(name + " said " + fatal + " before it was ready:\n" + log());
            }
            try {
                last = DeploymentChecks.send(HttpRequest.newBuilder(base.resolve("health/ready"))
                                .timeout(Duration.ofSeconds(5))
                                .GET()
                                .build())
                        .statusCode();
                if (last == status) {
                    Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
                    record(name + ": /health/ready answered " + status + " " + took.toMillis() + " ms after start ("
                            + machine() + ")");
                    return took;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " did not answer " + status + " on /health/ready within " + timeout
                + " (last " + last + "):\n" + log());
    }

    /** Waits until the process listens on a loopback port (an admin port, say); fails if it exits first. */
    void awaitListening(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + log());
            }
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(name + " did not listen on " + port + " within " + timeout + ":\n" + log());
    }

    /** The machine a figure was measured on: its cores and load average (1, 5 and 15 minutes), for the docs' timings. */
    static String machine() {
        String load;
        try {
            load = String.join(
                    " ",
                    List.of(Files.readString(Path.of("/proc/loadavg")).split(" "))
                            .subList(0, 3));
        } catch (IOException | RuntimeException e) {
            load = "unknown";
        }
        return Runtime.getRuntime().availableProcessors() + " cores, load " + load;
    }

    /** Prints a line and appends it to target/deployment-readiness.txt. */
    static void record(String line) {
        System.out.println(line);
        try {
            Path file = Path.of("target", "deployment-readiness.txt");
            Files.writeString(
                    file,
                    line + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("cannot record readiness time: " + e);
        }
    }

    URI base() {
        return base;
    }

    long pid() {
        return process.pid();
    }

    /** The process's resident memory in KiB, from /proc/PID/status (Linux). */
    long residentKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + process.pid());
    }

    /**
     * Runs a full garbage collection in the process ({@code jcmd PID GC.run}, the JDK's tool beside this java), so
     * that its resident memory then shows what it retains rather than how far its collector has got.
     */
    void collectGarbage() throws IOException, InterruptedException {
        run(
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(process.pid()),
                        "GC.run"),
                Path.of("."));
    }

    /** How many distinct copies of ONNX Runtime's native library the process has mapped, from /proc/PID/maps. */
    long onnxRuntimeLibraries() throws IOException {
        return onnxRuntimeLibraryFiles().size();
    }

    /** The files of ONNX Runtime's native library the process has mapped, from /proc/PID/maps. */
    List<String> onnxRuntimeLibraryFiles() throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "maps")).stream()
                .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                .filter(file -> file.endsWith("/libonnxruntime.so"))
                .distinct()
                .toList();
    }

    List<String> output() {
        return List.copyOf(output);
    }

    String log() {
        return String.join("\n", output);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Stops the server by a command the docs give for it (a management client's shutdown, say) and fails unless the
     * process started and every process under it (the JVM a start script launched) have ended within {@code timeout},
     * naming the pids left running; closes it in any case.
     */
    void stopBy(List<String> command, Map<String, String> environment, Duration timeout)
            throws IOException, InterruptedException {
        List<ProcessHandle> started = java.util.stream.Stream.concat(
                        java.util.stream.Stream.of(process.toHandle()),
                        process.toHandle().descendants())
                .toList();
        try {
            long began = System.nanoTime();
            run(command, Path.of("."), environment, timeout);
            long ended = System.nanoTime();
            long deadline = ended + timeout.toNanos();
            while (started.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            List<String> left = started.stream()
                    .filter(ProcessHandle::isAlive)
                    .map(p -> p.pid() + " " + p.info().command().orElse("?"))
                    .toList();
            if (!left.isEmpty()) {
                throw new IllegalStateException(name + ": `" + String.join(" ", command) + "` left running, "
                        + timeout.toSeconds() + " s after it ended: " + left);
            }
            record(name + ": stopped by `" + String.join(" ", command) + "`; pids "
                    + started.stream().map(ProcessHandle::pid).toList() + " all gone "
                    + Duration.ofNanos(System.nanoTime() - began).toMillis() + " ms after it began (it ran "
                    + Duration.ofNanos(ended - began).toMillis() + " ms; " + machine() + ")");
        } finally {
            close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        // A server started through a shell that did not exec it (the docs' commands run with bash) is its child.
        process.toHandle().descendants().forEach(ProcessHandle::destroy);
        if (process.isAlive()) {
            process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close the pipe we read
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
