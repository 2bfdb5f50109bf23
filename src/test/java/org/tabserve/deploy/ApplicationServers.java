package org.tabserve.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.tabserve.testing.TabserveProcess;

/**
 * Starts the packaged WAR, unchanged, in the Jakarta EE application servers that failsafe's
 * {@code pre-integration-test} unpacked from Maven Central (WildFly, GlassFish), each by the commands docs/deploy.md
 * gives a user: the caller passes the doc's command as written (DocsTest holds the doc to it), and only its ports are
 * changed to free ones.
 */
final class ApplicationServers {

    private ApplicationServers() {}

    static Path wildFlyHome() {
        return Path.of(System.getProperty("tabserve.wildfly.home", "target/it/wildfly"))
                .toAbsolutePath();
    }

    static Path glassFishHome() {
        return Path.of(System.getProperty("tabserve.glassfish.home", "target/it/glassfish8"))
                .toAbsolutePath();
    }

    /**
     * The words of a documented command with {@code $NAME/} paths resolved against {@code variables}' paths and each
     * {@code from} port replaced by its {@code to}; leading {@code NAME=value} words go into {@code environment}.
     */
    static List<String> documented(
            String command, Map<String, Path> variables, Map<String, String> ports, Map<String, String> environment) {
        List<String> words = new ArrayList<>();
        for (String word : command.trim().split("\\s+")) {
            if (words.isEmpty() && word.matches("[A-Z_]+=\\S*")) {
                environment.put(word.substring(0, word.indexOf('=')), word.substring(word.indexOf('=') + 1));
                continue;
            }
            for (Map.Entry<String, Path> variable : variables.entrySet()) {
                word = word.replace("$" + variable.getKey(), variable.getValue().toString());
            }
            for (Map.Entry<String, String> port : ports.entrySet()) {
                word = word.replaceAll("(?<=[=:])" + port.getKey() + "$", port.getValue());
            }
            words.add(word);
        }
        return words;
    }

    /** The one line of docs/deploy.md that starts (after its indent) with this text, stripped: a config fragment. */
    static String deployDocLine(String start) throws IOException {
        List<String> lines = deployDocLines(start);
        if (lines.size() != 1) {
            throw new IllegalStateException("docs/deploy.md has " + lines.size() + " lines starting " + start);
        }
        return lines.get(0);
    }

    /** The lines of docs/deploy.md that start (after their indent) with this text, stripped, in order. */
    static List<String> deployDocLines(String start) throws IOException {
        return Files.readAllLines(Path.of("docs", "deploy.md")).stream()
                .map(String::strip)
                .filter(line -> line.startsWith(start))
                .toList();
    }

    /**
     * Starts WildFly with a server base of its own in {@code target/it/NAME} (a copy of the distribution's
     * {@code standalone/}, its {@code jboss.server.base.dir}, so that the unpacked distribution stays as it came),
     * its default HTTP listener as docs/deploy.md writes it (the {@code max-post-size} that lets the app's limits
     * answer) and its default IO worker too (the task threads that leave the probes one when the app's slots are all
     * at work), the WAR copied by {@code deploy} (a {@code cp} to {@code $WILDFLY_HOME/standalone/deployments/ROOT.war}, so it
     * deploys at {@code /}), and {@code start} ({@code standalone.sh} with the doc's options) run with {@code sh},
     * its HTTP port 8080 and management port 9990 changed to free ones and its HTTPS ones to ports the system picks.
     */
    static ServerProcess startWildFly(String name, String deploy, String start, Map<String, String> environment)
            throws IOException {
        Path home = wildFlyHome();
        Path base = Containers.freshDirectory(name);
        try (Stream<Path> configuration = Files.list(home.resolve("standalone/configuration"))) {
            Files.createDirectories(base.resolve("configuration"));
            for (Path file : configuration.filter(Files::isRegularFile).toList()) {
                Files.copy(file, base.resolve("configuration").resolve(file.getFileName()));
            }
        }
        Path standaloneXml = base.resolve("configuration/standalone.xml");
        String xml = Files.readString(standaloneXml);
        String listener = deployDocLine("<http-listener name=\"default\"");
        String edited = xml.replaceFirst("<http-listener name=\"default\"[^>]*/>", listener);
        if (edited.equals(xml) || !edited.contains(listener)) {
            throw new IllegalStateException(
                    "WildFly's standalone.xml no longer has the default http-listener:\n" + xml);
        }
        String worker = deployDocLine("<worker name=\"default\"");
        String withWorker = edited.replaceFirst("<worker name=\"default\"[^>]*/>", worker);
        if (withWorker.equals(edited) || !withWorker.contains(worker)) {
            throw new IllegalStateException("WildFly's standalone.xml no longer has the default IO worker:\n" + xml);
        }
        Files.writeString(standaloneXml, withWorker);
        Files.createDirectories(base.resolve("deployments"));
        List<String> copy = documented(deploy, Map.of("WILDFLY_HOME", home), Map.of(), new HashMap<>());
        String target = copy.get(copy.size() - 1);
        String standalone = home.resolve("standalone").toString();
        if (!copy.get(0).equals("cp") || !target.startsWith(standalone + "/deployments/")) {
            throw new IllegalStateException("not a copy into standalone/deployments/: " + deploy);
        }
        Files.copy(TabserveProcess.war(), base.resolve(target.substring(standalone.length() + 1)));

        int port = ServerProcess.freePort();
        Map<String, String> variables = new HashMap<>(environment);
        variables.put("JAVA_HOME", System.getProperty("java.home"));
        // checked for what it answers, not its speed: as every other container the tests start
        variables.put("JDK_JAVA_OPTIONS", String.join(" ", TabserveProcess.FUNCTIONAL_JVM_OPTIONS));
        List<String> command = new ArrayList<>(List.of("sh"));
        command.addAll(documented(
                start,
                Map.of("WILDFLY_HOME", home),
                Map.of("8080", Integer.toString(port), "9990", Integer.toString(ServerProcess.freePort())),
                variables));
        command.addAll(
                List.of("-Djboss.https.port=0", "-Djboss.management.https.port=0", "-Djboss.server.base.dir=" + base));
        return ServerProcess.start("wildfly " + name, command, base, variables, port);
    }

