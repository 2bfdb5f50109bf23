package org.tabserve.testing;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tabserve.launcher.LauncherOptions;

/**
 * The real product in a test: {@code java -jar target/tabserve.war} on a free port, as a separate process, read
 * back from the one line it prints when ready, and stopped with SIGTERM.
 */
public final class TabserveProcess implements RunningServer {

    /** The JVM options the project ships (README "Memory"): any OutOfMemoryError ends the process with status 3. */
    public static final List<String> SHIPPED_JVM_OPTIONS =
            List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");

    /**
     * The JVM options of a server started for what it answers, not for its speed or memory (no JVM options given, and
     * none in {@code JAVA_TOOL_OPTIONS}): C1 alone compiles, as in the tests' own JVMs (the pom's argLine), since a
     * server that lives seconds spends more CPU in C2's compiler threads than C2's code saves it. The Jetty bases and
     * Tomcats the deployment tests start take them too.
     */
    public static final List<String> FUNCTIONAL_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1");

    /**
     * README's bounds ({@link #SHIPPED_JVM_OPTIONS}: the heap, the collector, the exit on running out of memory) with
     * C1 alone compiling, for a test of what those bounds hold under hostile or heavy input rather than of speed. What
     * holds here holds under the shipped compiler too: C1 does no escape analysis, so its code allocates at least what
     * C2's does on the same heap, and it runs slower against the same deadlines. C2's compiler threads cost such a
     * server about 4 s of CPU it does not earn back in a test's life (9 servers: 105.6 -> 69.0 s).
     */
    public static final List<String> SHIPPED_BOUNDS_JVM_OPTIONS = java.util.stream.Stream.concat(
                    SHIPPED_JVM_OPTIONS.stream(), FUNCTIONAL_JVM_OPTIONS.stream())
            .toList();

    /** The environment the project ships with {@link #SHIPPED_JVM_OPTIONS}: two malloc arenas. */
    public static final Map<String, String> SHIPPED_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    private static final Pattern READY = Pattern.compile("tabserve: serving (.+) on (https?://\\S+/)");
    /** The ready line's words for {@code --grpc-port}'s port and {@code --probe-port}'s. */
    private static final Pattern GRPC_PORT = Pattern.compile(" and gRPC \\(HTTP/2 only\\) on port (\\d+)");

    private static final Pattern PROBE_PORT = Pattern.compile(", health probes on port (\\d+)$");

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile URI uri;
    private volatile int grpcPort = -1;
    private volatile int probePort = -1;
    private volatile String model;

    private final Thread reader;
    /** Whether {@link #readOutput} leaves the process's output unread ({@link #stopReadingOutput()}). */
    private boolean outputHeld;

    private TabserveProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::readOutput, "tabserve-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** The packaged WAR that failsafe names, or target/tabserve.war. */
    public static Path war() {
        return Path.of(System.getProperty("tabserve.war", "target/tabserve.war"))
                .toAbsolutePath();
    }

    /** Starts the WAR with these extra arguments and environment, without waiting. */
    public static TabserveProcess start(List<String> args, Map<String, String> environment) throws IOException {
        return start(war(), args, environment);
    }

    /**
     * Starts {@code war} (a copy of the packaged WAR, say) with these extra arguments and environment, without
     * waiting; unless the environment sets {@code JAVA_TOOL_OPTIONS}, with {@link #FUNCTIONAL_JVM_OPTIONS}.
     */
    public static TabserveProcess start(Path war, List<String> args, Map<String, String> environment)
            throws IOException {
        return start(
                war,
                environment.containsKey("JAVA_TOOL_OPTIONS") ? List.of() : FUNCTIONAL_JVM_OPTIONS,
                args,
                environment);
    }

    /**
     * Starts {@code war} with these JVM options (before {@code -jar}), extra arguments and environment, without
     * waiting: {@link #SHIPPED_JVM_OPTIONS} and {@link #SHIPPED_ENVIRONMENT} run it as README ships it.
     */
    public static TabserveProcess start(
            Path war, List<String> jvmOptions, List<String> args, Map<String, String> environment) throws IOException {
        return start(Path.of(System.getProperty("java.home")), war, jvmOptions, args, environment);
    }

