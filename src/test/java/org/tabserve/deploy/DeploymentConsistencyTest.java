package org.tabserve.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Docker image and the integration tests that stand in for it must describe the same deployment: the Jetty
 * version of the image's base tag is the jetty-home the tests unpack, and both build the base with one script.
 */
class DeploymentConsistencyTest {

    static final Path DOCKERFILE = Path.of("Dockerfile");
    static final Path SCRIPT = Path.of("deploy", "jetty-base.sh");

    @Test
    void runsOnTheJettyImageOfTheJettyHomeVersionTheTestsUse() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        String jettyVersion = group(pom, "<jetty\\.version>([^<]+)</jetty\\.version>");
        String runStage = lastFrom(Files.readString(DOCKERFILE));
        assertEquals("jetty:" + jettyVersion + "-jdk17-eclipse-temurin", runStage,
                "the run stage's base tag must carry pom.xml's jetty.version, which the tests' jetty-home uses");
        assertTrue(pom.contains("<artifactId>jetty-home</artifactId>\n                  <version>${jetty.version}</version>"),
                "the tests' jetty-home must be unpacked at ${jetty.version}");
    }

    /**
     * After an OutOfMemoryError any thread may have died half-way, one inside ONNX Runtime's native code too: the
     * image and the manifest end the JVM then, so that the container restarts cleanly (issue 15).
     */
    @Test
    void theImageAndTheManifestExitOnOutOfMemory() throws IOException {
        String image = group(Files.readString(DOCKERFILE), "(?m)^ENV JAVA_OPTIONS=\"([^\"]*)\"");
        assertTrue(image.contains("-XX:+ExitOnOutOfMemoryError"), image);
        String manifest = group(Files.readString(Path.of("deploy", "kubernetes", "deployment.yaml")),
                "- name: JAVA_OPTIONS\\s*\\n(?:\\s*#[^\\n]*\\n)*\\s*value: \"([^\"]*)\"");
        assertTrue(manifest.contains("-XX:+ExitOnOutOfMemoryError"), manifest);
    }

    @Test
    void buildsWithMavenOnTemurin17() throws IOException {
        String first = group(Files.readString(DOCKERFILE), "(?m)^FROM\\s+(\\S+)\\s+AS\\s+build\\s*$");
        assertTrue(first.matches("maven:[0-9.]+-eclipse-temurin-17"), first);
    }

    @Test
    void buildsTheImagesJettyBaseWithTheScriptTheTestsRun() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        assertTrue(dockerfile.contains("COPY deploy/jetty-base.sh"), "the image copies the shared script");
        assertTrue(dockerfile.matches("(?s).*\nRUN (SHARED_ONNXRUNTIME=1 )?bash /opt/tabserve/jetty-base.sh \"\\$JETTY_HOME\" \"\\$JETTY_BASE\"\n.*"),
                "the image runs the shared script on its JETTY_HOME and JETTY_BASE");
        assertTrue(dockerfile.matches("(?s).*COPY --from=build \\S+ \\S+/tabserve\\.war /var/lib/jetty/webapps/ROOT\\.war.*"),
                "the image deploys the WAR where the script does: webapps/ROOT.war");
        assertTrue(Files.readString(SCRIPT).contains("cp \"$war\" webapps/ROOT.war"));
    }

    @Test
    void sharesOnnxRuntimeFromLibExtAsTheTestsJettyBasesDo() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        assertTrue(dockerfile.contains("RUN SHARED_ONNXRUNTIME=1 bash /opt/tabserve/jetty-base.sh"),
                "the image runs the script with SHARED_ONNXRUNTIME=1, as Containers.startJettyBase does by default");
        int jar = dockerfile.indexOf("WEB-INF/lib/onnxruntime-*.jar /var/lib/jetty/lib/ext/");
        assertTrue(jar > 0 && jar < dockerfile.indexOf("RUN SHARED_ONNXRUNTIME=1"),
                "the WAR's onnxruntime jar is in lib/ext before the script fixes the class path in jetty.start");
        String script = Files.readString(SCRIPT);
        assertTrue(script.contains("jetty.webapp.addProtectedClasses+=,ai.onnxruntime."), "the script protects ai.onnxruntime.");
        assertTrue(Arrays.asList(group(script, "(?m)^MODULES=(\\S+)$").split(",")).contains("ext"),
                "the ext module puts lib/ext on the server class path");
    }

    @Test
    void enablesTheModulesTheWarNeedsAndThatExistInJettyHome() throws IOException {
        List<String> modules = Arrays.asList(group(Files.readString(SCRIPT), "(?m)^MODULES=(\\S+)$").split(","));
        assertTrue(modules.containsAll(List.of("server", "http", "ee10-deploy", "ee10-annotations", "graceful", "size-limit")),
                modules.toString());
        Path jettyHome = Path.of(System.getProperty("tabserve.jetty.home", "target/it/jetty-home-" + jettyVersion()));
        if (Files.isDirectory(jettyHome.resolve("modules"))) { // unpacked by the pre-integration-test phase
            for (String module : modules) {
                assertTrue(Files.isRegularFile(jettyHome.resolve("modules").resolve(module + ".mod")), module);
            }
        }
    }

    @Test
    void exposesAndHealthChecksPort8080OnTheReadinessRoute() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        assertTrue(dockerfile.contains("\nEXPOSE 8080\n"));
        assertTrue(dockerfile.contains("HEALTHCHECK") && dockerfile.contains("healthcheck.sh\", \"8080\"]"));
        assertTrue(Files.readString(Path.of("deploy", "healthcheck.sh")).contains("GET /health/ready "));
        assertTrue(dockerfile.contains("\nUSER jetty\n"), "runs as the image's non-root user");
    }

    static String jettyVersion() throws IOException {
        return group(Files.readString(Path.of("pom.xml")), "<jetty\\.version>([^<]+)</jetty\\.version>");
    }

    private static String lastFrom(String dockerfile) {
        Matcher m = Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(dockerfile);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex);
        return m.group(1);
    }
}
