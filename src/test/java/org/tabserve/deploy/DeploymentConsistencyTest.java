package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Docker image and the integration tests that stand in for it must describe the same deployment: the Jetty
 * version of the image's base tag is the jetty-home the tests unpack, both build the base with one script, and both
 * start it through one entrypoint script (which serves /models when it is mounted).
 */
class DeploymentConsistencyTest {

    static final Path DOCKERFILE = Path.of("Dockerfile");
    static final Path SCRIPT = Path.of("deploy", "jetty-base.sh");
    static final Path ENTRYPOINT = Containers.ENTRYPOINT;

    /**
     * The Jetty image's tag and the run stage's JETTY_VERSION (which the official entrypoint compares with jetty.start's)
     * carry pom.xml's jetty.version, the jetty-home the tests unpack; the run stage is Temurin's JRE (issue 94).
     */
    @Test
    void runsOnTheJettyImageOfTheJettyHomeVersionTheTestsUse() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        String jettyVersion = group(pom, "<jetty\\.version>([^<]+)</jetty\\.version>");
        String dockerfile = Files.readString(DOCKERFILE);
        assertEquals(
                "jetty:" + jettyVersion + "-jdk17-eclipse-temurin",
                group(dockerfile, "(?m)^FROM\\s+(\\S+)\\s+AS\\s+jetty\\s*$"),
                "the Jetty image's tag must carry pom.xml's jetty.version, which the tests' jetty-home uses");
        String run = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
        assertEquals("eclipse-temurin:17-jre", lastFrom(dockerfile), "the run stage: Temurin 17's JRE");
        assertEquals(jettyVersion, group(run, "(?m)^ENV JETTY_VERSION=(\\S+)$"), "the run stage's JETTY_VERSION");
        assertTrue(
                pom.contains(
                        "<artifactId>jetty-home</artifactId>\n                  <version>${jetty.version}</version>"),
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
        for (Path file : List.of(
                Path.of("deploy", "kubernetes", "deployment.yaml"),
                Path.of("deploy", "kubernetes", "with-models", "deployment.yaml"))) {
            String manifest = group(
                    Files.readString(file), "- name: JAVA_OPTIONS\\s*\\n(?:\\s*#[^\\n]*\\n)*\\s*value: \"([^\"]*)\"");
            assertTrue(manifest.contains("-XX:+ExitOnOutOfMemoryError"), file + ": " + manifest);
        }
    }

