package org.tabserve.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.testing.TabserveProcess;

/**
 * Runs the docs' examples against the packaged WAR: every command of every block marked
 * {@code <!-- run by: DocExamplesIT -->} that {@link ExampleCommands} knows, in order, one test per block. A
 * {@code java -jar target/tabserve.war} line starts that server (on a free port: a {@code --port} or
 * {@code TABSERVE_PORT} becomes 0) or, for {@code card}, {@code score} and {@code --help}, runs to its end with status
 * 0; each {@code curl} line is sent to the block's last server (the bundled model's when the block starts none) and
 * must get a 2xx, or the status the problem shown under it says ({@code "status":400}) (a block that starts none
 * shares one server of the bundled model), and the answer shown under it
 * must agree with the real one ({@link ShownAnswer}: its keys, texts, figures and lists of values).
 * {@code --models /srv/models} is the directory docs/routes.md describes: {@code banknote-authenticator/1/model.onnx},
 * {@code mass.onnx} and {@code species/model.onnx}. Every server gets an admin token, the one a block's
 * {@code export TABSERVE_ADMIN_TOKEN=...} makes or a fresh one, which {@code $TABSERVE_ADMIN_TOKEN} stands for. A
 * server started by the same command line (JVM options, flags and environment, the token aside) as one a recent
 * block started is that one again, under its own token: the blocks of one model run on one server. The blocks run on
 * a machine where 8080 is taken: this class holds 0.0.0.0:8080 (else 127.0.0.1:8080) for its whole run where it is
 * free, so that a block whose command reached for 8080 instead of the port it was given fails.
 */
class DocExamplesIT {

    static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    /** The servers blocks started, by command line (the token aside), least recently used first. */
    private final Map<String, Started> servers = new LinkedHashMap<>(4, 0.75f, true);
    /** How many of them are kept running for the blocks that follow. */
    private static final int KEPT = 2;

    /** A server a block started, and the admin token it was started with. */
    private record Started(TabserveProcess server, String token) {}

    @TempDir
    Path scratch;

    /** The port the docs' commands name, which a user may find taken. */
    static final int DOCS_PORT = 8080;

    /** What this class bound of {@link #DOCS_PORT} for its run; empty when another process holds it already. */
    private static final List<ServerSocket> HELD = new ArrayList<>();

