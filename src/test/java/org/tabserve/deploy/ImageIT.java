package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Docker image, built from the unchanged Dockerfile by a real container engine and run: docs/deploy.md's block
 * marked {@code <!-- run by: ImageIT -->} ({@code deploy/image/build-and-check.sh}, read from the doc and run as it is
 * written there) builds the bases and the image with rootful podman, runs the image's own checks (the user, PID 1,
 * the read-only root, the memory limit, the models volume, the HEALTHCHECK, SIGTERM with a request in flight) and
 * takes it through a registry into an empty store; then this class runs the image once more, with its port published,
 * and the shared end-to-end checks against it. Where podman cannot run, the script says why (exit 69) and the class is
 * skipped with its words; any other failure fails it.
 */
class ImageIT extends DeploymentChecks {

    /** The script's exit code for "podman cannot run on this machine", said on its last line. */
    static final int CANNOT_RUN = 69;

    static final String IMAGE = "localhost/tabserve:latest";
    static final String CONTAINER = "tabserve-image-it";

    static ServerProcess image;

    /** The image's user, {@code jetty}, as the official image makes it. */
    private static final int JETTY_UID = 999;
    /** Where the container sees the suite's keys file and model. */
    private static final String SUITE_IN_CONTAINER = "/srv/tabserve-suite";
    /** The carded model's file name, which is its served name. */
    private static final String MODEL_FILE = "banknote-authenticator.onnx";

    @BeforeAll
    static void buildCheckAndStart() throws Exception {
        List<String> block = docBlock(Path.of("docs", "deploy.md"), "ImageIT");
        assertEquals(List.of("deploy/image/build-and-check.sh"), block, "the block ImageIT runs");
        Path log = Path.of("target", "image-it-build-and-check.log");
        Process script = new ProcessBuilder("bash", "-euo", "pipefail", "-c", String.join("\n", block))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!script.waitFor(25, TimeUnit.MINUTES)) {
            script.toHandle().descendants().forEach(ProcessHandle::destroy);
            script.destroy();
            throw new IllegalStateException("build-and-check.sh took over 25 minutes:\n" + tail(log));
        }
        String output = tail(log);
        System.out.println(output);
        String why = lastLine(log);
        assumeTrue(script.exitValue() != CANNOT_RUN, () -> "skipped, podman cannot run here: " + why);
        assertEquals(0, script.exitValue(), "build-and-check.sh failed:\n" + output);

        int port = ServerProcess.freePort();
        List<String> command = new ArrayList<>(List.of(
                "deploy/image/podman.sh",
                "run",
                "--rm",
                "--replace",
                "--name",
                CONTAINER,
                "--read-only",
                "--tmpfs",
                "/tmp:rw,exec",
                "-p",
                "127.0.0.1:" + port + ":8080"));
        // The suite's keys file and carded model are files of the test's machine: the container gets copies in a
        // volume of their own, owned by the image's user (jetty, uid 999; the keys file owner-only, as security.md
        // asks), and the variables name them where the container sees them.
        Path suite = Containers.freshDirectory("image-suite");
        Path keys = Files.copy(Path.of(ENVIRONMENT.get("TABSERVE_API_KEYS")), suite.resolve("keys"));
        Path model = Files.copy(Path.of(ENVIRONMENT.get("TABSERVE_MODEL")), suite.resolve(MODEL_FILE));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(model, PosixFilePermissions.fromString("rw-r--r--"));
        for (Path path : List.of(suite, keys, model)) {
            Files.setAttribute(path, "unix:uid", JETTY_UID);
            Files.setAttribute(path, "unix:gid", JETTY_UID);
        }
        command.addAll(List.of("-v", suite + ":" + SUITE_IN_CONTAINER + ":ro"));
        Map<String, String> environment = new java.util.TreeMap<>(ENVIRONMENT);
        environment.put("TABSERVE_API_KEYS", SUITE_IN_CONTAINER + "/keys");
        environment.put("TABSERVE_MODEL", SUITE_IN_CONTAINER + "/" + MODEL_FILE);
        environment.keySet().removeAll(SuiteIssuer.ENVIRONMENT.keySet()); // no sign-in here: noSignInBecause
        environment.keySet().removeAll(TraceChecks.ENVIRONMENT.keySet()); // no traces here: noTracesBecause
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            command.addAll(List.of("-e", variable.getKey() + "=" + variable.getValue()));
        }
        command.add(IMAGE);
        image = ServerProcess.start("image", command, Path.of("."), Map.of(), port);
        image.awaitReadiness(200, Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (image != null) {
            image.close(); // SIGTERM to podman, which hands it to the container
        }
    }

    /** The image's Jetty base starts from the official entrypoint's jetty.start without writing it again. */
    @Test
    void startsFromItsJettyStartWithoutWritingItAgain() {
        assertTrue(
                log().stream()
                        .anyMatch(
                                l -> l.contains("INFO:docker-entrypoint:jetty start from /var/lib/jetty/jetty.start")),
                String.join("\n", log()));
        assertTrue(log().stream().noneMatch(l -> l.contains("regenerating jetty.start")), String.join("\n", log()));
    }

    @Override
    URI base() {
        return image.base();
    }

    @Override
    public Optional<String> noTracesBecause() {
        return Optional.of("the suite's trace receiver listens on the host's 127.0.0.1, which the container on podman's"
                + " bridge network cannot reach; the image runs the Jetty base's WAR, which JettyBaseDeploymentIT"
                + " traces");
    }

    @Override
    public Optional<String> noSignInBecause() {
        return Optional.of("the suite's issuer listens on the host's 127.0.0.1, which the container on podman's bridge"
                + " network cannot reach, and the container sees every client by the address podman forwards it"
                + " from, not the loopback address each case starts from; the image runs the Jetty base's WAR, which"
                + " JettyBaseDeploymentIT signs in");
    }

    @Override
    List<String> log() {
        return image.output();
    }

    /** The commands of the fenced block under {@code <!-- run by: RUNNER -->} in a doc, comments left out. */
    static List<String> docBlock(Path doc, String runner) throws IOException {
        List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
        int marker = lines.indexOf("<!-- run by: " + runner + " -->");
        assertTrue(marker >= 0 && lines.get(marker + 1).equals("```sh"), doc + " has a block run by " + runner);
        List<String> commands = new ArrayList<>();
        for (int i = marker + 2; !lines.get(i).equals("```"); i++) {
            if (!lines.get(i).isBlank() && !lines.get(i).startsWith("#")) {
                commands.add(lines.get(i));
            }
        }
        return commands;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }

    private static String lastLine(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
    }
}
