package org.tabserve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.TabserveProcess;

/**
 * Keeps the two kinds of server test apart: a {@code *Test} runs under {@code mvn test}, before the WAR is packaged,
 * so it never starts the WAR ({@link TabserveProcess}); a {@code *IT} runs in {@code mvn verify} for what only the
 * packaged WAR or its own process shows, so a route check that needs neither belongs in a {@code *Test} with the
 * in-process server ({@code launcher.TabserveServer}, {@code testing.Http.startingTheApp}).
 */
class TestSeamTest {

    private static final Path TESTS = Path.of("src/test/java");

    private static List<String> classesNamed(String suffix, String... using) throws IOException {
        try (Stream<Path> files = Files.walk(TESTS)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix + ".java"))
                    .filter(f -> !f.getFileName().toString().equals("TestSeamTest.java"))
                    .filter(f -> {
                        try {
                            String source = Files.readString(f);
                            return Stream.of(using).anyMatch(source::contains);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .map(f -> TESTS.relativize(f).toString())
                    .sorted()
                    .toList();
        }
    }

    @Test
    void noUnitTestStartsThePackagedWar() throws IOException {
        assertEquals(
                List.of(),
                classesNamed("Test", "TabserveProcess."),
                "these run under mvn test, before the WAR exists: use launcher.TabserveServer");
    }

    @Test
    void noIntegrationTestRunsTheAppInProcess() throws IOException {
        assertEquals(
                List.of(),
                classesNamed("IT", "TabserveServer", "Http.startingTheApp"),
                "an in-process route check belongs in a *Test, which mvn test runs first and fast");
    }
}
