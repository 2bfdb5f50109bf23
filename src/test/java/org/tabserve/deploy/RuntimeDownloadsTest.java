package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The docs fetch what they run from Maven Central with {@code mvn -B dependency:copy -Dartifact=...}, as the tests get
 * it (pom.xml's maven-dependency-plugin in {@code pre-integration-test}), never with a {@code curl} of Maven Central's
 * address: each block's coordinates are the pom's, the next command unpacks or runs the file Maven writes, and the
 * runtimes' homes are the folders the deployment tests run.
 */
class RuntimeDownloadsTest {

    static final List<Path> PAGES = List.of(Path.of("docs", "deploy.md"), Path.of("docs", "operations.md"));

    static final Pattern COPY = Pattern.compile(
            "mvn -B dependency:copy -Dartifact=([\\w.-]+):([\\w.-]+):([\\w.-]+):([\\w.]+)(?::([\\w-]+))?"
                    + " -DoutputDirectory=\\.");

    /** A download's coordinates: group, artifact, version, type and classifier (empty for none). */
    record Coordinates(String group, String artifact, String version, String type, String classifier) {

        /** The file {@code dependency:copy} writes: artifact-version[-classifier].type. */
        String file() {
            return artifact + "-" + version + (classifier.isEmpty() ? "" : "-" + classifier) + "." + type;
        }
    }

    @Test
    void thePagesFetchWithMavenWhatThePomFetchesForTheTests() throws IOException {
        Map<String, Coordinates> pom = pomArtifacts();
        Map<String, Coordinates> documented = new HashMap<>();
        for (Path page : PAGES) {
            List<String> lines = Files.readAllLines(page);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                assertFalse(line.contains("repo1.maven.org"), page + ":" + (i + 1) + " downloads with curl: " + line);
                Matcher copy = COPY.matcher(line.strip());
                if (!line.strip().startsWith("mvn ") || !line.contains(" -Dartifact=")) {
                    continue;
                }
                assertTrue(copy.matches(), page + ":" + (i + 1) + " is not `" + COPY.pattern() + "`: " + line);
                Coordinates coordinates = new Coordinates(
                        copy.group(1),
                        copy.group(2),
                        copy.group(3),
                        copy.group(4),
                        copy.group(5) == null ? "" : copy.group(5));
                documented.put(coordinates.group() + ":" + coordinates.artifact(), coordinates);
                Coordinates ours = pom.get(coordinates.group() + ":" + coordinates.artifact());
                if (ours != null) {
                    assertEquals(ours, coordinates, page + ":" + (i + 1) + " fetches other than the tests do");
                }
                String rest = String.join("\n", lines.subList(i + 1, Math.min(lines.size(), i + 4)));
                assertTrue(
                        rest.contains(coordinates.file()),
                        page + ":" + (i + 1) + ": the commands after it do not use the file Maven writes, "
                                + coordinates.file() + ":\n" + rest);
            }
        }
        for (String runtime : List.of(
                "org.wildfly:wildfly-dist",
                "org.glassfish.main.distributions:glassfish",
                "org.apache.tomcat:tomcat",
                "org.gaul:s3proxy")) {
            assertTrue(documented.containsKey(runtime), "no page fetches " + runtime + " with dependency:copy");
        }
    }

    /** The homes the blocks export are the folders the archives unpack to, which the deployment tests run. */
    @Test
    void theExportedHomesAreTheFoldersTheTestsRun() throws IOException {
        String page = Files.readString(DeployDoc.PAGE);
        String pom = Files.readString(Path.of("pom.xml"));
        String wildFly = property(pom, "wildfly.version");
        assertTrue(page.contains("export WILDFLY_HOME=$PWD/wildfly-" + wildFly + "\n"), "WILDFLY_HOME");
        assertTrue(pom.contains("/it/wildfly-${wildfly.version}</tabserve.wildfly.home>"), "the tests' WildFly");
        assertTrue(page.contains("export GLASSFISH_HOME=$PWD/glassfish8\n"), "GLASSFISH_HOME");
        assertTrue(pom.contains("/it/glassfish8</tabserve.glassfish.home>"), "the tests' GlassFish");
        assertTrue(
                page.contains("tar -xzf tomcat-" + property(pom, "tomcat11.version") + ".tar.gz\n"),
                "Tomcat 11's archive, unpacked to apache-tomcat-VERSION, which Tomcat11DeploymentIT checks");
    }

    /** The artifactItems of pom.xml's maven-dependency-plugin, their properties resolved, by group:artifact. */
    static Map<String, Coordinates> pomArtifacts() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Map<String, Coordinates> items = new HashMap<>();
        Matcher item = Pattern.compile("<artifactItem>(.*?)</artifactItem>", Pattern.DOTALL)
                .matcher(pom);
        List<String> unresolved = new ArrayList<>();
        while (item.find()) {
            String text = item.group(1);
            String group = tag(text, "groupId", pom);
            String artifact = tag(text, "artifactId", pom);
            String version = tag(text, "version", pom);
            if (version.isEmpty()) {
                unresolved.add(group + ":" + artifact);
                continue;
            }
            String type = tag(text, "type", pom);
            items.put(
                    group + ":" + artifact,
                    new Coordinates(
                            group, artifact, version, type.isEmpty() ? "jar" : type, tag(text, "classifier", pom)));
        }
        assertFalse(items.isEmpty(), "pom.xml has no artifactItem");
        return items;
    }

    private static String tag(String text, String name, String pom) {
        Matcher value = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(text);
        if (!value.find()) {
            return "";
        }
        Matcher reference = Pattern.compile("\\$\\{([\\w.]+)}").matcher(value.group(1));
        if (!reference.matches()) {
            return value.group(1);
        }
        Matcher property = Pattern.compile("<" + Pattern.quote(reference.group(1)) + ">([^<]*)<")
                .matcher(pom);
        return property.find() ? property.group(1) : value.group(1); // one of Maven's own (os.detected.*): as written
    }

    private static String property(String pom, String name) {
        Matcher value = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">")
                .matcher(pom);
        assertTrue(value.find(), "pom.xml has no property " + name);
        return value.group(1);
    }
}
