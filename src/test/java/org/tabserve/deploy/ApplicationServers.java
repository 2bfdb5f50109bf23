package org.tabserve.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tabserve.testing.TabserveProcess;

/**
 * Starts the packaged WAR, unchanged, in the Jakarta EE application servers that failsafe's
 * {@code pre-integration-test} unpacked from Maven Central (WildFly, GlassFish), each by the commands docs/deploy.md
 * gives a user, read from the page ({@link DeployDoc#steps}), and stopped by the page's stop: only their ports are
 * changed to free ones, while the runtime's shipped ports are held taken.
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
     * {@code from} port (a word of its own, or after {@code =} or {@code :}) replaced by its {@code to}; leading {@code NAME=value} words go into {@code environment}.
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
                word = word.equals(port.getKey())
                        ? port.getValue()
                        : word.replaceAll("(?<=[=:])" + port.getKey() + "$", port.getValue());
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
     * The ports of WildFly's {@code standalone.xml} as it ships (HTTP, HTTPS, management HTTP and HTTPS), which the
     * test holds while WildFly starts, as a user's machine where 8080 is taken would.
     */
    static final int[] WILDFLY_SHIPPED_PORTS = {8080, 8443, 9990, 9993};

    /** GlassFish 8's {@code domain1} ports (HTTP, HTTPS, admin, IIOP three times, JMX, JMS, OSGi shell, debugger). */
    static final int[] GLASSFISH_SHIPPED_PORTS = {8080, 8181, 4848, 3700, 3820, 3920, 8686, 7676, 6666, 9009};

    /**
     * What {@code asadmin create-domain --portbase B} makes of B: the ports B plus these (GlassFish 8.0.0's JMS port
     * lands on B + 7676 in {@code server-config}, though the command prints B + 76).
     */
    static final int[] GLASSFISH_PORTBASE_OFFSETS = {9, 37, 38, 39, 48, 66, 76, 80, 81, 86, 7676};

    /** A server started by docs/deploy.md's steps, and the page's command that stops it, ready to run. */
    record Started(ServerProcess server, List<String> stop, Map<String, String> stopEnvironment) {

        /** Runs the page's stop; fails unless it ended every process of the server ({@link ServerProcess#stopBy}). */
        void stopAsDocumented() throws IOException, InterruptedException {
            server.stopBy(stop, stopEnvironment, Duration.ofSeconds(120));
        }
    }

    /**
     * Starts WildFly by docs/deploy.md's steps ({@code steps}: the {@code cp} of the WAR into the deployment scanner's
     * folder, {@code standalone.sh} with the page's options, {@code jboss-cli.sh}'s shutdown), with a server base of its
     * own in {@code target/it/NAME} (a copy of the distribution's {@code standalone/}, its
     * {@code jboss.server.base.dir}, so that the unpacked distribution stays as it came), its default HTTP listener
     * and IO worker as the page writes them, each port the page names ({@code -Djboss.*.port=N} and the shutdown's
     * {@code --controller}) changed to a free one, and WildFly's shipped ports held by the test until the app is
     * ready (a step that still used one fails: its {@code Address already in use} is looked for in the log).
     */
    static Started startWildFly(String name, List<String> steps, Map<String, String> environment, Duration readiness)
            throws IOException, InterruptedException {
        if (steps.size() != 3
                || !steps.get(0).startsWith("cp ")
                || !steps.get(1).contains("/bin/standalone.sh ")
                || !steps.get(2).contains("/bin/jboss-cli.sh ")) {
            throw new IllegalStateException(DeployDoc.PAGE + "'s WildFly steps are not the WAR's cp, standalone.sh and"
                    + " jboss-cli.sh's shutdown: " + steps);
        }
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
        Map<String, Path> homes = Map.of("WILDFLY_HOME", home);
        List<String> copy = documented(steps.get(0), homes, Map.of(), new HashMap<>());
        String target = copy.get(copy.size() - 1);
        String standalone = home.resolve("standalone").toString();
        if (!copy.get(0).equals("cp") || !target.startsWith(standalone + "/deployments/")) {
            throw new IllegalStateException("not a copy into standalone/deployments/: " + steps.get(0));
        }
        Files.copy(TabserveProcess.war(), base.resolve(target.substring(standalone.length() + 1)));

        Map<String, String> ports = new HashMap<>();
        int http = -1;
        Matcher named = Pattern.compile("-Djboss\\.([a-z.]+)\\.port=(\\d+)").matcher(steps.get(1));
        while (named.find()) {
            int free = ServerProcess.freePort();
            ports.put(named.group(2), Integer.toString(free));
            http = named.group(1).equals("http") ? free : http;
        }
        if (http < 0) {
            throw new IllegalStateException("no -Djboss.http.port=N in " + steps.get(1));
        }
        Map<String, String> variables = new HashMap<>(environment);
        variables.put("JAVA_HOME", System.getProperty("java.home"));
        // checked for what it answers, not its speed: as every other container the tests start
        variables.put("JDK_JAVA_OPTIONS", String.join(" ", TabserveProcess.FUNCTIONAL_JVM_OPTIONS));
        List<String> command = new ArrayList<>(List.of("sh"));
        command.addAll(documented(steps.get(1), homes, ports, variables));
        command.add("-Djboss.server.base.dir=" + base);
        List<String> stop = new ArrayList<>(List.of("sh"));
        stop.addAll(documented(steps.get(2), homes, ports, new HashMap<>()));
        Map<String, String> stopEnvironment =
                Map.of("JAVA_HOME", variables.get("JAVA_HOME"), "JDK_JAVA_OPTIONS", variables.get("JDK_JAVA_OPTIONS"));
        ServerProcess wildFly = null;
        try (TakenPorts taken = TakenPorts.hold(WILDFLY_SHIPPED_PORTS)) {
            wildFly = ServerProcess.start("wildfly " + name, command, base, variables, http);
            wildFly.awaitReadiness(200, readiness, TakenPorts.CLASH);
            TakenPorts.assertNoneClashed(wildFly, "docs/deploy.md's WildFly steps");
            return new Started(wildFly, stop, stopEnvironment);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (wildFly != null) {
                wildFly.close();
            }
            throw e;
        }
    }

    /**
     * Starts GlassFish by docs/deploy.md's steps ({@code steps}: {@code export AS_JAVA=...}, {@code asadmin
     * create-domain --portbase N}, {@code startserv}, the {@code asadmin} commands run against the domain's admin port
     * once it listens, the WAR's deploy among them, and {@code asadmin stop-domain}), in {@code target/it/NAME/domains}
     * ({@code --domaindir}), on the Java 21 or later that GlassFish 8 needs for the page's {@code AS_JAVA}, at a port
     * base of the test's whose ports are free for the page's (each port of the page's base's hundred moved with it),
     * the JVM option the page adds put into the new domain's {@code java-config}, and GlassFish's shipped ports held by
     * the test until the app is ready.
     */
    static Started startGlassFish(String name, List<String> steps, Map<String, String> environment, Duration readiness)
            throws IOException, InterruptedException {
        int create = indexOf(steps, "/bin/asadmin create-domain ");
        int start = indexOf(steps, "/bin/startserv ");
        int stop = steps.size() - 1;
        if (!steps.get(0).matches("export AS_JAVA=\\S+")
                || create != 1
                || start != 2
                || !steps.get(stop).contains("/bin/asadmin stop-domain ")) {
            throw new IllegalStateException(DeployDoc.PAGE + "'s GlassFish steps are not export AS_JAVA=..., asadmin"
                    + " create-domain, startserv, asadmin's commands and asadmin stop-domain: " + steps);
        }
        Matcher portBase = Pattern.compile("--portbase (\\d+)").matcher(steps.get(create));
        if (!portBase.find()) {
            throw new IllegalStateException("no --portbase N in " + steps.get(create));
        }
        int pageBase = Integer.parseInt(portBase.group(1));
        int base = freePortBase();
        Map<String, String> ports = new HashMap<>();
        for (int offset = 0; offset < 100; offset++) {
            ports.put(Integer.toString(pageBase + offset), Integer.toString(base + offset));
        }
        Path home = glassFishHome();
        Path domains = Containers.freshDirectory(name).resolve("domains");
        Map<String, String> variables = new HashMap<>(environment);
        variables.put(
                "AS_JAVA", org.tabserve.testing.Jdks.atLeast(21, "GlassFish 8").toString());
        // checked for what it answers, not its speed, as every other server the tests start; asadmin's JVMs too
        variables.put("JDK_JAVA_OPTIONS", String.join(" ", TabserveProcess.FUNCTIONAL_JVM_OPTIONS));
        Map<String, String> asadmin =
                Map.of("AS_JAVA", variables.get("AS_JAVA"), "JDK_JAVA_OPTIONS", variables.get("JDK_JAVA_OPTIONS"));
        Map<String, Path> homes = Map.of("GLASSFISH_HOME", home);
        List<List<String>> commands = new ArrayList<>();
        for (String step : steps.subList(1, steps.size())) {
            List<String> words = new ArrayList<>(List.of("bash"));
            words.addAll(documented(step, homes, ports, new HashMap<>()));
            if (step.contains("create-domain ") || step.contains("/bin/startserv ") || step.contains("stop-domain ")) {
                words.addAll(words.size() - 1, List.of("--domaindir", domains.toString()));
            }
            commands.add(words);
        }
        ServerProcess glassFish = null;
        try (TakenPorts taken = TakenPorts.hold(GLASSFISH_SHIPPED_PORTS)) {
            ServerProcess.run(commands.get(0), Path.of("."), asadmin, Duration.ofSeconds(240));
            List<String> created = commands.get(0);
            Path domainXml = domains.resolve(created.get(created.size() - 1)).resolve("config/domain.xml");
            String xml = Files.readString(domainXml);
            int end = xml.indexOf("</config>"); // server-config, the server's own; default-config is only a template
            String server = replaceOnce(
                    xml.substring(0, end),
                    "</java-config>",
                    deployDocLine("<jvm-options>-Dproduct.name=") + "\n      </java-config>");
            Files.writeString(domainXml, server + xml.substring(end));
            int admin = listenerPort(server, "admin-listener");
            int http = listenerPort(server, "http-listener-1");
            for (List<String> remote : commands.subList(2, commands.size() - 1)) {
                int at = remote.indexOf("--port");
                if (at < 0 || !remote.get(at + 1).equals(Integer.toString(admin))) {
                    throw new IllegalStateException("docs/deploy.md's asadmin command does not name the domain's admin"
                            + " port (the port base's + 48, " + admin + " here): " + String.join(" ", remote));
                }
            }
            glassFish = ServerProcess.start("glassfish " + name, commands.get(1), domains, variables, http);
            glassFish.awaitListening(admin, Duration.ofSeconds(240));
            for (List<String> remote : commands.subList(2, commands.size() - 1)) {
                ServerProcess.run(remote, Path.of("."), asadmin, Duration.ofSeconds(240));
            }
            glassFish.awaitReadiness(200, readiness, TakenPorts.CLASH);
            TakenPorts.assertNoneClashed(glassFish, "docs/deploy.md's GlassFish steps");
            return new Started(glassFish, commands.get(commands.size() - 1), asadmin);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (glassFish != null) {
                glassFish.close();
            }
            throw e;
        }
    }

    private static int indexOf(List<String> steps, String part) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    /** A port base, a multiple of 100 below the ephemeral ports, at which each port create-domain uses is free. */
    private static int freePortBase() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = 10_000 + 100 * random.nextInt(150);
            boolean free = true;
            for (int offset : GLASSFISH_PORTBASE_OFFSETS) {
                try (java.net.ServerSocket socket = new java.net.ServerSocket(base + offset)) {
                    // free
                } catch (IOException taken) {
                    free = false;
                    break;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no port base between 10000 and 25000 with its ports free");
    }

    /** The port of a {@code network-listener} of {@code domain.xml}'s server-config. */
    private static int listenerPort(String serverConfig, String listener) {
        Matcher port = Pattern.compile("<network-listener port=\"(\\d+)\"[^>]* name=\"" + listener + "\"")
                .matcher(serverConfig);
        if (!port.find()) {
            throw new IllegalStateException("the new domain's domain.xml has no " + listener + ":\n" + serverConfig);
        }
        return Integer.parseInt(port.group(1));
    }

    private static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) {
            throw new IllegalStateException("GlassFish's domain.xml no longer has one " + from);
        }
        return text.substring(0, at) + to + text.substring(at + from.length());
    }
}
