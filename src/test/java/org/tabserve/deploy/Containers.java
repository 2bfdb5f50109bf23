package org.tabserve.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.tabserve.testing.TabserveProcess;

/**
 * Starts the packaged WAR in the real containers that failsafe's {@code pre-integration-test} unpacked from Maven
 * Central, and Debian's: a Jetty base built by {@code deploy/jetty-base.sh} (what the Docker image runs), and Tomcat
 * (Debian's 10.1, Maven Central's 11) set up by the steps docs/deploy.md gives.
 */
final class Containers {

    /** The image's ENTRYPOINT script (the Dockerfile copies it to /opt/tabserve/). */
    static final Path ENTRYPOINT = Path.of("deploy", "entrypoint.sh");

    private Containers() {}

    static Path jettyHome() {
        return Path.of(System.getProperty("tabserve.jetty.home", "target/it/jetty-home"))
                .toAbsolutePath();
    }

    /** Tomcat 11 as Maven Central has it (org.apache.tomcat:tomcat tar.gz), unpacked by failsafe's pre-integration-test. */
    static Path tomcat11Home() {
        return Path.of(System.getProperty("tabserve.tomcat11.home", "target/it/apache-tomcat-11"))
                .toAbsolutePath();
    }

    /**
     * Writes {@code text} to {@code target/it/FOLDER/NAME}, the file and its folder readable by their owner alone, as
     * the app asks of a file of credentials (docs/security.md).
     */
    static Path ownerOnlyFile(String folder, String name, String text) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "it", folder)).toAbsolutePath();
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Path file = dir.resolve(name);
            Files.writeString(file, text);
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The directory for one test's container, emptied. */
    static Path freshDirectory(String name) throws IOException {
        Path dir = Path.of("target", "it", name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    /** How {@code deploy/jetty-base.sh} sets up ONNX Runtime in the base. */
    enum OnnxRuntimeSetup {
        /** The script's default: each deployment of the web app loads its own WEB-INF/lib copy. */
        PER_WEBAPP("0"),
        /** {@code SHARED_ONNXRUNTIME=1}, as the Docker image: loaded once, from the base's lib/ext. */
        SHARED("1");

        final String variable;

        OnnxRuntimeSetup(String variable) {
            this.variable = variable;
        }
    }

    /** {@link #startJettyBase(String, OnnxRuntimeSetup, Map, String...)} set up as the Docker image is. */
    static ServerProcess startJettyBase(String name, Map<String, String> environment, String... properties)
            throws IOException, InterruptedException {
        return startJettyBase(name, OnnxRuntimeSetup.SHARED, environment, properties);
    }

    /**
     * Builds {@code target/it/NAME/base} with the shared script (the WAR unpacked into {@code webapps/ROOT/}) and starts it
     * as the image does: {@code java -Djava.io.tmpdir=... -jar $JETTY_HOME/start.jar} in the base, on a free port.
     *
     * @param properties extra {@code name=value} start properties, e.g. a deploy scan interval
     */
    static ServerProcess startJettyBase(
            String name, OnnxRuntimeSetup setup, Map<String, String> environment, String... properties)
            throws IOException, InterruptedException {
        return startJettyBase(name, setup, List.of(), false, environment, properties);
    }

    /**
     * {@link #startJettyBase(String, Map, String...)} with the image's memory bounds ({@code JAVA_OPTIONS}: the shipped
     * heap, collector and exit on running out of memory), for the deployment suite's hostile cases.
     */
    static ServerProcess startJettyBaseWithShippedBounds(String name, Map<String, String> environment)
            throws IOException, InterruptedException {
        Map<String, String> shipped = new java.util.HashMap<>(environment);
        shipped.putAll(TabserveProcess.SHIPPED_ENVIRONMENT);
        return startJettyBase(name, OnnxRuntimeSetup.SHARED, List.of(), true, shipped);
    }

    /**
     * {@link #startJettyBase(String, Map, String...)} with the image's own entrypoint in front, as {@code docker run}
     * starts it: {@code sh deploy/entrypoint.sh java ... -jar start.jar}, the script deciding from the environment
     * (and {@code TABSERVE_MODELS_MOUNT}, the image's {@code /models}) which models the app serves.
     */
    static ServerProcess startJettyBaseThroughEntrypoint(String name, Map<String, String> environment)
            throws IOException, InterruptedException {
        return startJettyBase(
                name,
                OnnxRuntimeSetup.SHARED,
                List.of("sh", ENTRYPOINT.toAbsolutePath().toString()),
                false,
                environment);
    }

    private static ServerProcess startJettyBase(
            String name,
            OnnxRuntimeSetup setup,
            List<String> entrypoint,
            boolean shippedBounds,
            Map<String, String> environment,
            String... properties)
            throws IOException, InterruptedException {
        Path base = buildJettyBase(name, setup);
        int port = ServerProcess.freePort();
        List<String> command = new ArrayList<>(entrypoint);
        command.add(ServerProcess.java());
        // Checked for what it answers, not its speed; the deployment suite's base also at the image's memory bounds.
        command.addAll(
                shippedBounds ? TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS : TabserveProcess.FUNCTIONAL_JVM_OPTIONS);
        command.addAll(List.of(
                "-Djava.io.tmpdir=" + base.resolveSibling("tmp"),
                "-jar",
                jettyHome().resolve("start.jar").toString(),
                "jetty.http.host=127.0.0.1",
                "jetty.http.port=" + port));
        command.addAll(List.of(properties));
        return ServerProcess.start("jetty-base " + name, command, base, environment, port);
    }

    /**
     * Builds {@code target/it/NAME/base} with the shared script, the WAR unpacked into {@code webapps/ROOT/}, and an empty
     * {@code target/it/NAME/tmp} beside it for the server's {@code java.io.tmpdir}; returns the base. The script is run
     * as docs/deploy.md writes it, from the project's directory with paths relative to it
     * ({@code deploy/jetty-base.sh JETTY_HOME BASE target/tabserve.war}): run with absolute paths, it hid that a
     * relative WAR failed with a bare unzip error once the script had changed into the base (issue 79, item 5).
     */
    static Path buildJettyBase(String name, OnnxRuntimeSetup setup) throws IOException, InterruptedException {
        Path dir = freshDirectory(name);
        Path base = Files.createDirectories(dir.resolve("base"));
        Files.createDirectories(dir.resolve("tmp"));
        Path project = Path.of("").toAbsolutePath();
        ServerProcess.run(
                List.of(
                        "env",
                        "SHARED_ONNXRUNTIME=" + setup.variable,
                        "bash",
                        "deploy/jetty-base.sh",
                        relative(project, jettyHome()),
                        relative(project, base),
                        relative(project, TabserveProcess.war())),
                project);
        return base;
    }

    /** {@code path} as a user types it from the project's directory: relative where it lies under it. */
    private static String relative(Path project, Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(project) ? project.relativize(absolute).toString() : absolute.toString();
    }

    /**
     * Starts a base made by {@link #buildJettyBase} as the Jetty image's own entrypoint starts it: the command of the
     * {@code exec} line of its {@code jetty.start} (deploy/jetty-base.sh writes it in the format of the image's
     * generate-jetty-start.sh: {@code # JETTY_VERSION: V}, then {@code exec} and start.jar's dry run), split into
     * words, with {@code javaOptions} (the image's {@code JAVA_OPTIONS}) where it names {@code $JAVA_OPTIONS}; on
     * 127.0.0.1 and a free port, given as the server's first properties (those after {@code --env} would be the web
     * app environment's). A {@code jetty.start} the entrypoint would write again (another version line, none) fails.
     */
    static ServerProcess startJettyBaseAsTheImage(
            String name, Path base, List<String> javaOptions, Map<String, String> environment) throws IOException {
        Path file = base.resolve("jetty.start");
        List<String> lines = Files.readAllLines(file);
        // The version of the jetty-home the base was made from (target/it/jetty-home-V), as the image's ENV has it.
        String version =
                "# JETTY_VERSION: " + jettyHome().getFileName().toString().replaceFirst("^jetty-home-", "");
        if (lines.size() != 2 || !lines.get(0).equals(version) || !lines.get(1).startsWith("exec ")) {
            throw new IllegalStateException(
                    file + " is not in the entrypoint's format ('" + version + "', then 'exec COMMAND'): " + lines);
        }
        List<String> words =
                List.of(lines.get(1).substring("exec ".length()).trim().split("\\s+"));
        int port = ServerProcess.freePort();
        List<String> command = new ArrayList<>();
        boolean options = false;
        boolean xml = false;
        for (String word : words) {
            if (word.equals("$JAVA_OPTIONS")) {
                command.addAll(javaOptions);
                command.add("-Djava.io.tmpdir=" + base.resolveSibling("tmp"));
                options = true;
                continue;
            }
            command.add(word);
            if (word.equals("org.eclipse.jetty.xml.XmlConfiguration")) {
                command.addAll(List.of("jetty.http.host=127.0.0.1", "jetty.http.port=" + port));
                xml = true;
            }
        }
        if (!options || !xml) {
            throw new IllegalStateException(
                    "no $JAVA_OPTIONS or no org.eclipse.jetty.xml.XmlConfiguration in " + file + ": " + lines);
        }
        return ServerProcess.start("jetty-base " + name, command, base, environment, port);
    }

    /**
     * Starts Tomcat by the steps docs/deploy.md gives for it ({@code steps}, read from the page by
     * {@link DeployDoc#steps}), as a user would type them, with the test's own places put in for the page's: the
     * CATALINA_BASE {@code /srv/tabserve} becomes {@code target/it/NAME/base}, {@code target/tabserve.war} the WAR under
     * test, the page's HTTP port (its connector's) a free one, and {@code apache-tomcat-VERSION} the distribution failsafe unpacked (which must
     * be the version the page names). The shutdown port 8005 stays as the page writes it: its {@code sed} step turns it
     * off ({@code -1}), which is checked, so no Tomcat of the tests listens on it (when the test put a free port in its
     * place, Tomcat 11's {@code makebase.sh} base kept 8005, the {@code sed} found nothing, and two forks clashed). Every step but the last runs with bash; then the page's
     * {@code server.xml} fragments ({@link #applyServerXml}) go into the base, as the page tells a user to paste them;
     * the last step ({@code catalina.sh run}) is the server, started with the tests' JVM options in
     * {@code CATALINA_OPTS} and the JDK running the tests as {@code JAVA_HOME}. Tomcat's shipped ports (8080, 8005,
     * 8443) are held by the test until the app answers {@code /health/ready} (within {@code readiness}), as on a machine
     * where they are taken: a step or fragment that left one in use fails.
     */
    static ServerProcess startTomcat(
            String name, List<String> steps, Map<String, String> environment, Duration readiness)
            throws IOException, InterruptedException {
        Path dir = freshDirectory(name);
        Path base = dir.resolve("base");
        int port = ServerProcess.freePort();
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("CATALINA_OPTS", String.join(" ", TabserveProcess.FUNCTIONAL_JVM_OPTIONS));
        List<String> commands = new ArrayList<>();
        for (String step : steps) {
            commands.add(ours(step, base, port));
        }
        String run = commands.get(commands.size() - 1);
        if (!run.endsWith("catalina.sh run")) {
            throw new IllegalStateException("the page's last step is not catalina.sh run: " + run);
        }
        ServerProcess tomcat = null;
        try (TakenPorts taken = TakenPorts.hold(8080, 8005, 8443)) {
            for (String step : commands.subList(0, commands.size() - 1)) {
                ServerProcess.run(List.of("bash", "-euc", step), Path.of("").toAbsolutePath(), env);
            }
            if (!Files.readString(base.resolve("conf/server.xml")).contains("<Server port=\"-1\"")) {
                throw new IllegalStateException("the page's steps left Tomcat's shutdown port on: " + steps);
            }
            applyServerXml(base.resolve("conf/server.xml"), port);
            tomcat = ServerProcess.start(
                    "tomcat " + name, List.of("bash", "-c", run), Path.of("").toAbsolutePath(), env, port);
            tomcat.awaitReadiness(200, readiness, TakenPorts.CLASH);
            TakenPorts.assertNoneClashed(tomcat, "docs/deploy.md's Tomcat steps");
            return tomcat;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            if (tomcat != null) {
                tomcat.close();
            }
            throw e;
        }
    }

    /** The HTTP port docs/deploy.md's Tomcat steps and connector use, read from the connector it gives. */
    static String pagePort() {
        java.util.regex.Matcher port = java.util.regex.Pattern.compile("<Connector port=\"(\\d+)\"")
                .matcher(DeployDoc.xml("the HTTP connector"));
        if (!port.find()) {
            throw new IllegalStateException(DeployDoc.PAGE + "'s HTTP connector names no port");
        }
        return port.group(1);
    }

    /** A step of the page with the test's places put in for the page's (see {@link #startTomcat}). */
    private static String ours(String step, Path base, int port) {
        String home = tomcat11Home().getFileName().toString();
        java.util.regex.Matcher distribution =
                java.util.regex.Pattern.compile("apache-tomcat-[0-9.]+").matcher(step);
        while (distribution.find()) {
            if (!distribution.group().equals(home)) {
                throw new IllegalStateException(
                        DeployDoc.PAGE + " names " + distribution.group() + "; the tests unpack " + home + ": " + step);
            }
        }
        return step.replace("/srv/tabserve", base.toString())
                .replace("target/tabserve.war", TabserveProcess.war().toString())
                .replaceAll("\\bapache-tomcat-[0-9.]+", tomcat11Home().toString())
                .replaceAll("\\b" + pagePort() + "\\b", Integer.toString(port));
    }

    /**
     * Pastes docs/deploy.md's fragments into a base's {@code server.xml} as the page says: its HTTP connector (on
     * {@code port} for the page's) in place of the stock HTTP/1.1 connector, its valve inside {@code <Host>}.
     */
    static void applyServerXml(Path serverXml, int port) throws IOException {
        String xml = Files.readString(serverXml);
        String connector =
                DeployDoc.xml("the HTTP connector").replaceAll("\\b" + pagePort() + "\\b", Integer.toString(port));
        String valve = DeployDoc.xml("the host's valve");
        java.util.regex.Matcher stock = java.util.regex.Pattern.compile(
                        "<Connector port=\"\\d+\" protocol=\"HTTP/1.1\"[^>]*/>")
                .matcher(xml);
        java.util.regex.Matcher host = java.util.regex.Pattern.compile("<Host name=\"localhost\"[^>]*>")
                .matcher(xml);
        if (!stock.find() || !host.find() || host.start() < stock.end()) {
            throw new IllegalStateException(
                    serverXml + " no longer has the stock HTTP connector and host the page's steps edit:\n" + xml);
        }
        String edited = xml.substring(0, stock.start()) + connector + xml.substring(stock.end(), host.end()) + "\n"
                + valve + xml.substring(host.end());
        Files.writeString(serverXml, edited);
    }
}