    /**
     * Starts GlassFish with a copy of the distribution's {@code domain1} in {@code target/it/NAME/domains} (its
     * {@code domain.xml}'s ports changed to free ones and its listeners bound to 127.0.0.1, and the JVM option
     * docs/deploy.md adds to its {@code java-config}), by
     * {@code start} ({@code startserv}, the foreground form of {@code asadmin start-domain}) with
     * {@code --domaindir}, on the Java 21 or later that GlassFish 8 needs; then runs each of {@code commands}
     * ({@code asadmin} subcommands, the doc's deploy among them) against its admin port, and returns the server.
     */
    static ServerProcess startGlassFish(
            String name, String start, List<String> commands, Map<String, String> environment)
            throws IOException, InterruptedException {
        Path home = glassFishHome();
        Path domains = Containers.freshDirectory(name).resolve("domains");
        Path domain = domains.resolve("domain1");
        try (Stream<Path> files = Files.walk(home.resolve("glassfish/domains/domain1"))) {
            for (Path file : files.toList()) {
                Path to = domain.resolve(home.resolve("glassfish/domains/domain1")
                        .relativize(file)
                        .toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
        int port = ServerProcess.freePort();
        int admin = ServerProcess.freePort();
        Path domainXml = domain.resolve("config/domain.xml");
        String xml = Files.readString(domainXml);
        int end = xml.indexOf("</config>"); // server-config, the server's own; default-config is only a template
        String server = xml.substring(0, end);
        for (String[] listener :
                new String[][] {{"8080", Integer.toString(port)}, {"8181", null}, {"4848", Integer.toString(admin)}}) {
            String to = listener[1] == null ? Integer.toString(ServerProcess.freePort()) : listener[1];
            server = replaceOnce(
                    server,
                    "<network-listener port=\"" + listener[0] + "\"",
                    "<network-listener address=\"127.0.0.1\" port=\"" + to + "\"");
        }
        for (String fixed : List.of("3700", "3820", "3920", "8686")) {
            server = replaceOnce(
                    server,
                    "address=\"0.0.0.0\" port=\"" + fixed + "\"",
                    "address=\"127.0.0.1\" port=\"" + ServerProcess.freePort() + "\"");
        }
        server = replaceOnce(
                server,
                "name=\"JMS_PROVIDER_PORT\" value=\"7676\"",
                "name=\"JMS_PROVIDER_PORT\" value=\"" + ServerProcess.freePort() + "\"");
        String option = deployDocLine("<jvm-options>-Dproduct.name=");
        server = replaceOnce(server, "</java-config>", option + "\n      </java-config>");
        Files.writeString(domainXml, server + xml.substring(end));

        Map<String, String> variables = new HashMap<>(environment);
        variables.put(
                "AS_JAVA", org.tabserve.testing.Jdks.atLeast(21, "GlassFish 8").toString());
        // checked for what it answers, not its speed, as every other server the tests start; asadmin's JVMs too
        variables.put("JDK_JAVA_OPTIONS", String.join(" ", TabserveProcess.FUNCTIONAL_JVM_OPTIONS));
        Map<String, Path> homes = Map.of("GLASSFISH_HOME", home);
        List<String> command = new ArrayList<>(List.of("bash"));
        command.addAll(documented(start, homes, Map.of(), variables));
        command.addAll(command.size() - 1, List.of("--domaindir", domains.toString()));
        ServerProcess glassFish = ServerProcess.start("glassfish " + name, command, domain, variables, port);
        glassFish.awaitListening(admin, java.time.Duration.ofSeconds(180));
        for (String asadmin : commands) {
            List<String> words = new ArrayList<>(List.of("bash"));
            words.addAll(documented(asadmin, homes, Map.of(), new HashMap<>()));
            words.addAll(2, List.of("--host", "127.0.0.1", "--port", Integer.toString(admin)));
            ServerProcess.run(
                    words,
                    Path.of("."),
                    Map.of("AS_JAVA", variables.get("AS_JAVA"), "JDK_JAVA_OPTIONS", variables.get("JDK_JAVA_OPTIONS")),
                    java.time.Duration.ofSeconds(240));
        }
        return glassFish;
    }

    private static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) {
            throw new IllegalStateException("GlassFish's domain.xml no longer has one " + from);
        }
        return text.substring(0, at) + to + text.substring(at + from.length());
    }
}
