package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every FROM of the Dockerfile names a tag its official repository publishes, so that {@code docker build} where a
 * registry serves the bases pulls each of them (issue 94: {@code jetty:12.1.12-jre17-eclipse-temurin}, a variant
 * jetty/jetty.docker makes only up to 12.0, was "manifest unknown"); and build-and-check.sh makes a stand-in for
 * each under that name, where none does.
 */
class ImageBaseTagsTest {

    static final Path SOURCE = Path.of("deploy", "image", "jetty.docker", "SOURCE");
    static final Path SCRIPT = Path.of("deploy", "image", "build-and-check.sh");

    @Test
    void everyFromNamesATagTheOfficialRepositoriesPublish() throws IOException {
        String dockerfile = Files.readString(DeploymentConsistencyTest.DOCKERFILE);
        List<String> images = baseImages(dockerfile);
        for (String image : images) {
            assertEquals("", refusal(image, dockerfile, jettyVariants(), javaRelease()), image);
        }
        assertEquals(3, images.size(), "the build's Maven, the Jetty image and the JRE: " + images);
    }

    /** The rule itself: the JRE variant of 12.1 is refused, naming the variants there are; 12.0's had one. */
    @Test
    void refusesAJettyVariantThatJettyDockerDoesNotMake() throws IOException {
        Map<String, List<String>> variants = jettyVariants();
        assertFalse(variants.get("12.1").contains("jre17"), variants.toString());
        String cited = "eclipse-temurin/12.1/jdk17 eclipse-temurin/12.1/jre17 eclipse-temurin/12.0/jre17";
        String refused = refusal("jetty:12.1.12-jre17-eclipse-temurin", cited, variants, "17");
        assertTrue(refused.contains("no eclipse-temurin/12.1/jre17") && refused.contains("jdk17"), refused);
        assertEquals("", refusal("jetty:12.1.12-jdk17-eclipse-temurin", cited, variants, "17"));
        assertEquals("", refusal("jetty:12.0.39-jre17-eclipse-temurin", cited, variants, "17"));
        assertFalse(
                refusal("jetty:12.1.12-jdk17-eclipse-temurin", "", variants, "17")
                        .isEmpty(),
                "uncited");
        assertFalse(
                refusal("eclipse-temurin:17-jre-headless", "", variants, "17").isEmpty());
        assertFalse(refusal("eclipse-temurin:21-jre", "", variants, "17").isEmpty());
        assertFalse(
                refusal("maven:3.9.11-eclipse-temurin-21", "", variants, "17").isEmpty());
        assertFalse(refusal("localhost/jetty:12.1.12-jdk17-eclipse-temurin", cited, variants, "17")
                .isEmpty());
    }

    /** build-and-check.sh makes a stand-in for each base under its Docker Hub name, and for nothing else. */
    @Test
    void theScriptMakesAStandInForEachBaseUnderItsOfficialName() throws IOException {
        String script = Files.readString(SCRIPT);
        List<String> named = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^[A-Z_]+_IMAGE=docker\\.io/library/(\\S+)$")
                .matcher(script);
        while (m.find()) {
            named.add(m.group(1));
        }
        assertEquals(
                baseImages(Files.readString(DeploymentConsistencyTest.DOCKERFILE)).stream()
                        .sorted()
                        .toList(),
                named.stream().sorted().toList(),
                "build-and-check.sh's docker.io/library/ names");
    }

    /**
     * Why IMAGE cannot be pulled from Docker Hub's official repositories, or "" when it can: jetty's tags are
     * {@code VERSION-VARIANT-eclipse-temurin}, VARIANT one of jetty.docker's directories under
     * {@code eclipse-temurin/SERIES/} (which the Dockerfile must cite); Temurin's {@code RELEASE-jdk} and
     * {@code RELEASE-jre}; Maven's {@code VERSION-eclipse-temurin-RELEASE}, RELEASE the project's Java release.
     */
    static String refusal(String image, String dockerfile, Map<String, List<String>> variants, String release) {
        Matcher jetty = Pattern.compile("jetty:((\\d+\\.\\d+)\\.\\d+)-([a-z0-9-]+?)-eclipse-temurin")
                .matcher(image);
        if (jetty.matches()) {
            String series = jetty.group(2);
            String variant = jetty.group(3);
            List<String> made = variants.getOrDefault(series, List.of());
            if (!made.contains(variant)) {
                return image + ": jetty.docker has no eclipse-temurin/" + series + "/" + variant + " (" + series
                        + "'s variants: " + made + "; " + SOURCE + ")";
            }
            String path = "eclipse-temurin/" + series + "/" + variant;
            return dockerfile.contains(path) ? "" : image + ": the Dockerfile does not cite jetty.docker's " + path;
        }
        Matcher temurin = Pattern.compile("eclipse-temurin:(\\d+)-(jdk|jre)").matcher(image);
        if (temurin.matches()) {
            return temurin.group(1).equals(release) ? "" : image + ": not Java " + release;
        }
        Matcher maven = Pattern.compile("maven:\\d+\\.\\d+\\.\\d+-eclipse-temurin-(\\d+)")
                .matcher(image);
        if (maven.matches()) {
            return maven.group(1).equals(release) ? "" : image + ": not Java " + release;
        }
        return image + ": not a tag of the official jetty, eclipse-temurin or maven repositories";
    }

    /** The images the Dockerfile's FROM lines name, each once, leaving out its own stages ({@code FROM jetty AS base}). */
    static List<String> baseImages(String dockerfile) {
        List<String> stages = new ArrayList<>();
        List<String> images = new ArrayList<>();
        Matcher m =
                Pattern.compile("(?m)^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$").matcher(dockerfile);
        while (m.find()) {
            if (!stages.contains(m.group(1)) && !images.contains(m.group(1))) {
                images.add(m.group(1));
            }
            if (m.group(2) != null) {
                stages.add(m.group(2));
            }
        }
        return images;
    }

    /** The variants of each Jetty series SOURCE lists from jetty.docker's tree ({@code variants 12.1: jdk17 ...}). */
    static Map<String, List<String>> jettyVariants() throws IOException {
        Map<String, List<String>> variants = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s+variants (\\d+\\.\\d+): (.+)$").matcher(Files.readString(SOURCE));
        while (m.find()) {
            variants.put(m.group(1), Arrays.asList(m.group(2).trim().split("\\s+")));
        }
        assertTrue(variants.containsKey("12.1"), SOURCE + " lists 12.1's variants");
        return variants;
    }

    private static String javaRelease() throws IOException {
        Matcher m = Pattern.compile("<maven\\.compiler\\.release>(\\d+)</maven\\.compiler\\.release>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), "pom.xml's maven.compiler.release");
        return m.group(1);
    }
}