    /**
     * The image makes its AppCDS archive with the script JettyBaseCdsIT runs, once the WAR and the base are in place
     * and with the memory settings it runs with, then starts with that archive, as the manifests that run the image's
     * Jetty base do: a flag naming another file would silently cost the start what the archive saves.
     */
    @Test
    void theImageMakesItsAppCdsArchiveAfterTheWarAndStartsWithIt() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        String archive = group(dockerfile, "(?m)^RUN bash /opt/tabserve/cds-archive\\.sh \"\\$JETTY_BASE\" (\\S+)$");
        int training = dockerfile.indexOf("RUN bash /opt/tabserve/cds-archive.sh");
        assertTrue(
                dockerfile.matches(
                        "(?s).*\nCOPY (deploy/\\S+ )*deploy/cds-archive\\.sh (deploy/\\S+ )*/opt/tabserve/\n.*"),
                "the image copies deploy/cds-archive.sh to /opt/tabserve/");
        assertTrue(
                training > dockerfile.indexOf("RUN bash /opt/tabserve/unpack-war.sh")
                        && training > dockerfile.indexOf("RUN SHARED_ONNXRUNTIME=1")
                        && training > dockerfile.indexOf("ENV JAVA_OPTIONS=")
                        && training > dockerfile.indexOf("ENV MALLOC_ARENA_MAX"),
                "the training start runs on the finished base, with the image's settings");
        assertEquals(
                "${JAVA_OPTIONS} -XX:SharedArchiveFile=" + archive,
                group(dockerfile.substring(training), "(?m)^ENV JAVA_OPTIONS=\"([^\"]*)\""));
        for (Path file : List.of(
                Path.of("deploy", "kubernetes", "deployment.yaml"),
                Path.of("deploy", "kubernetes", "with-models", "deployment.yaml"))) {
            String manifest = group(
                    Files.readString(file), "- name: JAVA_OPTIONS\\s*\\n(?:\\s*#[^\\n]*\\n)*\\s*value: \"([^\"]*)\"");
            assertEquals(
                    group(dockerfile, "(?m)^ENV JAVA_OPTIONS=\"([^\"]*)\"") + " -XX:SharedArchiveFile=" + archive,
                    manifest,
                    file + " sets the image's JAVA_OPTIONS, the archive's flag included");
        }
        // The KServe runtimes run the image's Jetty base too, with a heap of their own (MaxRAMPercentage): their
        // JAVA_OPTIONS replace the image's, so they name the archive and the exit on OutOfMemoryError themselves.
        for (Path file : List.of(
                Path.of("deploy", "kserve", "servingruntime.yaml"),
                Path.of("deploy", "kserve", "servingruntime-multi.yaml"))) {
            String runtime = group(
                    Files.readString(file), "- name: JAVA_OPTIONS\\s*\\n(?:\\s*#[^\\n]*\\n)*\\s*value: \"([^\"]*)\"");
            assertTrue(
                    runtime.endsWith(" -XX:SharedArchiveFile=" + archive)
                            && runtime.contains("-XX:+ExitOnOutOfMemoryError"),
                    file + ": " + runtime);
        }
    }

    /**
     * The run stage is a JRE, without jar or unzip to take files out of the WAR and ONNX Runtime's jar: the Jetty base
     * is made in a stage on the Jetty image (its JDK), and the run stage runs neither script, only copies what they
     * made, with that image's jetty-home and entrypoint scripts, as the user that image runs as (issue 94: the image
     * on a JRE; Jetty publishes no JRE image of 12.1).
     */
    @Test
    void makesTheJettyBaseOnTheJettyImageAndRunsItsJettyHomeOnTheJre() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        assertTrue(
                dockerfile.matches("(?s).*\nFROM jetty AS base\nUSER root\n.*"), "the base stage on the Jetty image");
        String base = dockerfile.substring(dockerfile.indexOf(" AS base\n"), dockerfile.lastIndexOf("\nFROM "));
        assertTrue(base.contains("\nRUN SHARED_ONNXRUNTIME=1 bash /opt/tabserve/jetty-base.sh"), base);
        assertTrue(base.contains("\nRUN bash /opt/tabserve/unpack-war.sh"), base);
        String run = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
        assertFalse(
                run.contains("jetty-base.sh") || run.contains("unpack-war.sh"),
                "the run stage runs no script that" + " needs jar or unzip");
        assertTrue(run.contains("\nCOPY --from=jetty --chown=jetty:jetty /usr/local/jetty /usr/local/jetty\n"), run);
        assertTrue(run.contains("\nCOPY --from=jetty /docker-entrypoint.sh /generate-jetty-start.sh /\n"), run);
        assertTrue(run.contains("groupadd -r jetty && useradd -r -g jetty jetty"), "the official step's user: " + run);
        for (String env : List.of(
                "JETTY_HOME=/usr/local/jetty",
                "JETTY_BASE=/var/lib/jetty",
                "TMPDIR=/tmp/jetty",
                "PATH=$JETTY_HOME/bin:$PATH")) {
            assertTrue(run.contains("\nENV " + env + "\n"), "the official image's ENV " + env);
        }
        assertTrue(run.contains("\nWORKDIR $JETTY_BASE\nUSER jetty\n"), run);
        assertTrue(run.contains("\nCOPY --from=base --chown=jetty:jetty /var/lib/jetty/ /var/lib/jetty/\n"), run);
        // The web app once, unpacked: no WAR beside it (107 MB), since nothing in the image runs one, the KServe
        // runtimes included (they start the Jetty base: KServeManifestsTest), and none left in the base stage's
        // JETTY_BASE, which the run stage copies whole.
        assertFalse(run.contains(".war") || run.contains("/war/"), "no WAR in the run stage: " + run);
        assertFalse(
                base.matches("(?s).*COPY --from=build \\S+\\.war /var/lib/jetty/.*"), "no WAR in JETTY_BASE: " + base);
    }

    @Test
    void buildsWithMavenOnTemurin17() throws IOException {
        String first = group(Files.readString(DOCKERFILE), "(?m)^FROM\\s+(\\S+)\\s+AS\\s+build\\s*$");
        assertTrue(first.matches("maven:[0-9.]+-eclipse-temurin-17"), first);
    }

    /**
     * The build stage copies every input of the main build that pom.xml names: its resource directories (the Python
     * client among them, without which the WAR refuses to start), the web app's directory and the bundled model. A
     * directory copied whole covers what is under it.
     */
    @Test
    void theBuildStageCopiesEveryInputOfTheMainBuild() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        String build = dockerfile.substring(dockerfile.indexOf(" AS build"), dockerfile.lastIndexOf("\nFROM "));
        List<String> copied = new ArrayList<>();
        Matcher copy = Pattern.compile("(?m)^COPY (?!--)(\\S+) \\S+$").matcher(build);
        while (copy.find()) {
            copied.add(copy.group(1).replaceAll("/$", ""));
        }
        String pom = Files.readString(Path.of("pom.xml"));
        List<String> inputs = new ArrayList<>(List.of("model.onnx", "src/main/java", "src/main/proto"));
        Matcher resource =
                Pattern.compile("<resource>\\s*<directory>([^<$]+)</directory>").matcher(pom);
        while (resource.find()) {
            inputs.add(resource.group(1));
        }
        inputs.add(group(pom, "<warSourceDirectory>\\$\\{project.basedir}/([^<]+)</warSourceDirectory>"));
        // the model core's POM, which `package` writes beside the core's jar (the core-library step)
        inputs.add(group(pom, "\\$\\{project.basedir}/(src/[^/]+)/tabserve-core\\.pom"));
        assertTrue(inputs.contains("clients/python"), "pom.xml's resources: " + inputs);
        for (String input : inputs) {
            assertTrue(
                    copied.stream().anyMatch(c -> input.equals(c) || input.startsWith(c + "/")),
                    "the build stage copies " + input + " (it copies " + copied + ")");
        }
        // .dockerignore leaves out everything but what it lets through (`*`, then `!path`): each COPY's source must be.
        List<String> letThrough = Files.readAllLines(Path.of(".dockerignore")).stream()
                .filter(l -> l.startsWith("!"))
                .map(l -> l.substring(1).replaceAll("/$", ""))
                .toList();
        for (String source : copied) {
            assertTrue(
                    letThrough.stream().anyMatch(l -> source.equals(l) || source.startsWith(l + "/")),
                    ".dockerignore lets " + source + " into the build context (it lets " + letThrough + ")");
        }
    }

    /** The image says where its source is, which commit and version it is and its licence (OCI's labels). */
    @Test
    void labelsTheImageWithItsSourceRevisionVersionAndLicence() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        for (String label : List.of("source", "revision", "version", "licenses")) {
            assertTrue(
                    dockerfile.contains("org.opencontainers.image." + label + "="),
                    "the Dockerfile sets org.opencontainers.image." + label);
        }
        String script = Files.readString(Path.of("deploy", "image", "build-and-check.sh"));
        for (String argument : List.of("SOURCE", "REVISION", "VERSION")) {
            assertTrue(dockerfile.contains("ARG " + argument + "="), "the Dockerfile declares ARG " + argument);
            assertTrue(script.contains("--build-arg " + argument + "="), "build-and-check.sh passes " + argument);
        }
    }

    @Test
    void buildsTheImagesJettyBaseWithTheScriptTheTestsRun() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        assertTrue(dockerfile.contains("COPY deploy/jetty-base.sh"), "the image copies the shared script");
        assertTrue(
                dockerfile.matches(
                        "(?s).*\nRUN (SHARED_ONNXRUNTIME=1 )?bash /opt/tabserve/jetty-base.sh \"\\$JETTY_HOME\" \"\\$JETTY_BASE\"\n.*"),
                "the image runs the shared script on its JETTY_HOME and JETTY_BASE");
        // Unpacked at build time, by the script the tests' bases run: never a webapps/ROOT.war, which Jetty would
        // unpack at every start into java.io.tmpdir (a tmpfs /tmp: the container's memory).
        assertTrue(
                dockerfile.matches(
                        "(?s).*COPY (deploy/\\S+ )*deploy/unpack-war\\.sh (deploy/\\S+ )*/opt/tabserve/\n.*"),
                "the image copies deploy/unpack-war.sh to /opt/tabserve/");
        assertTrue(
                dockerfile.matches("(?s).*COPY --from=build (--\\S+ )*\\S+/tabserve\\.war (\\S+)\n"
                        + "RUN bash /opt/tabserve/unpack-war\\.sh \"\\$JETTY_BASE\" \\2\n.*"),
                "the image unpacks the WAR into webapps/ROOT/ as the script does");
        assertFalse(dockerfile.contains("webapps/ROOT.war"), "no WAR in webapps/");
        assertTrue(Files.readString(SCRIPT).contains("bash \"$script_dir/unpack-war.sh\" \"$jetty_base\" \"$war\""));
    }

    /**
     * The image's java.io.tmpdir (its TMPDIR, which the Jetty image's entrypoint passes on) is a volume, so that
     * spooled uploads and models' copies are on disk, not in a tmpfs /tmp that is the container's memory; and the
     * Kubernetes manifests, which have no volume there unless they mount one, mount their /tmp emptyDir there too.
     */
    @Test
    void theImagesTemporaryFilesAreOnAVolumeNotInMemory() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        // the last ENV TMPDIR: the run stage's first, the official image's /tmp/jetty, is what the image replaces
        String tmpdir = group(dockerfile.substring(dockerfile.lastIndexOf("\nENV TMPDIR=")), "(?m)^ENV TMPDIR=(\\S+)$");
        assertTrue(dockerfile.contains("\nVOLUME [\"" + tmpdir + "\"]\n"), "TMPDIR " + tmpdir + " is a VOLUME");
        assertTrue(
                dockerfile.lastIndexOf("ENV TMPDIR=") > dockerfile.indexOf("RUN bash /opt/tabserve/cds-archive.sh"),
                "the training start leaves nothing in the volume's directory");
        for (Path file : List.of(
                Path.of("deploy", "kubernetes", "deployment.yaml"),
                Path.of("deploy", "kubernetes", "with-models", "deployment.yaml"),
                Path.of("deploy", "kserve", "servingruntime.yaml"),
                Path.of("deploy", "kserve", "servingruntime-multi.yaml"))) {
            assertTrue(
                    Files.readString(file).contains("mountPath: " + tmpdir + "\n"),
                    file + " mounts a volume at the image's TMPDIR " + tmpdir);
        }
    }

    @Test
    void sharesOnnxRuntimeFromLibExtAsTheTestsJettyBasesDo() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        assertTrue(
                dockerfile.contains("RUN SHARED_ONNXRUNTIME=1 bash /opt/tabserve/jetty-base.sh"),
                "the image runs the script with SHARED_ONNXRUNTIME=1, as Containers.startJettyBase does by default");
        int jar = dockerfile.indexOf("WEB-INF/lib/onnxruntime-*.jar /var/lib/jetty/lib/ext/");
        assertTrue(
                jar > 0 && jar < dockerfile.indexOf("RUN SHARED_ONNXRUNTIME=1"),
                "the WAR's onnxruntime jar is in lib/ext before the script fixes the class path in jetty.start");
        String script = Files.readString(SCRIPT);
        assertTrue(
                script.contains("jetty.webapp.addProtectedClasses+=,ai.onnxruntime."),
                "the script protects ai.onnxruntime.");
        assertTrue(
                Arrays.asList(group(script, "(?m)^MODULES=(\\S+)$").split(",")).contains("ext"),
                "the ext module puts lib/ext on the server class path");
    }

    /**
     * The modules exist in jetty-home or are the script's own (it writes {@code modules/NAME.mod}); HTTP/2 cleartext
     * is the script's {@code tabserve-h2c}, never Jetty's {@code http2c}, which would also upgrade HTTP/1.1 requests
     * (JettyBaseDeploymentIT's chunked upload over the limit would lose its 413).
     */
    @Test
    void enablesTheModulesTheWarNeedsAndThatExistInJettyHome() throws IOException {
        String script = Files.readString(SCRIPT);
        List<String> modules =
                Arrays.asList(group(script, "(?m)^MODULES=(\\S+)$").split(","));
        assertTrue(
                modules.containsAll(List.of(
                        "server",
                        "http",
                        "ee10-deploy",
                        "ee10-annotations",
                        "graceful",
                        "size-limit",
                        "tabserve-h2c",
                        "tabserve-stop")),
                modules.toString());
        assertTrue(!modules.contains("http2c") && !modules.contains("http2"), modules.toString());
        assertTrue(
                script.contains("<New class=\"org.tabserve.launcher.PriorKnowledgeH2c\">"), "tabserve-h2c's factory");
        Path jettyHome = Path.of(System.getProperty("tabserve.jetty.home", "target/it/jetty-home-" + jettyVersion()));
        for (String module : modules) {
            boolean own = script.contains("cat > modules/" + module + ".mod <<");
            if (Files.isDirectory(jettyHome.resolve("modules"))) { // unpacked by the pre-integration-test phase
                assertTrue(
                        own != Files.isRegularFile(jettyHome.resolve("modules").resolve(module + ".mod")), module);
            }
        }
    }

    /** The image puts the WAR's launcher jar (tabserve-h2c's factory) in the base before the script needs it. */
    @Test
    void putsTheLauncherJarInTheBaseBeforeTheScriptAsTheTestsJettyBasesDo() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        int jar = dockerfile.indexOf("WEB-INF/lib-jetty/tabserve-launcher.jar /var/lib/jetty/lib/tabserve/");
        assertTrue(jar > 0 && jar < dockerfile.indexOf("RUN SHARED_ONNXRUNTIME=1"), dockerfile);
        assertTrue(Files.readString(SCRIPT).contains("lib/tabserve/tabserve-launcher.jar\n"), "the module's [lib]");
    }

    @Test
    void exposesAndHealthChecksPort8080OnTheReadinessRoute() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        assertTrue(dockerfile.contains("\nEXPOSE 8080\n"));
        assertTrue(dockerfile.contains("HEALTHCHECK") && dockerfile.contains("healthcheck.sh\", \"8080\"]"));
        assertTrue(Files.readString(Path.of("deploy", "healthcheck.sh")).contains("GET /health/ready "));
        assertTrue(dockerfile.contains("\nUSER jetty\n"), "runs as the image's non-root user");
    }

    /**
     * The image's entrypoint is deploy/entrypoint.sh (which JettyBaseModelsMountIT runs in front of the Jetty base)
     * handing over to the Jetty image's own, with the base image's CMD declared again: setting ENTRYPOINT clears the
     * inherited CMD, and without it the container would start nothing.
     */
    @Test
    void startsThroughTheEntrypointScriptTheTestsRunThenTheJettyImagesOwn() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        assertTrue(
                dockerfile.matches(
                        "(?s).*\nCOPY (deploy/\\S+ )*deploy/entrypoint\\.sh (deploy/\\S+ )*/opt/tabserve/\n.*"),
                "the image copies deploy/entrypoint.sh to /opt/tabserve/");
        assertEquals(
                "[\"/bin/sh\", \"/opt/tabserve/entrypoint.sh\", \"/docker-entrypoint.sh\"]",
                group(dockerfile, "(?m)^ENTRYPOINT (.+)$"));
        assertEquals(
                "[\"java\", \"-jar\", \"/usr/local/jetty/start.jar\"]",
                group(dockerfile, "(?m)^CMD (.+)$"),
                "the official Jetty image's CMD");
        assertTrue(dockerfile.indexOf("\nENTRYPOINT ") > dockerfile.indexOf("\nUSER jetty\n"));
    }

    /** What deploy/entrypoint.sh decides, run with a real shell: TABSERVE_MODELS only when the mount is there. */
    @Test
    void theEntrypointServesTheMountOnlyWhenItExistsAndNothingElseWasChosen(@TempDir Path temp) throws Exception {
        Path mount = Files.createDirectories(temp.resolve("models"));
        Path absent = temp.resolve("absent");
        assertEquals(mount.toString(), modelsAfterEntrypoint(Map.of("TABSERVE_MODELS_MOUNT", mount.toString())));
        assertEquals(
                "",
                modelsAfterEntrypoint(Map.of("TABSERVE_MODELS_MOUNT", absent.toString())),
                "no mount: the bundled model");
        assertEquals(
                "",
                modelsAfterEntrypoint(
                        Map.of("TABSERVE_MODELS_MOUNT", mount.toString(), "TABSERVE_MODEL", "/models/model.onnx")),
                "a model file chosen: left alone");
        assertEquals(
                "/srv/m",
                modelsAfterEntrypoint(Map.of("TABSERVE_MODELS_MOUNT", mount.toString(), "TABSERVE_MODELS", "/srv/m")),
                "a directory chosen: left alone");
        assertEquals(
                "",
                modelsAfterEntrypoint(Map.of("TABSERVE_MODELS_MOUNT", mount.toString()), "--models=/mnt/models"),
                "java -jar ... --models: left alone, the flag would win anyway");
        assertEquals(
                "",
                modelsAfterEntrypoint(Map.of("TABSERVE_MODELS_MOUNT", mount.toString()), "--model", "/m.onnx"),
                "java -jar ... --model: left alone, else the launcher refuses both");
        assertEquals(
                "/models",
                group(Files.readString(ENTRYPOINT), "TABSERVE_MODELS_MOUNT:-(/[^}]+)}"),
                "the image looks at /models");
    }

    /** Runs {@code sh deploy/entrypoint.sh sh -c 'echo "$TABSERVE_MODELS"' ARGS} and returns what the command saw. */
    private static String modelsAfterEntrypoint(Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(
                List.of("sh", ENTRYPOINT.toString(), "sh", "-c", "printf '%s' \"${TABSERVE_MODELS:-}\"", "sh"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(k -> k.startsWith("TABSERVE_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && process.exitValue() == 0, out);
        return out;
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
