package org.tabserve.model;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Run in a JVM of its own by {@link ModelFileChangeTest}: loads a model while a second thread truncates the file as
 * soon as it sees the file mapped into this process ({@code /proc/self/maps}), which is what a {@code cp} over a
 * model being loaded does to a loader that maps it. Prints one line, "loaded", "refused: ..." or "escaped: ...";
 * a loader that hands ONNX Runtime or Java code a mapping of the file dies here with SIGBUS (exit 134) or lets an
 * {@link InternalError} escape (exit 3).
 */
public final class LoadWhileTruncated {

    private LoadWhileTruncated() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]).toAbsolutePath();
        Thread watcher = new Thread(() -> truncateOnceMapped(file), "truncater");
        watcher.setDaemon(true);
        watcher.start();
        int status = 0;
        try (OnnxModel model = OnnxModel.load(file)) {
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