    /** As {@link #start(Path, List, List, Map)}, with the {@code java} of another JDK ({@code jdk}/bin/java). */
    public static TabserveProcess start(
            Path jdk, Path war, List<String> jvmOptions, List<String> args, Map<String, String> environment)
            throws IOException {
        List<String> command =
                new ArrayList<>(List.of(jdk.resolve("bin").resolve("java").toString()));
        command.addAll(jvmOptions);
        classArchive(war, jvmOptions, environment)
                .ifPresent(archive -> command.add("-XX:SharedArchiveFile=" + archive));
        command.addAll(List.of("-jar", war.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("TABSERVE_"));
        builder.environment().putAll(environment);
        // A test stops its server with SIGTERM, and no balancer needs the drain then: five seconds a server for
        // nothing. Tests of the drain (RollingRestartIT) give their own.
        builder.environment().putIfAbsent(LauncherOptions.DRAIN_SECONDS_VARIABLE, "0");
        return new TabserveProcess(builder.start());
    }

    /** JVM options that choose a class archive, or switch class sharing off: a start that gives one keeps it. */
    private static final Pattern ARCHIVE_OPTION =
            Pattern.compile("-XX:(SharedArchiveFile|ArchiveClassesAtExit)=.*|-Xshare:.*");

    /**
     * The class archive {@code mvn package} made for the packaged WAR ({@code target/tabserve.jsa}), which README's
     * command maps, for a start of that WAR that chooses no archive of its own: a start then costs about 0.6 s less CPU
     * (shipped options 3.2 -> 2.3 s, C1 alone 2.0 -> 1.5 s, to the ready line), a sixth of what the ITs' 165 server
     * starts spent. A copy of the WAR, or a WAR built without the archive, starts without one, as before.
     */
    static java.util.Optional<Path> classArchive(Path war, List<String> jvmOptions, Map<String, String> environment) {
        Path archive = war.resolveSibling("tabserve.jsa");
        boolean chosen = jvmOptions.stream()
                        .anyMatch(o -> ARCHIVE_OPTION.matcher(o).matches())
                || List.of(environment.getOrDefault("JAVA_TOOL_OPTIONS", "").split("\\s+")).stream()
                        .anyMatch(o -> ARCHIVE_OPTION.matcher(o).matches());
        if (chosen || !war.toAbsolutePath().equals(war()) || !java.nio.file.Files.isRegularFile(archive)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(archive);
    }

    /** Starts the WAR on a free loopback port and waits until it says it is ready. */
    public static TabserveProcess startReady(String... extraArgs) throws IOException, InterruptedException {
        return startReady(Map.of(), extraArgs);
    }

    /** As {@link #startReady(String...)}, with these environment variables (e.g. {@code TABSERVE_ADMIN_TOKEN}). */
    public static TabserveProcess startReady(Map<String, String> environment, String... extraArgs)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--port", "0"));
        args.addAll(List.of(extraArgs));
        TabserveProcess server = start(args, environment);
        server.awaitReady(Duration.ofSeconds(60));
        return server;
    }

    private void readOutput() {
        InputStream gated = new FilterInputStream(process.getInputStream()) {
            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                awaitOutputReleased();
                return super.read(bytes, offset, length);
            }

            @Override
            public int read() throws IOException {
                awaitOutputReleased();
                return super.read();
            }
        };
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(gated, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.add(line);
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    model = m.group(1);
                    uri = URI.create(m.group(2));
                    Matcher grpc = GRPC_PORT.matcher(line);
                    if (grpc.find()) {
                        grpcPort = Integer.parseInt(grpc.group(1));
                    }
                    Matcher probes = PROBE_PORT.matcher(line);
                    if (probes.find()) {
                        probePort = Integer.parseInt(probes.group(1));
                    }
                    ready.countDown();
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /**
     * Stops reading the process's output (stdout and stderr, one pipe), as a log shipper that stalled would: once the
     * pipe's buffer is full (64 KiB on Linux), the process's next write to either waits until
     * {@link #readOutputAgain()}.
     */
    public void stopReadingOutput() {
        synchronized (this) {
            outputHeld = true;
        }
    }

    /** Reads the process's output again, after {@link #stopReadingOutput()}. */
    public void readOutputAgain() {
        synchronized (this) {
            outputHeld = false;
            notifyAll();
        }
    }

    private void awaitOutputReleased() throws IOException {
        synchronized (this) {
            while (outputHeld) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("stopped while the output was held");
                }
            }
        }
    }

    /** Waits for the ready line; fails with the process's output if it exits or takes too long. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.await(100, TimeUnit.MILLISECONDS)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("tabserve did not become ready (alive=" + process.isAlive() + "):\n"
                        + String.join("\n", output));
            }
        }
    }

    @Override
    public URI uri() {
        return uri;
    }

    /** @return the port of {@code --grpc-port} from the ready line, or -1 without one */
    public int grpcPort() {
        return grpcPort;
    }

    /** {@code --probe-port}'s port from the ready line, or -1 without one. */
    public int probePort() {
        return probePort;
    }

    @Override
    public String model() {
        return model;
    }

    /** @return every line the process printed so far */
    @Override
    public List<String> output() {
        return List.copyOf(output);
    }

    public Process process() {
        return process;
    }

    /**
     * Sends SIGTERM and waits for the exit, with everything the process printed up to it in {@link #output()}.
     * {@code Process.destroy()} would close the pipe from the process as it signals, losing what the process writes
     * as it stops (its stop line, the access log lines of the last requests): the signal is sent through its handle.
     *
     * @return the exit status
     */
    public int terminate(Duration timeout) throws InterruptedException {
        readOutputAgain();
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("tabserve did not exit within " + timeout + " of SIGTERM");
        }
        reader.join(5_000);
        return process.exitValue();
    }

    /**
     * Sends SIGTERM without reading the process's output again (after {@link #stopReadingOutput()}: a stop while the
     * log shipper is stalled) and waits for the exit; the output is read again once it has exited, or has not in time.
     *
     * @return the exit status
     * @throws IllegalStateException when it did not exit in time (it is then killed)
     */
    public int terminateUnread(Duration timeout) throws InterruptedException {
        process.toHandle().destroy();
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        readOutputAgain();
        if (!exited) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("tabserve did not exit within " + timeout + " of SIGTERM");
        }
        reader.join(5_000);
        return process.exitValue();
    }

    /** Waits for the process to end by itself. @return the exit status */
    public int awaitExit(Duration timeout) throws InterruptedException {
        readOutputAgain();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("tabserve still runs after " + timeout + ":\n" + String.join("\n", output));
        }
        reader.join(5_000); // everything it printed is in output() once this returns
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        readOutputAgain();
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
