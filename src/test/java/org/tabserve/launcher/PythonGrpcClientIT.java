package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.TabserveProcess;

/**
 * A Python gRPC client against the packaged WAR under {@code java -jar}: stubs generated from
 * src/main/proto/grpc_service.proto with grpc_tools, and grpcio's plaintext channel, as a Python user would call
 * tabserve (Debian's python3-grpcio and python3-grpc-tools, run by /usr/bin/python3). The committed client
 * (oip_grpc_client.py beside this class's resources) calls ServerLive, ModelMetadata and ModelInfer on the bank-note
 * model and ModelInfer on a model that does not exist; each answer must be REST v2's. Skipped, saying why, when
 * /usr/bin/python3 cannot import grpc and grpc_tools.
 */
class PythonGrpcClientIT {

    static final String PYTHON = "/usr/bin/python3";
    static final Path PROTO_DIR = Path.of("src", "main", "proto");
    static final Path CLIENT = Path.of("src", "test", "resources", "org", "tabserve", "launcher", "oip_grpc_client.py");
    static final String ROWS = "[[3.6216, 8.6661, -2.8073, -0.44699], [-1.3971, 3.3191, -1.3927, -1.9948]]";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static Path stubs;

    @BeforeAll
    static void generateStubs() throws Exception {
        Run check = run(List.of(PYTHON, "-c", "import grpc, grpc_tools.protoc; print(grpc.__version__)"));
        assumeTrue(
                check.exit() == 0,
                PYTHON + " cannot import grpc and grpc_tools (apt-get install -y python3-grpcio"
                        + " python3-grpc-tools): " + check.output().strip());
        stubs = Path.of("target", "python-grpc").toAbsolutePath();
        if (Files.exists(stubs)) {
            try (Stream<Path> files = Files.walk(stubs)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(stubs);
        Run protoc = run(List.of(
                PYTHON,
                "-m",
                "grpc_tools.protoc",
                "-I" + PROTO_DIR,
                "--python_out=" + stubs,
                "--grpc_python_out=" + stubs,
                PROTO_DIR.resolve("grpc_service.proto").toString()));
        assertEquals(0, protoc.exit(), protoc.output());
        assertTrue(Files.isRegularFile(stubs.resolve("grpc_service_pb2_grpc.py")), protoc.output());
    }

    @Test
    void aPythonClientGetsRestV2sAnswersOverGrpc() throws Exception {
        try (TabserveProcess process = TabserveProcess.startReady()) {
            String model = JSON.readTree(get(process, "/api/model").body())
                    .path("name")
                    .asText();
            Run client = run(List.of(
                    PYTHON,
                    CLIENT.toString(),
                    process.uri().getHost() + ":" + process.uri().getPort(),
                    model,
                    stubs.toString(),
                    ROWS));
            assertEquals(0, client.exit(), client.output());
            // The last line is the client's JSON (grpcio may log to stderr before it).
            String[] lines = client.output().strip().split("\n");
            JsonNode python = JSON.readTree(lines[lines.length - 1]);

            assertTrue(python.path("live").asBoolean(), client.output());

            JsonNode metadata =
                    JSON.readTree(get(process, "/v2/models/" + model).body());
            assertEquals(metadata.path("name"), python.path("metadata").path("name"));
            assertEquals(metadata.path("platform"), python.path("metadata").path("platform"));
            for (String tensors : List.of("inputs", "outputs")) { // gRPC's TensorMetadata has no parameters
                assertEquals(
                        tensors(metadata.path(tensors)),
                        tensors(python.path("metadata").path(tensors)),
                        tensors);
            }

            JsonNode rows = JSON.readTree(ROWS);
            List<Double> data = new ArrayList<>();
            rows.forEach(row -> row.forEach(v -> data.add(v.asDouble())));
            String request = JSON.writeValueAsString(java.util.Map.of(
                    "id",
                    "python",
                    "inputs",
                    List.of(java.util.Map.of(
                            "name",
                            metadata.path("inputs").get(0).path("name").asText(),
                            "datatype",
                            "FP32",
                            "shape",
                            List.of(rows.size(), rows.get(0).size()),
                            "data",
                            data))));
            HttpResponse<String> rest = post(process, "/v2/models/" + model + "/infer", request);
            assertEquals(200, rest.statusCode(), rest.body());
            JsonNode want = JSON.readTree(rest.body());
            JsonNode got = python.path("infer");
            assertEquals(want.path("model_name"), got.path("model_name"));
            assertEquals(want.path("model_version"), got.path("model_version"));
            assertEquals(want.path("id"), got.path("id"));
            GrpcWire.assertSameOutputs(want, got, client.output());
            assertEquals("0", got.path("outputs").get(0).path("data").get(0).asText(), "the genuine note");

            HttpResponse<String> unknown = post(process, "/v2/models/no-such-model/infer", request);
            assertEquals(404, unknown.statusCode(), unknown.body());
            assertEquals("NOT_FOUND", python.path("error").path("code").asText(), client.output());
            assertEquals(
                    JSON.readTree(unknown.body()).path("error").asText(),
                    python.path("error").path("details").asText());
        }
    }

    private static List<String> tensors(JsonNode tensors) {
        List<String> out = new ArrayList<>();
        tensors.forEach(
                t -> out.add(t.path("name").asText() + " " + t.path("datatype").asText() + " " + t.path("shape")));
        assertTrue(!out.isEmpty());
        return out;
    }

    /** A finished command: its exit status (-1 when it could not start or timed out) and its output. */
    record Run(int exit, String output) {}

    static Run run(List<String> command) throws IOException, InterruptedException {
        return run(new ProcessBuilder(command), 120);
    }

    /** Runs a command as {@code builder} sets it up (its directory, its environment), for at most that long. */
    static Run run(ProcessBuilder builder, long seconds) throws IOException, InterruptedException {
        Process process;
        try {
            process = builder.redirectErrorStream(true).start();
        } catch (IOException noPython) {
            return new Run(-1, noPython.toString());
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Run(-1, "timed out: " + output);
        }
        return new Run(process.exitValue(), output);
    }

    static HttpResponse<String> get(TabserveProcess process, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(process.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(TabserveProcess process, String path, String json)
            throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(process.uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
