package org.tabserve.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.tabserve.testing.TabserveProcess;

/**
 * Starts the packaged WAR in the real containers that failsafe's {@code pre-integration-test} unpacked from Maven
 * Central: a Jetty base built by {@code deploy/jetty-base.sh} (what the Docker image runs) and Tomcat 10.1.
 */
final class Containers {

    /** What docs/deploy.md adds inside Tomcat's HTTP connector for gRPC (HTTP/2 cleartext on the same port). */
    static final String TOMCAT_H2C = "<UpgradeProtocol className=\"org.apache.coyote.http2.Http2Protocol\"/>";

    /** The image's ENTRYPOINT script (the Dockerfile copies it to /opt/tabserve/). */
    static final Path ENTRYPOINT = Path.of("deploy", "entrypoint.sh");

    private Containers() {}

    static Path jettyHome() {
        return Path.of(System.getProperty("tabserve.jetty.home", "target/it/jetty-home"))
                .toAbsolutePath();
    }

    static Path tomcatHome() {
        return Path.of(System.getProperty("tabserve.tomcat.home", "target/it/apache-tomcat"))
                .toAbsolutePath();
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
     * Builds {@code target/it/NAME/base} with the shared script (the WAR as {@code webapps/ROOT.war}) and starts it
     * as the image does: {@code java -Djava.io.tmpdir=... -jar $JETTY_HOME/start.jar} in the base, on a free port.
     *
     * @param properties extra {@code name=value} start properties, e.g. a deploy scan interval
     */
    static ServerProcess startJettyBase(
            String name, OnnxRuntimeSetup setup, Map<String, String> environment, String... properties)
            throws IOException, InterruptedException {
        return startJettyBase(name, setup, List.of(), environment, properties);
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
                environment);
    }

    private static ServerProcess startJettyBase(
            String name,
            OnnxRuntimeSetup setup,
            List<String> entrypoint,
            Map<String, String> environment,
            String... properties)
            throws IOException, InterruptedException {
        Path base = buildJettyBase(name, setup);
        int port = ServerProcess.freePort();
        List<String> command = new ArrayList<>(entrypoint);
        command.add(ServerProcess.java());
        command.addAll(TabserveProcess.FUNCTIONAL_JVM_OPTIONS); // checked for what it answers, not its speed
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
     * Builds {@code target/it/NAME/base} with the shared script, the WAR as {@code webapps/ROOT.war}, and an empty
     * {@code target/it/NAME/tmp} beside it for the server's {@code java.io.tmpdir}; returns the base.
     */
    static Path buildJettyBase(String name, OnnxRuntimeSetup setup) throws IOException, InterruptedException {
        Path dir = freshDirectory(name);
        Path base = Files.createDirectories(dir.resolve("base"));
        Files.createDirectories(dir.resolve("tmp"));
        ServerProcess.run(
                List.of(
                        "env",
                        "SHARED_ONNXRUNTIME=" + setup.variable,
                        "bash",
                        Path.of("deploy", "jetty-base.sh").toAbsolutePath().toString(),
                        jettyHome().toString(),
                        base.toString(),
                        TabserveProcess.war().toString()),
                dir);
        return base;
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
     * Makes a CATALINA_BASE in {@code target/it/NAME} from the distribution's {@code conf/} (HTTP port changed to a
     * free one, shutdown port off), deploys the WAR unchanged as {@code webapps/ROOT.war} and starts Tomcat's
     * bootstrap with the options {@code catalina.sh run} gives it.
     */
    static ServerProcess startTomcat(String name, Map<String, String> environment) throws IOException {
        return startTomcat(name, environment, false);
    }

    /**
     * {@link #startTomcat(String, Map)}, with {@link #TOMCAT_H2C} in the HTTP connector when {@code h2c}: HTTP/2
     * cleartext on the same port, for gRPC, as docs/deploy.md describes.
     */
    static ServerProcess startTomcat(String name, Map<String, String> environment, boolean h2c) throws IOException {
        Path home = tomcatHome();
        Path base = freshDirectory(name);
        for (String sub : List.of("logs", "temp", "work", "webapps", "conf")) {
            Files.createDirectories(base.resolve(sub));
        }
        try (Stream<Path> conf = Files.list(home.resolve("conf"))) {
            for (Path file : conf.filter(Files::isRegularFile).toList()) {
                Files.copy(file, base.resolve("conf").resolve(file.getFileName()));
            }
        }
        int port = ServerProcess.freePort();
        Path serverXml = base.resolve("conf/server.xml");
        String xml = Files.readString(serverXml);
        // The settings README's deployment section recommends: 100 Continue only once the app reads the body (so that
        // a body refused on its declared length is never invited), and error pages without a report or the version.
        String edited = xml.replace("<Server port=\"8005\"", "<Server port=\"-1\"")
                .replace(
                        "<Connector port=\"8080\"",
                        "<Connector address=\"127.0.0.1\" port=\"" + port + "\" continueResponseTiming=\"onRead\"")
                // h2c: Tomcat's Http2Protocol as the connector's upgrade protocol, which also takes HTTP/2's preface
                // from clients that speak it from the first byte (gRPC's plaintext channels).
                .replaceFirst(
                        "(<Connector address=\"127.0.0.1\"[^>]*?)\\s*/>",
                        h2c ? "$1>\n      " + TOMCAT_H2C + "\n    </Connector>" : "$0")
                .replaceFirst(
                        "(<Host name=\"localhost\"[^>]*>)",
                        "$1\n        <Valve className=\"org.apache.catalina.valves."
                                + "ErrorReportValve\" showReport=\"false\" showServerInfo=\"false\"/>");
        if (edited.equals(xml)
                || !edited.contains("port=\"" + port + "\"")
                || !edited.contains("ErrorReportValve")
                || h2c != edited.contains(TOMCAT_H2C + "\n    </Connector>")) {
            throw new IllegalStateException(
                    "Tomcat's server.xml no longer has the expected connector and host:\n" + xml);
        }
        Files.writeString(serverXml, edited);
        Files.copy(org.tabserve.testing.TabserveProcess.war(), base.resolve("webapps/ROOT.war"));

        List<String> command = new ArrayList<>(List.of(ServerProcess.java()));
        command.addAll(TabserveProcess.FUNCTIONAL_JVM_OPTIONS); // checked for what it answers, not its speed
        command.addAll(List.of(
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "-Dcatalina.home=" + home,
                "-Dcatalina.base=" + base,
                "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-cp",
                home.resolve("bin/bootstrap.jar") + java.io.File.pathSeparator + home.resolve("bin/tomcat-juli.jar"),
                "org.apache.catalina.startup.Bootstrap",
                "start"));
        return ServerProcess.start("tomcat " + name, command, base, environment, port);
    }
}
