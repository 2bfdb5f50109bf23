package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
 * The Docker image, built from the unchanged Dockerfile by a real container engine and run: docs/deploy.md's blocks
 * marked {@code <!-- run by: ImageIT -->}, read from the doc and run as they are written there, with a free port for
 * 8080. First the script's first second: with the port held by this class, {@code deploy/image/build-and-check.sh
 * --port N} is refused at once, naming the port, before anything is built. Then {@code
 * deploy/image/build-and-check.sh --build-only} (the Docker section's way where no registry serves the bases) and
 * {@code deploy/image/build-and-check.sh --port 8080} build the bases and the image with rootful podman, run the
 * image's own checks (the user, PID 1, the read-only root, the memory limit, the models volume, the HEALTHCHECK,
 * SIGTERM with a request in flight) and take it through a registry into an empty store on that port; then this class
 * runs the image as {@code deploy/image/podman.sh run --rm -p 8080:8080 tabserve} does, with its port, a read-only root
 * and the suite's settings added, and the shared end-to-end checks against it. Where podman cannot run, the script
 * says why (exit 69) and the class is skipped with its words; any other failure fails it.
 */
class ImageIT extends DeploymentChecks {

    /** The script's exit code for "podman cannot run on this machine", said on its last line. */
    static final int CANNOT_RUN = 69;

    static final String CONTAINER = "tabserve-image-it";

    static ServerProcess image;

    /** The image's user, {@code jetty}, as the official image makes it. */
    private static final int JETTY_UID = 999;
    /** Where the container sees the suite's keys file and model. */
    private static final String SUITE_IN_CONTAINER = "/srv/tabserve-suite";
    /** The carded model's file name, which is its served name. */
    private static final String MODEL_FILE = "banknote-authenticator.onnx";

    /** The commands of the blocks that name this class, as docs/deploy.md writes them. */
    static final List<String> STEPS = List.of(
            "deploy/image/build-and-check.sh --build-only",
            "deploy/image/podman.sh run --rm -p 8080:8080 tabserve",
            "deploy/image/build-and-check.sh --port 8080");

    @BeforeAll
    static void buildCheckAndStart() throws Exception {
        assertEquals(STEPS, DeployDoc.steps(ImageIT.class), "the blocks ImageIT runs");
        refusesATakenPortAtOnce(STEPS.get(2));
        run(STEPS.get(0), "image-it-build-only.log");
        int published = ServerProcess.freePort();
        run(STEPS.get(2).replace("--port 8080", "--port " + published), "image-it-build-and-check.log");

        int port = ServerProcess.freePort();
        // The Docker section's command, with the suite's additions before the image's name: a name to find it by, a
        // read-only root as the page runs it, a port of the test's on loopback, the suite's files and settings.
        List<String> written = List.of(STEPS.get(1).split(" "));
        assertEquals("tabserve", written.get(written.size() - 1));
        List<String> command = new ArrayList<>();
        for (String word : written.subList(0, written.size() - 1)) {
            command.add(word.equals("8080:8080") ? "127.0.0.1:" + port + ":8080" : word);
        }
        command.addAll(List.of("--replace", "--name", CONTAINER, "--read-only", "--tmpfs", "/tmp:rw,exec"));
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
        command.add(written.get(written.size() - 1));
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

    /**
     * The script's first second: with {@code port} held (a listener on loopback, as any server's), the documented
     * command on that port ends at once, before any build, with 2 and words naming the port. The bound, a minute, is
     * the slack of a loaded machine around what takes a second; without the check the script went on to build.
     */
    static void refusesATakenPortAtOnce(String documented) throws Exception {
        try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = held.getLocalPort();
            Path log = Path.of("target", "image-it-taken-port.log");
            Process script = new ProcessBuilder(
                            "bash", "-euo", "pipefail", "-c", documented.replace("--port 8080", "--port " + port))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!script.waitFor(1, TimeUnit.MINUTES)) {
                script.toHandle().descendants().forEach(ProcessHandle::destroy);
                script.destroy();
                script.waitFor(1, TimeUnit.MINUTES);
                throw new AssertionError("build-and-check.sh went on with port " + port + " taken:\n" + tail(log));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assumeTrue(script.exitValue() != CANNOT_RUN, () -> "skipped, podman cannot run here: " + output.strip());
            assertEquals(2, script.exitValue(), output);
            assertTrue(output.contains("port " + port + " is taken"), output);
            assertFalse(output.contains("building"), output);
        }
    }

    /** Runs a command of the page with bash, to its end; a status of 69 skips the class with its last line. */
    private static void run(String command, String logName) throws Exception {
        Path log = Path.of("target", logName);
        Process script = new ProcessBuilder("bash", "-euo", "pipefail", "-c", command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!script.waitFor(25, TimeUnit.MINUTES)) {
            script.toHandle().descendants().forEach(ProcessHandle::destroy);
            script.destroy();
            throw new IllegalStateException(command + " took over 25 minutes:\n" + tail(log));
        }
        String output = tail(log);
        System.out.println(output);
        String why = lastLine(log);
        assumeTrue(script.exitValue() != CANNOT_RUN, () -> "skipped, podman cannot run here: " + why);
        assertEquals(0, script.exitValue(), command + " failed:\n" + output);
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
