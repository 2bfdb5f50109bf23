package org.tabserve.spark;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster of a master and two workers as processes from Spark's own jars, started and stopped by
 * {@code spark/cluster} (the script the docs' Scale page runs) on a free port, its logs and the executors' work
 * directories under {@code dir}; and the connector's jobs run against it by {@code spark/job}.
 */
final class StandaloneCluster implements AutoCloseable {

    private static final Path SPARK = Path.of("").toAbsolutePath();

    private final Path dir;
    private final int port;

    private StandaloneCluster(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** {@code spark/cluster start 2} on a free port, which returns once the master has both workers. */
    static StandaloneCluster start(Path dir) throws IOException, InterruptedException {
        StandaloneCluster cluster = new StandaloneCluster(dir.toAbsolutePath(), freePort());
        cluster.run(List.of(SPARK.resolve("cluster").toString(), "start", "2"), 300);
        return cluster;
    }

    /** @return the master's URL, for a driver */
    String url() {
        return "spark://127.0.0.1:" + port;
    }

    /** @return the directories the workers start their executors in, one per worker */
    List<Path> workDirs() {
        return List.of(dir.resolve("work-1"), dir.resolve("work-2"));
    }

    /**
     * Runs {@code spark/job CLASS ARGS} against this cluster ({@code --master} added) and waits for it to end.
     *
     * @return the job's output
     */
    String job(String mainClass, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SPARK.resolve("job").toString(), mainClass, "--master", url()));
        command.addAll(List.of(args));
        return run(command, 600);
    }

    private String run(List<String> command, int seconds) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.directory(SPARK.getParent().toFile());
        Map<String, String> environment = builder.environment();
        environment.put("SPARK_MASTER_PORT", Integer.toString(port));
        environment.put("SPARK_CLUSTER_DIR", dir.toString());
        // Every JVM of the cluster (master, workers, the executors they start, the jobs' drivers) compiles with C1
        // alone, as the tests' own JVMs do: they live a minute, and C2's compiler threads cost more than its code
        // saves them (the IT's processes 158 -> 83 CPU-s, 342 -> 126 s at load 15). They collect with the serial
        // collector too, as the server does with README's options: their heaps are small, and G1's parallel and
        // concurrent threads cost more (the cluster's processes 101.5 -> 97.0 CPU-s, the means of six and seven runs
        // of the IT's commands; each of master, workers, drivers and executors less). The answers are the same bits
        // (the test compares them with the server's).
        environment.put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        Path log = dir.resolve("command-" + System.nanoTime() + ".log");
        java.nio.file.Files.createDirectories(dir);
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            throw new IllegalStateException(
                    command + " took more than " + seconds + " s:\n" + java.nio.file.Files.readString(log));
        }
        String output = java.nio.file.Files.readString(log);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(command + " ended with " + process.exitValue() + ":\n" + output);
        }
        return output;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** {@code spark/cluster stop}. */
    @Override
    public void close() throws IOException, InterruptedException {
        run(List.of(SPARK.resolve("cluster").toString(), "stop"), 120);
    }
}
