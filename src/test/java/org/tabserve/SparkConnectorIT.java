package org.tabserve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tabserve.docs.DocShell;
import org.tabserve.testing.CoreReactor;

/**
 * The Spark connector (spark/, a Maven project of its own: Spark's jars are none of the WAR's) built and tested as
 * spark/README.md tells a user to ({@code mvn -B -f spark/pom.xml verify}, on the installed
 * {@code org.tabserve:tabserve-core}), by the Maven that runs this build, on its local repository and as offline as it
 * is, installing nothing: the core comes from its module in a reactor beside spark/ ({@link CoreReactor}, this build's
 * target/core, which {@code mvn install} installs), so that a fresh clone's {@code mvn verify} needs no install. Its {@code StandaloneClusterIT} scores a Parquet table on a standalone
 * cluster and compares the answers with this build's WAR. It runs in a failsafe fork beside the other ITs, where its
 * cluster's waits leave the cores to them (run after them by maven-invoker-plugin, it was 2.5 minutes with a core
 * idle). The build must succeed and every test class under spark/src/test must have run tests, none failed or skipped.
 */
class SparkConnectorIT {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path SPARK = ROOT.resolve("spark");
    private static final Pattern REPORTED = Pattern.compile(
            "<testsuite [^>]*?tests=\"(\\d+)\" errors=\"(\\d+)\" skipped=\"(\\d+)\" failures=\"(\\d+)\"");

    @Test
    void theConnectorsBuildPassesEveryTestOfItsOwnOnThisBuildsCore() throws Exception {
        Path reactor = CoreReactor.of(
                Files.createDirectories(ROOT.resolve("target").resolve("spark-reactor")), List.of("../../spark"));
        for (String reports : List.of("surefire-reports", "failsafe-reports")) {
            deleteTree(SPARK.resolve("target").resolve(reports)); // a report of an earlier build proves nothing
        }
        // copy-dependencies adds and never removes: a jar an earlier build copied (the core's former name) would stay
        // on the jobs' class path beside this build's
        deleteTree(SPARK.resolve("target").resolve("jars"));
        List<String> command = new ArrayList<>(List.of(
                maven().toString(),
                "-B",
                "-ntp",
                "-f",
                reactor.toString(),
                "verify",
                "-Dmaven.repo.local=" + DocShell.localRepository()));
        if (System.getProperty("tabserve.maven.settings", "").equals("offline=true")) {
            command.add("-o");
        }
        Path log = ROOT.resolve("target").resolve("spark-connector.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("MAVEN_ARGS");
        Process build = builder.start();
        try {
            if (!build.waitFor(20, TimeUnit.MINUTES)) {
                fail("spark/'s build did not end in 20 minutes:\n" + tail(log));
            }
        } finally {
            build.descendants().forEach(ProcessHandle::destroyForcibly);
            build.destroyForcibly();
        }
        assertEquals(0, build.exitValue(), () -> "spark/'s build failed (" + log + "):\n" + tail(log));

        List<String> classes;
        try (Stream<Path> sources =
                Files.walk(SPARK.resolve("src").resolve("test").resolve("java"))) {
            classes = sources.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith("Test.java") || n.endsWith("IT.java"))
                    .map(n -> n.substring(0, n.length() - ".java".length()))
                    .sorted()
                    .toList();
        }
        assertTrue(classes.contains("StandaloneClusterIT"), classes.toString());
        for (String name : classes) {
            String folder = name.endsWith("IT") ? "failsafe-reports" : "surefire-reports";
            Path report = SPARK.resolve("target").resolve(folder).resolve("TEST-org.tabserve.spark." + name + ".xml");
            assertTrue(Files.isRegularFile(report), () -> name + " left no report in " + folder + ":\n" + tail(log));
            Matcher counts = REPORTED.matcher(Files.readString(report, StandardCharsets.UTF_8));
            assertTrue(counts.find(), report::toString);
            int tests = Integer.parseInt(counts.group(1));
            assertTrue(tests > 0, () -> name + " ran no test");
            assertEquals(
                    "0 0 0",
                    counts.group(2) + " " + counts.group(3) + " " + counts.group(4),
                    () -> name + ": errors, skipped, failures of " + tests + " tests");
        }
    }

    /** The Maven that runs this build (failsafe's {@code tabserve.maven.home}), else {@code mvn} on the path. */
    private static Path maven() {
        String home = System.getProperty("tabserve.maven.home", "");
        return home.isEmpty() ? Path.of("mvn") : Path.of(home, "bin", "mvn");
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 150), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
