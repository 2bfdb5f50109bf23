package org.tabserve.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * A line on the console each time a test class ends, saying how far {@code mvn -B verify} has come: "[progress] unit
 * tests: 57 of 379 classes done, 3:12 so far". The forks of one phase count together, in a ledger under
 * {@code target/progress/} named for the Maven process that started them; the total is the phase's compiled classes
 * ({@code *Test} or {@code *IT}). Registered for every test JVM through {@code META-INF/services}.
 */
public final class ProgressLines implements TestExecutionListener {

    /** Where the ledgers are kept, under the project's directory. */
    static final Path LEDGERS = Path.of("target", "progress");

    /** This fork's phase's total of classes, -1 until its first class ends, and the phase's ledger. */
    private int total = -1;

    private Path ledger;

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        Optional<String> name = topLevelClass(test);
        if (name.isEmpty()) {
            return;
        }
        Phase phase = name.get().endsWith("IT") ? Phase.INTEGRATION : Phase.UNIT;
        try {
            if (total < 0) { // the fork's first class: its phase's total and ledger do not change in the run
                total = total(testClasses(), phase);
                ledger = LEDGERS.resolve(mavenProcess() + "-" + phase.suffix + ".txt");
            }
            System.out.println(line(phase, record(ledger, name.get()), total));
        } catch (IOException | RuntimeException e) {
            // A progress line is a courtesy: a ledger that cannot be written costs the line, never a test.
        }
    }

    /** @return the test class {@code test} is, when it is a top-level class (not a nested one, not a method) */
    static Optional<String> topLevelClass(TestIdentifier test) {
        return test.getSource()
                .filter(ClassSource.class::isInstance)
                .map(source -> ((ClassSource) source).getClassName())
                .filter(n -> !n.contains("$"));
    }

    /** The kinds of test class a phase of {@code mvn verify} runs. */
    enum Phase {
        UNIT("unit tests", "Test"),
        INTEGRATION("integration tests", "IT");

        final String words;
        final String suffix;

        Phase(String words, String suffix) {
            this.words = words;
            this.suffix = suffix;
        }
    }

    /** What a ledger holds after a class was written to it: the classes done, and when the first was. */
    record Done(int classes, Instant since) {}

    /**
     * Appends a class to the ledger, under a lock that the other forks take too; returns what it then holds. The
     * ledger's first line is the instant its first class ended, in milliseconds.
     */
    static synchronized Done record(Path ledger, String className) throws IOException {
        // synchronized: a file lock is the JVM's, which another thread of it asking again would overlap.
        Files.createDirectories(ledger.getParent());
        try (FileChannel channel = FileChannel.open(
                        ledger, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
                FileLock lock = channel.lock()) {
            String added = (channel.size() == 0 ? System.currentTimeMillis() + "\n" : "") + className + "\n";
            channel.position(channel.size());
            channel.write(ByteBuffer.wrap(added.getBytes(StandardCharsets.UTF_8)));
            ByteBuffer all = ByteBuffer.allocate((int) channel.size());
            channel.read(all, 0);
            java.util.List<String> lines =
                    new String(all.array(), StandardCharsets.UTF_8).lines().toList();
            return new Done(lines.size() - 1, Instant.ofEpochMilli(Long.parseLong(lines.get(0))));
        }
    }

    /** The phase's test classes compiled in {@code directory}: top-level classes whose names end as its own do. */
    static int total(Path directory, Phase phase) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return (int) files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(phase.suffix + ".class") && !n.contains("$"))
                    .count();
        }
    }

    static String line(Phase phase, Done done, int total) {
        Duration so = Duration.between(done.since(), Instant.now());
        return String.format(
                Locale.ROOT,
                "[progress] %s: %d of %d classes done, %d:%02d so far",
                phase.words,
                done.classes(),
                Math.max(total, done.classes()),
                so.toMinutes(),
                so.toSecondsPart());
    }

    /** The directory this class was compiled to: the test classes. */
    private static Path testClasses() {
        try {
            return Path.of(ProgressLines.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Maven process that started this test JVM (surefire's and failsafe's forks are its children), or its parent. */
    private static long mavenProcess() {
        Optional<ProcessHandle> at = ProcessHandle.current().parent();
        for (int up = 0; up < 4 && at.isPresent(); up++) {
            ProcessHandle p = at.get();
            if (p.info().commandLine().orElse("").contains("plexus-classworlds")) {
                return p.pid();
            }
            at = p.parent();
        }
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L);
    }
}
