package org.tabserve.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Maven reactor in which a project depends on the model core as it would on the installed
 * {@code org.tabserve:tabserve-core}, with nothing installed: the core's module (a copy of the root build's
 * target/core, its POM and classes, which {@code mvn install} installs) beside the project, under an aggregator POM of
 * their own. Each test gets a copy of its own, so that two builds at once never write the same files.
 */
public final class CoreReactor {

    private CoreReactor() {}

    /**
     * @param folder  where the aggregator goes ({@code folder/pom.xml}) and the core's copy ({@code folder/core})
     * @param modules the other modules, as paths from {@code folder}
     * @return the aggregator's POM, for {@code mvn -f}
     */
    public static Path of(Path folder, List<String> modules) throws IOException {
        Path core = Path.of("target", "core").toAbsolutePath();
        if (!Files.isRegularFile(core.resolve("pom.xml"))) {
            throw new IllegalStateException(core + "/pom.xml is made by mvn package");
        }
        Path copy = folder.resolve("core");
        deleteTree(copy);
        Files.createDirectories(copy);
        Files.copy(core.resolve("pom.xml"), copy.resolve("pom.xml"));
        try (Stream<Path> files = Files.walk(core.resolve("classes"))) {
            for (Path file : files.toList()) {
                Path to = copy.resolve("classes")
                        .resolve(core.resolve("classes").relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
        StringBuilder listed = new StringBuilder("    <module>core</module>\n");
        for (String module : modules) {
            listed.append("    <module>").append(module).append("</module>\n");
        }
        Path pom = folder.resolve("pom.xml");
        Files.writeString(pom, """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>org.tabserve.test</groupId>
                  <artifactId>core-reactor</artifactId>
                  <version>1</version>
                  <packaging>pom</packaging>
                  <modules>
                %s  </modules>
                </project>
                """.formatted(listed), StandardCharsets.UTF_8);
        return pom;
    }

    /** Deletes {@code folder} and everything in it, if it exists. */
    public static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
