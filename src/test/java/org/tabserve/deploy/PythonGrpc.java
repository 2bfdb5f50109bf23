package org.tabserve.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Python's grpcio against a deployed WAR: the committed client of PythonGrpcClientIT (oip_grpc_client.py, stubs
 * generated from src/main/proto/grpc_service.proto with grpc_tools, Debian's python3-grpcio run by /usr/bin/python3),
 * with the suite's key. Where /usr/bin/python3 cannot import grpc and grpc_tools the case is skipped, saying so.
 */
final class PythonGrpc {

    static final String PYTHON = "/usr/bin/python3";
    static final Path CLIENT = Path.of("src", "test", "resources", "org", "tabserve", "launcher", "oip_grpc_client.py");
    /** The rows of {@link GrpcCalls#NOTES}, as the client takes them. */
    static final String ROWS = "[[3.6216, 8.6661, -2.8073, -0.44699], [-1.3971, 3.3191, -1.3927, -1.9948]]";

    private static Path stubs;

    /** What the client printed, its last line read as its JSON, and whether its calls were answered. */
    record Result(String output, JsonNode json, boolean answered) {}

    private PythonGrpc() {}

    /** The REST v2 request the client's ModelInfer stands for (its id and input name are the client's). */
    static Map<String, Object> restRequest() {
        @SuppressWarnings("unchecked")
        Map<String, Object> input = (Map<String, Object>) ((List<?>) GrpcCalls.NOTES.get("inputs")).get(0);
        return Map.of("id", "python", "inputs", List.of(input));
    }

    static synchronized Result call(URI base, String model, String key) throws Exception {
        if (stubs == null) {
            String[] check = run(List.of(PYTHON, "-c", "import grpc, grpc_tools.protoc"), Map.of());
            assumeTrue(
                    check[0].equals("0"),
                    PYTHON + " cannot import grpc and grpc_tools (apt-get install -y python3-grpcio"
                            + " python3-grpc-tools): " + check[1].strip());
            Path dir = Files.createDirectories(
                    Path.of("target", "it", "python-grpc-stubs").toAbsolutePath());
            Path proto = Path.of("src", "main", "proto");
            String[] protoc = run(
                    List.of(
                            PYTHON,
                            "-m",
                            "grpc_tools.protoc",
                            "-I" + proto,
                            "--python_out=" + dir,
                            "--grpc_python_out=" + dir,
                            proto.resolve("grpc_service.proto").toString()),
                    Map.of());
            if (!protoc[0].equals("0")) {
                throw new IllegalStateException("grpc_tools.protoc failed: " + protoc[1]);
            }
            stubs = dir;
        }
        String[] client = run(
                List.of(
                        PYTHON,
                        CLIENT.toString(),
                        base.getHost() + ":" + base.getPort(),
                        model,
                        stubs.toString(),
                        ROWS),
                Map.of("TABSERVE_API_KEY", key));
        String[] lines = client[1].strip().split("\n");
        JsonNode json = DeploymentChecks.JSON.createObjectNode();
        try {
            json = DeploymentChecks.JSON.readTree(lines[lines.length - 1]);
        } catch (IOException notJson) {
            // the client failed before it printed its answer: the output says why
        }
        boolean answered = client[0].equals("0") && json.path("live").asBoolean() && json.has("infer");
        return new Result(client[1], json, answered);
    }

    /** @return the exit status (-1 when it timed out) and the output of a command */
    private static String[] run(List<String> command, Map<String, String> environment)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new String[] {"-1", "timed out: " + output};
        }
        return new String[] {Integer.toString(process.exitValue()), output};
    }
}
