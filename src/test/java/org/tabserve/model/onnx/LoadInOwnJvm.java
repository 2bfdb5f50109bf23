package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tabserve.model.Model;
import org.tabserve.model.signature.ModelException;

/**
 * Loads one model in a JVM of its own with the shipped heap flags, for tests of failures that kill a JVM (SIGBUS, an
 * OutOfMemoryError with {@code -XX:+ExitOnOutOfMemoryError}), which must not kill the test JVM. The child prints one
 * line, "loaded ...", "refused: ..." or "escaped: ..." (exit 3). With {@code --truncate-when-mapped} a second thread
 * truncates the file the moment it appears in the process's mappings ({@code /proc/self/maps}), which is what a
 * {@code cp} over a model being loaded does to a loader that maps it.
 */
public final class LoadInOwnJvm {

    private static final String TRUNCATE = "--truncate-when-mapped";

    private static final String MAP_TRUNCATED = "--map-then-truncate";

    private LoadInOwnJvm() {}

    /** What the child JVM did: its exit status and its output. */
    record Outcome(int status, String output) {}

    /** Runs the child with {@code -Xmx128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError}. */
    static Outcome run(Path file, Path scratch, boolean truncateWhenMapped) throws IOException, InterruptedException {
        return run(file, scratch, truncateWhenMapped, List.of());
    }

    /** Runs the child with those flags and {@code jvmOptions} after them. */
    static Outcome run(Path file, Path scratch, boolean truncateWhenMapped, List<String> jvmOptions)
            throws IOException, InterruptedException {
        return start(file, scratch, truncateWhenMapped ? TRUNCATE : "--", jvmOptions);
    }

    /**
     * Runs a child that maps {@code file} itself, truncates it to nothing and hands the mapping to the loader, whose
     * first read of it faults: what an I/O error under the private copy would do.
     */
    static Outcome runOnTruncatedMapping(Path file, Path scratch, List<String> jvmOptions)
            throws IOException, InterruptedException {
        return start(file, scratch, MAP_TRUNCATED, jvmOptions);
    }

    private static Outcome start(Path file, Path scratch, String mode, List<String> jvmOptions)
            throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:-CreateCoredumpOnCrash",
                "-XX:ErrorFile=" + scratch.resolve("hs_err.log")));
        command.addAll(jvmOptions);
        command.addAll(List.of(LoadInOwnJvm.class.getName(), file.toString(), mode));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(scratch.resolve("child.out").toFile());
        // In the environment, not on the command line, so that only OnnxEnvironmentTest's child has a long one.
        builder.environment().put("CLASSPATH", classPath);
        Process process = builder.start();
        boolean finished = process.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(scratch.resolve("child.out"), StandardCharsets.UTF_8);
        assertTrue(finished, "the child JVM finished within 60 s; its output:\n" + output);
        return new Outcome(process.exitValue(), output);
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]).toAbsolutePath();
        if (args.length > 1 && args[1].equals(TRUNCATE)) {
            Thread watcher = new Thread(() -> truncateOnceMapped(file), "truncater");
            watcher.setDaemon(true);
            watcher.start();
        }
        int status = 0;
        try (Model model = args.length > 1 && args[1].equals(MAP_TRUNCATED)
                ? loadTruncatedMapping(file)
                : OnnxModelLoader.load(file)) {
            System.out.println("loaded " + model.sha256());
        } catch (ModelException e) {
            System.out.println("refused: " + e.getMessage());
        } catch (Throwable e) {
            System.out.println("escaped: " + e);
            status = 3;
        }
        System.out.flush();
        Runtime.getRuntime().halt(status);
    }

    private static Model loadTruncatedMapping(Path file) throws IOException {
        ByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            channel.truncate(0);
        }
        return OnnxModelLoader.load(file.toString(), "m", mapped, 1);
    }

    private static void truncateOnceMapped(Path file) {
        try {
            while (!mapped(file)) {
                Thread.onSpinWait();
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(4096);
            }
            System.out.println("truncated while mapped");
        } catch (IOException e) {
            System.out.println("watcher failed: " + e);
        }
    }

    private static boolean mapped(Path file) throws IOException {
        String suffix = " " + file;
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(line -> line.endsWith(suffix));
    }
}