    @BeforeAll
    static void take8080() {
        for (String host : List.of("0.0.0.0", "127.0.0.1")) {
            ServerSocket socket = null;
            try {
                socket = new ServerSocket();
                socket.bind(new InetSocketAddress(host, DOCS_PORT));
                HELD.add(socket);
            } catch (IOException taken) { // by the socket above, or by another process: taken, as wanted
                close(socket);
            }
        }
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", DOCS_PORT));
            fail("127.0.0.1:" + DOCS_PORT + " is still free after this class bound " + HELD);
        } catch (BindException taken) {
            // as the blocks must find it
        } catch (IOException e) {
            fail("could not tell whether " + DOCS_PORT + " is taken: " + e);
        }
    }

    @AfterAll
    static void free8080() {
        HELD.forEach(DocExamplesIT::close);
        HELD.clear();
    }

    private static void close(ServerSocket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a listening socket that was never used
            }
        }
    }

    @AfterEach
    void stopServers() throws InterruptedException {
        for (Started started : servers.values()) {
            started.server().close();
        }
        servers.clear();
    }

    @TestFactory
    List<DynamicTest> everyExampleInTheDocsRuns() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DocBlocks.Block block : DocBlocks.all()) {
            if (block.runners().contains(DocsTest.EXAMPLES)) {
                tests.add(DynamicTest.dynamicTest(block.where(), () -> run(block)));
            }
        }
        assertTrue(tests.size() >= 8, "the docs have their examples: " + tests.size());
        return tests;
    }

    /** The block's commands in order, with the environment its {@code export} lines make. */
    private void run(DocBlocks.Block block) throws Exception {
        Map<String, String> environment = new HashMap<>();
        TabserveProcess server = null;
        int ran = 0;
        for (DocBlocks.Command command : block.commands()) {
            ExampleCommands.Kind kind = ExampleCommands.kind(command.text());
            if (kind == null) {
                continue; // another runner named on the block runs it (DocsTest checks that one does)
            }
            ran++;
            switch (kind) {
                case PACKAGE ->
                    assertTrue(
                            Files.isRegularFile(TabserveProcess.war()),
                            "mvn verify packaged the WAR before this IT: " + TabserveProcess.war());
                case EXPORT -> {
                    String[] nameValue =
                            command.text().substring("export ".length()).split("=", 2);
                    environment.put(
                            nameValue[0],
                            nameValue[1].equals(ExampleCommands.RANDOM_TOKEN)
                                    ? HexFormat.of().formatHex(new SecureRandom().generateSeed(32))
                                    : nameValue[1]);
                }
                case JAVA -> {
                    ExampleCommands.Java java = ExampleCommands.java(DocBlocks.words(command.text(), environment));
                    if (java.runsToItsEnd()) {
                        runToItsEnd(command, java);
                    } else {
                        server = start(command, java, environment);
                    }
                }
                case CURL -> {
                    Map<String, String> variables = new HashMap<>(environment);
                    TabserveProcess at = server;
                    if (at == null) {
                        at = bundled();
                        variables.put("TABSERVE_ADMIN_TOKEN", BUNDLED_TOKEN);
                    } else {
                        variables.put("TABSERVE_ADMIN_TOKEN", token(environment));
                    }
                    send(command, ExampleCommands.curl(DocBlocks.words(command.text(), variables), Path.of(".")), at);
                }
            }
        }
        assertTrue(ran > 0, block.where() + " names " + DocsTest.EXAMPLES + " but has nothing it runs");
    }

    /** The bundled model's server, shared by the blocks that start none of their own. */
    private static TabserveProcess bundled;

    private static final String BUNDLED_TOKEN = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));

    private static TabserveProcess bundled() throws Exception {
        if (bundled == null) {
            bundled = TabserveProcess.startReady(Map.of("TABSERVE_ADMIN_TOKEN", BUNDLED_TOKEN));
        }
        return bundled;
    }

    @AfterAll
    static void stopTheBundledModelsServer() throws InterruptedException {
        if (bundled != null) {
            bundled.close();
        }
    }

    private static String token(Map<String, String> environment) {
        return environment.computeIfAbsent(
                "TABSERVE_ADMIN_TOKEN", k -> HexFormat.of().formatHex(new SecureRandom().generateSeed(32)));
    }

    /**
     * Starts the command's server on a free port and waits for its ready line, or finds it running for an earlier
     * block; {@code exported} then takes that server's token.
     */
    private TabserveProcess start(DocBlocks.Command command, ExampleCommands.Java java, Map<String, String> exported)
            throws Exception {
        Map<String, String> given = new java.util.TreeMap<>(exported);
        given.putAll(java.environment());
        given.remove("TABSERVE_ADMIN_TOKEN");
        String key = java.jvmOptions() + " " + java.args() + " " + given;
        Started running = servers.get(key);
        if (running != null && running.server().process().isAlive()) {
            exported.put("TABSERVE_ADMIN_TOKEN", running.token());
            return running.server();
        }
        while (servers.size() >= KEPT) {
            Iterator<Started> eldest = servers.values().iterator();
            eldest.next().server().close();
            eldest.remove();
        }
        Map<String, String> environment = new LinkedHashMap<>(exported);
        environment.put("TABSERVE_ADMIN_TOKEN", token(exported));
        environment.putAll(java.environment());
        List<String> args = new ArrayList<>(java.args());
        int port = args.indexOf("--port");
        if (port >= 0) {
            args.set(port + 1, "0");
        } else if (environment.containsKey("TABSERVE_PORT")) {
            environment.put("TABSERVE_PORT", "0");
        } else {
            args.addAll(0, List.of("--port", "0"));
        }
        int models = args.indexOf("--models");
        if (models >= 0) {
            assertEquals(
                    "/srv/models",
                    args.get(models + 1),
                    command.where() + ": the one models directory the docs describe");
            args.set(models + 1, modelsDirectory().toString());
        }
        TabserveProcess server = TabserveProcess.start(TabserveProcess.war(), jvmOptions(java), args, environment);
        servers.put(key, new Started(server, environment.get("TABSERVE_ADMIN_TOKEN")));
        try {
            server.awaitReady(Duration.ofSeconds(90));
        } catch (IllegalStateException e) {
            fail(command.where() + ": `" + command.text() + "` did not serve: " + e.getMessage());
        }
        return server;
    }

    /**
     * The JVM options a command is run with: those it writes, as written; for one that writes none (a plain
     * {@code java -jar}, whose JIT the docs leave to the JVM), {@link TabserveProcess#FUNCTIONAL_JVM_OPTIONS}, as every
     * start checked for what it answers: C2's compiler threads cost a short-lived JVM more than its code saves (the
     * doc servers' and commands' CPU was a tenth of the ITs' server starts).
     */
    private static List<String> jvmOptions(ExampleCommands.Java java) {
        return java.jvmOptions().isEmpty() ? TabserveProcess.FUNCTIONAL_JVM_OPTIONS : java.jvmOptions();
    }

    /** /srv/models as docs/routes.md describes it. */
    private Path modelsDirectory() throws IOException {
        Path dir = Files.createDirectories(scratch.resolve("models-" + System.nanoTime()));
        Files.createDirectories(dir.resolve("banknote-authenticator/1"));
        Files.copy(Path.of("model.onnx"), dir.resolve("banknote-authenticator/1/model.onnx"));
        Files.copy(PENGUINS.resolve("body-mass-regressor.onnx"), dir.resolve("mass.onnx"));
        Files.createDirectories(dir.resolve("species"));
        Files.copy(PENGUINS.resolve("species-zipmap.onnx"), dir.resolve("species/model.onnx"));
        return dir;
    }

    /** Runs a command that ends by itself ({@code card}, {@code score}, {@code --help}) and expects status 0. */
    private static void runToItsEnd(DocBlocks.Command command, ExampleCommands.Java java) throws Exception {
        List<String> line = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        line.addAll(jvmOptions(java));
        line.addAll(List.of("-jar", TabserveProcess.war().toString()));
        line.addAll(java.args());
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("TABSERVE_"));
        builder.environment().putAll(java.environment());
        Process process = builder.start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try {
                process.getInputStream().transferTo(output);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(command.where() + ": `" + command.text() + "` did not end");
        }
        reader.join(5_000);
        assertEquals(0, process.exitValue(), () -> command.where() + ": `" + command.text() + "` said:\n" + output);
    }

    /** Sends the curl command's request and holds the answer to what the docs show of it. */
    private void send(DocBlocks.Command command, ExampleCommands.Curl curl, TabserveProcess server) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.uri().getPort() + curl.pathAndQuery());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60));
        List<String> headers = new ArrayList<>(curl.headers());
        byte[] body = curl.body();
        if (curl.formFile() != null) {
            String boundary = "tabserve-docs-" + System.nanoTime();
            ByteArrayOutputStream multipart = new ByteArrayOutputStream();
            multipart.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + curl.formField()
                            + "\"; filename=\"" + curl.formFile().getFileName()
                            + "\"\r\nContent-Type: application/octet-stream"
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            multipart.write(Files.readAllBytes(curl.formFile()));
            multipart.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            body = multipart.toByteArray();
            headers.addAll(List.of("Content-Type", "multipart/form-data; boundary=" + boundary));
        }
        for (int i = 0; i < headers.size(); i += 2) {
            request.header(headers.get(i), headers.get(i + 1));
        }
        request.method(
                curl.method(),
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String said =
                command.where() + ": `" + command.text() + "` got " + response.statusCode() + " " + response.body();
        java.util.OptionalInt shownStatus = ShownAnswer.status(command.shown());
        assertTrue(
                shownStatus.isPresent()
                        ? response.statusCode() == shownStatus.getAsInt()
                        : response.statusCode() / 100 == 2,
                said);
        if (command.shown() != null) {
            ShownAnswer.assertShown(command.shown(), response.body(), said);
        }
    }
}
