package org.tabserve.serving.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.Multipart;
import org.tabserve.testing.OtlpReceiver;
import org.tabserve.testing.TabserveProcess;

/**
 * Traces of the packaged WAR, received by a real OTLP/HTTP receiver ({@link OtlpReceiver}): one server traces a
 * bank-note model under a shadow rollout with the prediction log on, sampling no request of its own (ratio 0, parent
 * based), so that only callers who send a sampled {@code traceparent} are traced. A Python client's JSON prediction
 * with an explanation, an upload of three chunks and a Python gRPC call each arrive as the server's spans under the
 * caller's trace, with a span for each stage; so do an Open Inference Protocol infer over REST, MLflow invocations
 * and the form's post, each with its read and write stages, and a canaried model's comparison (its role and the other
 * version); an unsampled caller gets no span; the receiver killed, answers go on. A
 * second server, given an endpoint that is no URL, starts without tracing and never loads an OpenTelemetry class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TracesIT {

    private static final String PYTHON = "/usr/bin/python3";
    private static final Path CLIENT =
            Path.of("src", "test", "resources", "org", "tabserve", "serving", "trace", "traced_client.py");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** An input value of the requests below, which no span may carry. */
    private static final String SENT_VALUE = "3.6216";

    private static OtlpReceiver receiver;
    private static ModelDirectory models;
    private static Path log;
    private static TabserveProcess server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        receiver = OtlpReceiver.start();
        models = ModelDirectory.withFourModels();
        // The bank-note model carded with its training data, whose background sample its explanations need.
        Path carded = org.tabserve.cli.FixtureCards.banknote(Files.createTempDirectory("tabserve-traces-card"));
        models.install(carded, "banknote/1/model.onnx");
        models.install(carded, "banknote/2/model.onnx");
        models.install("{\"serving\": 1, \"shadow\": {\"version\": 2}}".getBytes(), "banknote/rollout.json");
        models.copy(BankNotes.MODEL, "canaried/1/model.onnx");
        models.copy(BankNotes.MODEL, "canaried/2/model.onnx");
        models.install(
                "{\"serving\": 1, \"canary\": {\"version\": 2, \"percent\": 50, \"sample\": 1}}".getBytes(),
                "canaried/rollout.json");
        log = Files.createTempDirectory("tabserve-traces-log");
        Map<String, String> environment = new HashMap<>();
        environment.put("OTEL_TRACES_SAMPLER_ARG", "0");
        environment.put("OTEL_SERVICE_NAME", "tabserve-traces-it");
        server = TabserveProcess.start(
                List.of(
                        "--port", "0",
                        "--models", models.root().toString(),
                        "--otel-endpoint", receiver.endpoint(),
                        "--prediction-log", log.toString()),
                environment);
        server.awaitReady(Duration.ofSeconds(120));
        http = new Http(server);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private static Map<String, List<OtlpReceiver.Received>> byName(List<OtlpReceiver.Received> spans) {
        return spans.stream().collect(Collectors.groupingBy(OtlpReceiver.Received::name));
    }

    /** No attribute of any span carries a value the requests sent. */
    /** The request's read and write stages name their formats and count {@code rows} each. */
    private static void assertReadAndWritten(
            Map<String, List<OtlpReceiver.Received>> named, String readFormat, String writeFormat, String rows) {
        Map<String, String> read = named.get("tabserve.read").get(0).attributes();
        assertEquals(readFormat, read.get("tabserve.format"), read.toString());
        assertEquals(rows, read.get("tabserve.rows"), read.toString());
        Map<String, String> written = named.get("tabserve.write").get(0).attributes();
        assertEquals(writeFormat, written.get("tabserve.format"), written.toString());
        assertEquals(rows, written.get("tabserve.rows"), written.toString());
    }

    private static void carriesNoInput(List<OtlpReceiver.Received> spans) {
        for (OtlpReceiver.Received span : spans) {
            assertFalse(span.attributes().toString().contains(SENT_VALUE), span.toString());
            assertFalse(span.statusMessage().contains(SENT_VALUE), span.toString());
        }
    }

    @Test
    @Order(1)
    void aPythonClientsJsonPredictionWithAnExplanationIsTracedStageByStageUnderItsTrace() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is missing");
        String trace = OtlpReceiver.randomId(16);
        String parent = OtlpReceiver.randomId(8);
        Run client = run(
                PYTHON,
                CLIENT.toString(),
                "json",
                server.uri("/models/banknote/api/predict?explain=true").toString(),
                "00-" + trace + "-" + parent + "-01",
                BankNotes.genuine().json().toString());
        assertEquals(0, client.exit(), client.output());
        JsonNode answer = JSON.readTree(client.lastLine());
        assertEquals(200, answer.path("status").asInt(), client.output());
        assertEquals(trace, answer.path("body").path("trace_id").asText(), "the answer names its trace");
        assertTrue(answer.path("traceparent").asText().matches("00-" + trace + "-[0-9a-f]{16}-01"), client.output());
        String serverSpan = answer.path("traceparent").asText().substring(36, 52);

        List<OtlpReceiver.Received> spans = receiver.await(
                trace, got -> byName(got).keySet().containsAll(STAGES) && got.size() >= STAGES.size() + 1, WAIT);
        Map<String, List<OtlpReceiver.Received>> named = byName(spans);
        assertTrue(named.keySet().containsAll(STAGES), named.keySet().toString());
        OtlpReceiver.Received request = spans.stream()
                .filter(s -> s.spanId().equals(serverSpan))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no server span " + serverSpan + " in " + named.keySet()));
        assertEquals(parent, request.parentSpanId(), "the caller's span is the server span's parent");
        assertEquals(2, request.kind(), "SPAN_KIND_SERVER");
        assertEquals("tabserve-traces-it", request.service());
        assertEquals("POST", request.attributes().get("http.request.method"));
        assertEquals("200", request.attributes().get("http.response.status_code"));
        assertEquals(request.name(), "POST " + request.attributes().get("http.route"));
        for (String stage : STAGES) {
            for (OtlpReceiver.Received span : named.get(stage)) {
                assertEquals(serverSpan, span.parentSpanId(), stage + " is a stage of the request");
            }
        }
        OtlpReceiver.Received model = named.get("tabserve.model").get(0);
        assertEquals("banknote", model.attributes().get("tabserve.model.name"));
        assertEquals("1", model.attributes().get("tabserve.model.version"));
        assertEquals("1", model.attributes().get("tabserve.rows"));
        assertNotNull(model.attributes().get("tabserve.model.engine"));
        assertNotNull(named.get("tabserve.explain").get(0).attributes().get("tabserve.explain.method"));
        OtlpReceiver.Received shadow = named.get("tabserve.rollout").get(0);
        assertEquals("shadow", shadow.attributes().get("tabserve.rollout.role"));
        assertEquals("2", shadow.attributes().get("tabserve.model.version"));
        assertEquals("json", named.get("tabserve.read").get(0).attributes().get("tabserve.format"));
        carriesNoInput(spans);

        // The access log's line and the prediction log's line carry the trace too.
        assertTrue(
                server.output().stream()
                        .anyMatch(line -> line.contains("POST /models/banknote/api/predict") && line.contains(trace)),
                "the access log names the trace");
        assertTrue(awaitLogged(trace), "the prediction log's line names the trace");
    }

    /** The stages of a JSON prediction with an explanation, under a shadow, logged. */
    private static final List<String> STAGES = List.of(
            "tabserve.read",
            "tabserve.explain",
            "tabserve.model",
            "tabserve.labels",
            "tabserve.prediction_log",
            "tabserve.rollout",
            "tabserve.write");

    private static boolean awaitLogged(String trace) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            try (var files = Files.list(log)) {
                for (Path file : files.toList()) {
                    if (Files.readString(file).contains("\"trace_id\":\"" + trace + "\"")) {
                        return true;
                    }
                }
            }
            Thread.sleep(200);
        }
        return false;
    }

    @Test
    @Order(2)
    void anUploadOfThreeChunksIsReadWrittenAndHasAModelSpanForEachChunk() throws Exception {
        String trace = OtlpReceiver.randomId(16);
        StringBuilder csv = new StringBuilder(String.join(",", BankNotes.FEATURES)).append('\n');
        List<BankNotes.Note> notes = BankNotes.all();
        for (int i = 0; i < 9000; i++) {
            BankNotes.Note note = notes.get(i % notes.size());
            csv.append(BankNotes.FEATURES.stream().map(note.text()::get).collect(Collectors.joining(",")))
                    .append('\n');
        }
        Http.Response answer = http.upload(
                "/models/banknote/predict_file?format=json",
                Multipart.csv(csv.toString()),
                "traceparent",
                "00-" + trace + "-" + OtlpReceiver.randomId(8) + "-01");
        assertEquals(200, answer.status(), answer.text());
        List<OtlpReceiver.Received> spans = receiver.await(
                trace,
                got -> byName(got).getOrDefault("tabserve.model", List.of()).size() >= 3
                        && byName(got).containsKey("tabserve.read")
                        && byName(got).containsKey("tabserve.write"),
                WAIT);
        List<OtlpReceiver.Received> chunks = byName(spans).getOrDefault("tabserve.model", List.of());
        assertEquals(3, chunks.size(), byName(spans).keySet().toString());
        Map<String, String> read = byName(spans).get("tabserve.read").get(0).attributes();
        assertEquals("csv", read.get("tabserve.format"), read.toString());
        assertEquals(Long.toString(csv.toString().getBytes(StandardCharsets.UTF_8).length), read.get("tabserve.bytes"));
        assertEquals("9000", read.get("tabserve.rows"), read.toString());
        Map<String, String> written = byName(spans).get("tabserve.write").get(0).attributes();
        assertEquals("json", written.get("tabserve.format"), written.toString());
        assertEquals("9000", written.get("tabserve.rows"), written.toString());
        assertEquals(
                9000,
                chunks.stream()
                        .mapToLong(s -> Long.parseLong(s.attributes().get("tabserve.rows")))
                        .sum());
        carriesNoInput(spans);
    }

    @Test
    @Order(3)
    void aPythonGrpcCallIsTracedUnderItsMetadatasTrace() throws Exception {
        Run check = run(PYTHON, "-c", "import grpc, grpc_tools.protoc");
        assumeTrue(check.exit() == 0, "python3 cannot import grpc and grpc_tools: " + check.output());
        Path stubs = Files.createTempDirectory("tabserve-traces-grpc");
        Run protoc = run(
                PYTHON,
                "-m",
                "grpc_tools.protoc",
                "-Isrc/main/proto",
                "--python_out=" + stubs,
                "--grpc_python_out=" + stubs,
                "src/main/proto/grpc_service.proto");
        assertEquals(0, protoc.exit(), protoc.output());
        String input = http.get("/v2/models/banknote")
                .json()
                .path("inputs")
                .get(0)
                .path("name")
                .asText();
        String trace = OtlpReceiver.randomId(16);
        String parent = OtlpReceiver.randomId(8);
        Run client = run(
                PYTHON,
                CLIENT.toString(),
                "grpc",
                server.uri().getHost() + ":" + server.uri().getPort(),
                stubs.toString(),
                "banknote",
                input,
                "00-" + trace + "-" + parent + "-01");
        assertEquals(0, client.exit(), client.output());
        // Until the server span is in too: the exporter may post the stages, ended first, in an earlier batch.
        List<OtlpReceiver.Received> spans = receiver.await(
                trace,
                got -> byName(got).containsKey("tabserve.model")
                        && got.stream().anyMatch(s -> s.parentSpanId().equals(parent)),
                WAIT);
        OtlpReceiver.Received call = spans.stream()
                .filter(s -> s.parentSpanId().equals(parent))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no server span under the caller's: " + spans));
        assertEquals("grpc", call.attributes().get("rpc.system"));
        assertEquals("ModelInfer", call.attributes().get("rpc.method"));
        assertEquals("0", call.attributes().get("rpc.grpc.status_code"));
        assertEquals(call.spanId(), byName(spans).get("tabserve.model").get(0).parentSpanId());
        carriesNoInput(spans);
    }

    @Test
    @Order(4)
    void aRefusalRecordsItsStatusAndTitleButNotWhatWasSent() throws Exception {
        String trace = OtlpReceiver.randomId(16);
        Http.Response refused = http.post(
                "/models/banknote/api/predict",
                "application/json",
                "{\"variance\": \"secret-value-123\"}".getBytes(StandardCharsets.UTF_8),
                "traceparent",
                "00-" + trace + "-" + OtlpReceiver.randomId(8) + "-01");
        assertEquals(400, refused.status(), refused.text());
        List<OtlpReceiver.Received> spans =
                receiver.await(trace, got -> got.stream().anyMatch(s -> s.kind() == 2), WAIT);
        OtlpReceiver.Received request = spans.stream()
                .filter(s -> s.kind() == 2)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no server span: " + spans));
        assertEquals("400", request.attributes().get("http.response.status_code"));
        assertNotNull(request.attributes().get("tabserve.problem.title"), request.toString());
        for (OtlpReceiver.Received span : spans) {
            assertFalse(span.toString().contains("secret-value-123"), span.toString());
        }
    }

    /**
     * Posts {@code body} to {@code path} under a new sampled trace, and returns the spans of the request once its read
     * and write stages are in, after checking that both are stages of its server span and carry no input.
     */
    private static Map<String, List<OtlpReceiver.Received>> readAndWritten(
            String path, String contentType, String body, String... headers) throws Exception {
        String trace = OtlpReceiver.randomId(16);
        List<String> sent = new ArrayList<>(List.of(headers));
        sent.addAll(List.of("traceparent", "00-" + trace + "-" + OtlpReceiver.randomId(8) + "-01"));
        Http.Response answer =
                http.post(path, contentType, body.getBytes(StandardCharsets.UTF_8), sent.toArray(String[]::new));
        assertEquals(200, answer.status(), answer.text());
        List<OtlpReceiver.Received> spans = receiver.await(
                trace,
                got -> byName(got).keySet().containsAll(List.of("tabserve.read", "tabserve.model", "tabserve.write"))
                        && got.stream().anyMatch(s -> s.kind() == 2), // the server span, ended last
                WAIT);
        Map<String, List<OtlpReceiver.Received>> named = byName(spans);
        assertTrue(
                named.keySet().containsAll(List.of("tabserve.read", "tabserve.model", "tabserve.write")),
                path + ": " + named.keySet());
        OtlpReceiver.Received request = spans.stream()
                .filter(s -> s.kind() == 2)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no server span: " + spans));
        for (String stage : List.of("tabserve.read", "tabserve.write")) {
            assertEquals(1, named.get(stage).size(), path + ": " + stage);
            assertEquals(request.spanId(), named.get(stage).get(0).parentSpanId(), path + ": " + stage);
        }
        assertEquals(
                Long.toString(body.getBytes(StandardCharsets.UTF_8).length),
                named.get("tabserve.read").get(0).attributes().get("tabserve.bytes"),
                path);
        carriesNoInput(spans);
        return named;
    }

    @Test
    @Order(5)
    void anOpenInferenceProtocolInferReadsAndWritesItsBodyInStages() throws Exception {
        String input = http.get("/v2/models/banknote")
                .json()
                .path("inputs")
                .get(0)
                .path("name")
                .asText();
        BankNotes.Note note = BankNotes.genuine();
        String data = BankNotes.FEATURES.stream().map(note.text()::get).collect(Collectors.joining(","));
        Map<String, List<OtlpReceiver.Received>> named = readAndWritten(
                "/v2/models/banknote/infer",
                "application/json",
                "{\"inputs\": [{\"name\": \"" + input + "\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": ["
                        + data + "]}]}");
        assertReadAndWritten(named, "json", "json", "1");
    }

    @Test
    @Order(6)
    void anMlflowInvocationOfCsvRowsAnsweredAsArrowReadsAndWritesInStages() throws Exception {
        StringBuilder csv = new StringBuilder(String.join(",", BankNotes.FEATURES)).append('\n');
        for (BankNotes.Note note : List.of(BankNotes.genuine(), BankNotes.forged())) {
            csv.append(BankNotes.FEATURES.stream().map(note.text()::get).collect(Collectors.joining(",")))
                    .append('\n');
        }
        Map<String, List<OtlpReceiver.Received>> named = readAndWritten(
                "/models/banknote/invocations",
                "text/csv",
                csv.toString(),
                "Accept",
                "application/vnd.apache.arrow.stream");
        assertReadAndWritten(named, "csv", "arrow", "2");

        Map<String, List<OtlpReceiver.Received>> json = readAndWritten(
                "/models/banknote/invocations",
                "application/json",
                "{\"dataframe_records\": [" + BankNotes.genuine().json() + "]}");
        assertEquals("json", json.get("tabserve.read").get(0).attributes().get("tabserve.format"));
        assertEquals("json", json.get("tabserve.write").get(0).attributes().get("tabserve.format"));
    }

    @Test
    @Order(7)
    void theFormsPostReadsItsFieldsAndWritesItsPageInStages() throws Exception {
        Map<String, List<OtlpReceiver.Received>> named = readAndWritten(
                "/models/banknote/",
                "application/x-www-form-urlencoded",
                BankNotes.genuine().query());
        assertReadAndWritten(named, "form", "html", "1");
    }

    @Test
    @Order(8)
    void aCanariedModelsComparisonIsAStageNamingItsRoleAndTheOtherVersion() throws Exception {
        String trace = OtlpReceiver.randomId(16);
        Http.Response answer = http.post(
                "/models/canaried/api/predict",
                "application/json",
                BankNotes.genuine().json().toString().getBytes(StandardCharsets.UTF_8),
                "traceparent",
                "00-" + trace + "-" + OtlpReceiver.randomId(8) + "-01");
        assertEquals(200, answer.status(), answer.text());
        long answering = Long.parseLong(answer.header("X-Model-Version").orElseThrow());
        List<OtlpReceiver.Received> spans = receiver.await(
                trace,
                got -> byName(got).containsKey("tabserve.rollout")
                        && byName(got).containsKey("tabserve.write"),
                WAIT);
        Map<String, List<OtlpReceiver.Received>> named = byName(spans);
        String serverSpan = answer.header("traceparent").orElseThrow().substring(36, 52);
        OtlpReceiver.Received comparison = named.get("tabserve.rollout").get(0);
        assertEquals(serverSpan, comparison.parentSpanId(), "a stage of the request");
        assertEquals("canary", comparison.attributes().get("tabserve.rollout.role"), comparison.toString());
        assertEquals(
                Long.toString(3 - answering),
                comparison.attributes().get("tabserve.model.version"),
                "the version beside the one that answered: " + comparison);
        assertEquals("1", comparison.attributes().get("tabserve.rows"), comparison.toString());
        assertEquals(
                Long.toString(answering),
                named.get("tabserve.model").get(0).attributes().get("tabserve.model.version"));
        carriesNoInput(spans);
    }

    @Test
    @Order(9)
    void aCallerThatIsNotSampledAndAServerSamplingNothingSendNoSpan() throws Exception {
        String unsampled = OtlpReceiver.randomId(16);
        Http.Response caller = http.post(
                "/models/banknote/api/predict",
                "application/json",
                BankNotes.genuine().json().toString().getBytes(StandardCharsets.UTF_8),
                "traceparent",
                "00-" + unsampled + "-" + OtlpReceiver.randomId(8) + "-00");
        assertEquals(200, caller.status(), caller.text());
        assertFalse(caller.json().has("trace_id"), caller.text());
        Http.Response own = http.postJson(
                "/models/banknote/api/predict", BankNotes.genuine().json().toString());
        assertEquals(200, own.status(), own.text());
        assertFalse(own.json().has("trace_id"), own.text());
        String traceparent = own.header("traceparent").orElseThrow();
        assertEquals(0, Integer.parseInt(traceparent.substring(53), 16) & 1, "not sampled: " + traceparent);
        // A sampled request after both: once its spans are in, theirs would have been (one exporter, in order).
        String later = OtlpReceiver.randomId(16);
        http.post(
                "/models/banknote/api/predict",
                "application/json",
                BankNotes.genuine().json().toString().getBytes(StandardCharsets.UTF_8),
                "traceparent",
                "00-" + later + "-" + OtlpReceiver.randomId(8) + "-01");
        receiver.await(later, got -> byName(got).containsKey("tabserve.write") && got.size() > 5, WAIT);
        assertEquals(List.of(), receiver.trace(unsampled));
        assertEquals(List.of(), receiver.trace(traceparent.substring(3, 35)));
    }

    @Test
    @Order(10)
    void withTheCollectorGoneAnswersGoOn() throws Exception {
        receiver.close();
        for (int i = 0; i < 40; i++) {
            Http.Response answer = http.post(
                    "/models/banknote/api/predict",
                    "application/json",
                    BankNotes.genuine().json().toString().getBytes(StandardCharsets.UTF_8),
                    "traceparent",
                    "00-" + OtlpReceiver.randomId(16) + "-" + OtlpReceiver.randomId(8) + "-01");
            assertEquals(200, answer.status(), answer.text());
        }
        assertTrue(server.process().isAlive());
        assertTrue(http.get("/metrics").text().contains("tabserve_trace_spans_dropped"));
    }

    @Test
    @Order(11)
    void aServerGivenABadEndpointStartsWithoutTracingAndLoadsNoOpenTelemetryClass() throws Exception {
        Path classes = Files.createTempFile("tabserve-classes", ".log");
        try (TabserveProcess untraced = TabserveProcess.start(
                TabserveProcess.war(),
                List.of("-XX:TieredStopAtLevel=1", "-Xlog:class+load=info:file=" + classes),
                List.of("--port", "0", "--otel-endpoint", "collector:4318"),
                Map.of())) {
            untraced.awaitReady(Duration.ofSeconds(120));
            Http client = new Http(untraced);
            Http.Response answer =
                    client.postJson("/api/predict", BankNotes.genuine().json().toString());
            assertEquals(200, answer.status(), answer.text());
            assertTrue(answer.header("traceparent").isEmpty(), "no traceparent when tracing is off");
            assertFalse(answer.json().has("trace_id"));
            assertEquals(
                    1,
                    untraced.output().stream()
                            .filter(line -> line.contains("Tracing is off") && line.contains(TraceSettings.ENDPOINT))
                            .count(),
                    String.join("\n", untraced.output()));
            List<String> loaded = Files.readAllLines(classes).stream()
                    .filter(line -> line.contains("io.opentelemetry"))
                    .toList();
            assertTrue(
                    Files.readString(classes).contains("org.tabserve.serving.trace.Tracing"), "the log lists classes");
            assertEquals(List.of(), loaded);
        } finally {
            Files.deleteIfExists(classes);
        }
    }

    /** A finished command: its exit status and its output. */
    private record Run(int exit, String output) {
        String lastLine() {
            String[] lines = output.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    private static Run run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(List.of(command)))
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Run(-1, "timed out: " + output);
        }
        return new Run(process.exitValue(), output);
    }
}
