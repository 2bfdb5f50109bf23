package org.tabserve.web.v2.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelMetadataRequest;
import inference.ModelMetadataResponse;
import inference.ModelReadyRequest;
import inference.ServerLiveRequest;
import inference.ServerMetadataRequest;
import inference.ServerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.GrpcWire;
import org.tabserve.web.v2.TypedModelsV2Test;

/**
 * The Open Inference Protocol over gRPC, end to end: the launcher's own embedded Jetty (HTTP/2 cleartext beside
 * HTTP/1.1 on one port) in this JVM, driven by grpc-java's generated blocking stub over a plaintext channel, compared
 * with the REST v2 routes on the same server for the same inputs: health and metadata, ModelInfer on the bundled
 * bank-note model (values in {@code contents}, as FP64 and in {@code raw_input_contents}) and on the penguins fixtures
 * (text as BYTES, missing numbers as NaN, INT64 columns, a regressor), and refusals (wrong datatype, wrong shape,
 * unknown input, output or model) as gRPC statuses carrying REST's message; and the request metrics' protocol label.
 */
public class OpenInferenceGrpcTest {

    private static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static TabserveServer bankNotes;
    private static ManagedChannel channel;
    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;
    private static String name;

    @BeforeAll
    static void start() throws Exception {
        bankNotes = TabserveServer.startReady();
        channel = GrpcWire.channelTo(bankNotes);
        stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        name = get(bankNotes, "/api/model").path("name").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        GrpcWire.close(channel, bankNotes);
    }

    @Test
    void answersHealthAndServerMetadataAsRestDoes() throws Exception {
        assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        assertTrue(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        JsonNode rest = get(bankNotes, "/v2");
        var metadata = stub.serverMetadata(ServerMetadataRequest.getDefaultInstance());
        assertEquals("tabserve", metadata.getName());
        assertEquals(rest.path("version").asText(), metadata.getVersion());
        assertTrue(stub.modelReady(ModelReadyRequest.newBuilder().setName(name).build())
                .getReady());
    }

    @Test
    void answersModelMetadataAsRestDoes() throws Exception {
        JsonNode rest = get(bankNotes, "/v2/models/" + name);
        ModelMetadataResponse grpc = stub.modelMetadata(
                ModelMetadataRequest.newBuilder().setName(name).build());
        assertEquals(rest.path("name").asText(), grpc.getName());
        assertEquals(rest.path("platform").asText(), grpc.getPlatform());
        assertEquals(texts(rest.path("versions")), grpc.getVersionsList());
        assertEquals(
                tensors(rest.path("inputs")),
                grpc.getInputsList().stream().map(OpenInferenceGrpcTest::tensor).toList());
        assertEquals(
                tensors(rest.path("outputs")),
                grpc.getOutputsList().stream()
                        .map(OpenInferenceGrpcTest::tensor)
                        .toList());
        assertEquals(grpc, stub.modelMetadata(ModelMetadataRequest.getDefaultInstance()), "no name: the default model");
    }

    @Test
    void infersTheBankNotesAsRestDoes() throws Exception {
        Map<String, Object> request = bankNoteRequest("FP32");
        JsonNode rest = post(bankNotes, "/v2/models/" + name + "/infer", request);
        ModelInferResponse grpc = stub.modelInfer(grpcRequest(name, request, false));
        assertSameAnswer(rest, grpc);
        assertEquals("bank-notes", grpc.getId());
        assertEquals(grpc, stub.modelInfer(grpcRequest(name, request, true)), "raw_input_contents answer alike");
        Map<String, Object> fp64 = bankNoteRequest("FP64");
        assertSameAnswer(
                post(bankNotes, "/v2/models/" + name + "/infer", fp64),
                stub.modelInfer(grpcRequest(name, fp64, false)));
        assertEquals(grpc, stub.modelInfer(grpcRequest("", request, false)), "no model name: the default model");
    }

    @Test
    void refusesBadRequestsWithRestsMessageAndTheMatchingStatus() throws Exception {
        Map<String, Object> good = bankNoteRequest("FP32");
        String input = (String) firstTensor(good).get("name");

        Map<String, Object> bytes = bankNoteRequest("FP32");
        firstTensor(bytes).put("datatype", "BYTES");
        firstTensor(bytes)
                .put(
                        "data",
                        ((List<?>) firstTensor(bytes).get("data"))
                                .stream().map(String::valueOf).toList());
        assertRefusedAlike(name, bytes, Status.Code.INVALID_ARGUMENT, 400, "has datatype 'BYTES'");

        Map<String, Object> shape = bankNoteRequest("FP32");
        List<?> dims = (List<?>) firstTensor(shape).get("shape");
        firstTensor(shape).put("shape", List.of(dims.get(0), 3));
        assertRefusedAlike(name, shape, Status.Code.INVALID_ARGUMENT, 400, "must have shape");

        Map<String, Object> inexact = bankNoteRequest("FP32");
        firstTensor(inexact).put("datatype", "FP64");
        assertRefusedAlike(name, inexact, Status.Code.INVALID_ARGUMENT, 400, "is not exactly a float32");

        Map<String, Object> negative = bankNoteRequest("FP32");
        firstTensor(negative).put("shape", List.of(-2, dims.get(1)));
        assertRefusedAlike(name, negative, Status.Code.INVALID_ARGUMENT, 400, "shape[0] must be a whole number >= 0");

        Map<String, Object> unknownInput = bankNoteRequest("FP32");
        firstTensor(unknownInput).put("name", "nope");
        assertRefusedAlike(name, unknownInput, Status.Code.INVALID_ARGUMENT, 400, "unknown input 'nope'");

        Map<String, Object> unknownOutput = new LinkedHashMap<>(good);
        unknownOutput.put("outputs", List.of(Map.of("name", "nope")));
        assertRefusedAlike(name, unknownOutput, Status.Code.INVALID_ARGUMENT, 400, "unknown output 'nope'");

        assertRefusedAlike("no-such-model", good, Status.Code.NOT_FOUND, 404, "no-such-model");

        StatusRuntimeException ready = assertThrows(
                StatusRuntimeException.class,
                () -> stub.modelReady(
                        ModelReadyRequest.newBuilder().setName("no-such-model").build()));
        assertEquals(Status.Code.NOT_FOUND, ready.getStatus().getCode());
        assertEquals(
                error(bankNotes, "GET", "/v2/models/no-such-model/ready", null, 404),
                ready.getStatus().getDescription());

        // gRPC's own: values in the contents field of another datatype.
        ModelInferRequest.Builder misplaced = grpcRequest(name, good, false).toBuilder();
        misplaced
                .getInputsBuilder(0)
                .setContents(InferTensorContents.newBuilder().addFp64Contents(1.0));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(misplaced.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals(
                "input '" + input + "' has datatype FP32, whose values go in contents.fp32_contents, but its "
                        + "values are in contents.fp64_contents",
                e.getStatus().getDescription());
    }

    /**
     * The request metrics tell gRPC calls from REST requests by their protocol label: each gRPC call is counted once,
     * when it ends, under its method's path and its status code's name, with the model it used (the default model's
     * name for an empty one, none for a model that is not served); REST's infer route as before.
     */
    @Test
    void requestMetricsTellGrpcCallsFromRestRequests() throws Exception {
        Map<String, Object> request = bankNoteRequest("FP32");
        String before = text(bankNotes, "/metrics");
        post(bankNotes, "/v2/models/" + name + "/infer", request);
        stub.modelInfer(grpcRequest(name, request, false));
        stub.modelInfer(grpcRequest("", request, false));
        assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(grpcRequest("no-such-model", request, false)));
        // Bytes that are not a ModelInferRequest are refused before any RPC sees a message, and counted all the same.
        StatusRuntimeException notProtobuf = assertThrows(
                StatusRuntimeException.class,
                () -> io.grpc.stub.ClientCalls.blockingUnaryCall(
                        channel, RAW_MODEL_INFER, io.grpc.CallOptions.DEFAULT, new byte[] {(byte) 0xff, 0x01}));
        assertEquals(
                io.grpc.Status.Code.INVALID_ARGUMENT, notProtobuf.getStatus().getCode());
        String after = text(bankNotes, "/metrics");

        String model = "model=\"" + name + "\"";
        String infer = ",route=\"/inference.GRPCInferenceService/ModelInfer\"";
        assertEquals(
                1,
                rise(
                        before,
                        after,
                        "tabserve_http_requests_total",
                        "method=\"POST\"," + model + ",protocol=\"rest\",route=\"/v2/*\",status=\"200\""));
        assertEquals(
                2,
                rise(
                        before,
                        after,
                        "tabserve_http_requests_total",
                        "method=\"POST\"," + model + ",protocol=\"grpc\"" + infer + ",status=\"OK\""));
        assertEquals(
                1,
                rise(
                        before,
                        after,
                        "tabserve_http_requests_total",
                        "method=\"POST\",model=\"\",protocol=\"grpc\"" + infer + ",status=\"NOT_FOUND\""));
        assertEquals(
                1,
                rise(
                        before,
                        after,
                        "tabserve_http_requests_total",
                        "method=\"POST\",model=\"\",protocol=\"grpc\"" + infer + ",status=\"INVALID_ARGUMENT\""));
        assertEquals(
                2,
                rise(
                        before,
                        after,
                        "tabserve_http_request_duration_seconds_count",
                        "method=\"POST\"," + model + ",protocol=\"grpc\"" + infer));
        assertTrue(!after.contains("no-such-model"), "a name a client made up never becomes a label value");
        assertTrue(
                !after.contains("route=\"/inference.GRPCInferenceService/*\""),
                "a gRPC call is counted by the service alone, not by the servlet filter too");
    }

    /** ModelInfer with its request as bytes, whatever they are. */
    private static final io.grpc.MethodDescriptor<byte[], byte[]> RAW_MODEL_INFER =
            io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
                    .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(
                            GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName())
                    .setRequestMarshaller(Bytes.MARSHALLER)
                    .setResponseMarshaller(Bytes.MARSHALLER)
                    .build();

    /** Bytes as they are, both ways. */
    private enum Bytes {
        ;
        static final io.grpc.MethodDescriptor.Marshaller<byte[]> MARSHALLER =
                new io.grpc.MethodDescriptor.Marshaller<>() {
                    @Override
                    public java.io.InputStream stream(byte[] value) {
                        return new java.io.ByteArrayInputStream(value);
                    }

                    @Override
                    public byte[] parse(java.io.InputStream stream) {
                        try (stream) {
                            return stream.readAllBytes();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                };
    }

    /** How much one sample rose between two scrapes (0 for one absent). */
    private static double rise(String before, String after, String name, String labels) {
        return sample(after, name, labels) - sample(before, name, labels);
    }

    private static double sample(String metrics, String name, String labels) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "^" + java.util.regex.Pattern.quote(name + "{" + labels + "}") + " (\\S+)$",
                        java.util.regex.Pattern.MULTILINE)
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /**
     * Every fixture made by the real exporter (text, float with missing ones as NaN and INT64 columns, ZipMap or not,
     * labels in the graph, a fixed batch of 4, a regressor, one tensor of four columns), as REST answers.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "penguins/species-zipmap",
                "penguins/species-nozipmap",
                "penguins/int64-column",
                "penguins/body-mass-regressor",
                "penguins/species-labels-in-graph",
                "penguins/fixed-batch-4",
                "iris/iris-single-tensor"
            })
    void infersEveryFixtureAsRestDoes(String fixture) throws Exception {
        Path fixtures = PENGUINS.getParent();
        JsonNode expected =
                JSON.readTree(fixtures.resolve(fixture + ".expected.json").toFile());
        if (expected.has("input")) { // one tensor of many columns, described as such: as one input with its columns
            com.fasterxml.jackson.databind.node.ObjectNode input =
                    expected.path("input").deepCopy();
            input.set("columns", expected.path("columns"));
            expected = ((com.fasterxml.jackson.databind.node.ObjectNode) expected.deepCopy())
                    .set("inputs", JSON.createArrayNode().add(input));
        }
        try (TabserveServer server = TabserveServer.startReady(
                "--model", fixtures.resolve(fixture + ".onnx").toAbsolutePath().toString())) {
            ManagedChannel penguins = GrpcWire.channelTo(server);
            try {
                String model = get(server, "/api/model").path("name").asText();
                Map<String, Object> request = JSON.convertValue(
                        TypedModelsV2Test.inferRequest(expected),
                        JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
                JsonNode rest = post(server, "/v2/models/" + model + "/infer", request);
                var client = GRPCInferenceServiceGrpc.newBlockingStub(penguins);
                ModelInferResponse grpc = client.modelInfer(grpcRequest(model, request, false));
                assertSameAnswer(rest, grpc);
                assertEquals(grpc, client.modelInfer(grpcRequest(model, request, true)), "raw_input_contents alike");
                assertEquals(expected.path("rows").size(), grpc.getOutputs(0).getShape(0));
            } finally {
                penguins.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The gRPC call and the REST route refuse alike: the status for REST's HTTP status, REST's message. */
    private static void assertRefusedAlike(
            String model, Map<String, Object> request, Status.Code code, int status, String contains) throws Exception {
        String rest = error(bankNotes, "POST", "/v2/models/" + model + "/infer", request, status);
        StatusRuntimeException e =
                assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(grpcRequest(model, request, false)));
        assertEquals(code, e.getStatus().getCode(), rest);
        assertEquals(rest, e.getStatus().getDescription());
        assertTrue(rest.contains(contains), rest);
    }

    /** Three bank notes as a v2 JSON request, built from the model's metadata (one tensor per input). */
    private static Map<String, Object> bankNoteRequest(String datatype) throws Exception {
        JsonNode metadata = get(bankNotes, "/v2/models/" + name);
        double[][] notes = {
            {3.6216, 8.6661, -2.8073, -0.44699},
            {-1.3971, 3.3191, -1.3927, -1.9948},
            {0.32924, -4.4552, 4.5718, -0.9888}
        };
        List<Map<String, Object>> tensors = new ArrayList<>();
        int column = 0;
        for (JsonNode input : metadata.path("inputs")) {
            int width =
                    input.path("shape").size() > 1 ? input.path("shape").get(1).asInt() : 1;
            List<Object> data = new ArrayList<>();
            for (double[] note : notes) {
                for (int c = column; c < column + width; c++) {
                    // FP64 values must be exactly float32s for this model: the float nearest each.
                    data.add(datatype.equals("FP64") ? (double) (float) note[c] : note[c]);
                }
            }
            column += width;
            Map<String, Object> tensor = new LinkedHashMap<>();
            tensor.put("name", input.path("name").asText());
            tensor.put("shape", List.of(notes.length, width));
            tensor.put("datatype", datatype);
            tensor.put("data", data);
            tensors.add(tensor);
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", "bank-notes");
        request.put("inputs", tensors);
        return request;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstTensor(Map<String, Object> request) {
        return ((List<Map<String, Object>>) request.get("inputs")).get(0);
    }

    /**
     * The same request as the protocol's gRPC message: each tensor's values in the contents field of its datatype
     * (a JSON null as NaN), or as {@code raw_input_contents}.
     */
    @SuppressWarnings("unchecked")
    public static ModelInferRequest grpcRequest(String model, Map<String, Object> json, boolean raw) {
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(model);
        if (json.get("id") != null) {
            request.setId((String) json.get("id"));
        }
        for (Map<String, Object> tensor : (List<Map<String, Object>>) json.get("inputs")) {
            String datatype = (String) tensor.get("datatype");
            ModelInferRequest.InferInputTensor.Builder input = ModelInferRequest.InferInputTensor.newBuilder()
                    .setName((String) tensor.get("name"))
                    .setDatatype(datatype);
            ((List<Number>) tensor.get("shape")).forEach(d -> input.addShape(d.longValue()));
            InferTensorContents.Builder contents = InferTensorContents.newBuilder();
            ByteString.Output bytes = ByteString.newOutput();
            for (Object value : (List<Object>) tensor.get("data")) {
                switch (datatype) {
                    case "BYTES" -> {
                        ByteString text = ByteString.copyFromUtf8((String) value);
                        contents.addBytesContents(text);
                        write(
                                bytes,
                                ByteBuffer.allocate(4)
                                        .order(ByteOrder.LITTLE_ENDIAN)
                                        .putInt(text.size()));
                        write(bytes, ByteBuffer.wrap(text.toByteArray()));
                    }
                    case "FP32" -> {
                        float f = value == null ? Float.NaN : ((Number) value).floatValue();
                        contents.addFp32Contents(f);
                        write(
                                bytes,
                                ByteBuffer.allocate(4)
                                        .order(ByteOrder.LITTLE_ENDIAN)
                                        .putFloat(f));
                    }
                    case "FP64" -> {
                        double d = value == null ? Double.NaN : ((Number) value).doubleValue();
                        contents.addFp64Contents(d);
                        write(
                                bytes,
                                ByteBuffer.allocate(8)
                                        .order(ByteOrder.LITTLE_ENDIAN)
                                        .putDouble(d));
                    }
                    case "INT64" -> {
                        contents.addInt64Contents(((Number) value).longValue());
                        write(
                                bytes,
                                ByteBuffer.allocate(8)
                                        .order(ByteOrder.LITTLE_ENDIAN)
                                        .putLong(((Number) value).longValue()));
                    }
                    default -> throw new IllegalArgumentException(datatype);
                }
            }
            if (raw) {
                request.addRawInputContents(bytes.toByteString());
            } else {
                input.setContents(contents);
            }
            request.addInputs(input);
        }
        if (json.get("outputs") != null) {
            for (Map<String, Object> output : (List<Map<String, Object>>) json.get("outputs")) {
                request.addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                        .setName((String) output.get("name")));
            }
        }
        return request.build();
    }

    private static void write(ByteString.Output out, ByteBuffer buffer) {
        out.write(buffer.array(), 0, buffer.array().length);
    }

    /** The gRPC answer holds exactly the REST answer: model, version, id, and each output's name, type, shape, values. */
    public static void assertSameAnswer(JsonNode rest, ModelInferResponse grpc) {
        assertEquals(rest.path("model_name").asText(), grpc.getModelName());
        assertEquals(rest.path("model_version").asText(""), grpc.getModelVersion());
        assertEquals(rest.path("id").asText(""), grpc.getId());
        JsonNode outputs = rest.path("outputs");
        assertEquals(outputs.size(), grpc.getOutputsCount(), outputs::toString);
        assertTrue(outputs.size() > 0);
        for (int o = 0; o < outputs.size(); o++) {
            JsonNode want = outputs.get(o);
            ModelInferResponse.InferOutputTensor got = grpc.getOutputs(o);
            assertEquals(want.path("name").asText(), got.getName());
            assertEquals(want.path("datatype").asText(), got.getDatatype());
            assertEquals(longs(want.path("shape")), got.getShapeList());
            InferTensorContents contents = got.getContents();
            JsonNode data = want.path("data");
            switch (got.getDatatype()) {
                case "BYTES" -> {
                    assertEquals(data.size(), contents.getBytesContentsCount());
                    for (int i = 0; i < data.size(); i++) {
                        assertEquals(
                                data.get(i).asText(),
                                contents.getBytesContents(i).toStringUtf8(),
                                got.getName() + " " + i);
                    }
                }
                case "FP32" -> {
                    assertEquals(data.size(), contents.getFp32ContentsCount());
                    for (int i = 0; i < data.size(); i++) {
                        assertEquals(
                                (float) data.get(i).doubleValue(),
                                contents.getFp32Contents(i),
                                got.getName() + " " + i);
                    }
                }
                case "FP64" -> {
                    assertEquals(data.size(), contents.getFp64ContentsCount());
                    for (int i = 0; i < data.size(); i++) {
                        assertEquals(data.get(i).doubleValue(), contents.getFp64Contents(i), got.getName() + " " + i);
                    }
                }
                default -> throw new AssertionError("unexpected output datatype " + got.getDatatype());
            }
        }
    }

    private static List<String> tensors(JsonNode tensors) {
        List<String> out = new ArrayList<>();
        tensors.forEach(t ->
                out.add(t.path("name").asText() + " " + t.path("datatype").asText() + " " + longs(t.path("shape"))));
        return out;
    }

    private static String tensor(ModelMetadataResponse.TensorMetadata t) {
        return t.getName() + " " + t.getDatatype() + " " + t.getShapeList();
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asLong()));
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            out.add(it.next().asText());
        }
        return out;
    }

    private static JsonNode get(TabserveServer server, String path) throws IOException, InterruptedException {
        return JSON.readTree(text(server, path));
    }

    private static String text(TabserveServer server, String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                HTTP.send(HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static JsonNode post(TabserveServer server, String path, Object body) throws Exception {
        HttpResponse<String> response = send(server, "POST", path, body);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** The REST route's {@code {"error": ...}} message, after checking its status. */
    private static String error(TabserveServer server, String method, String path, Object body, int status)
            throws Exception {
        HttpResponse<String> response = send(server, method, path, body);
        assertEquals(status, response.statusCode(), response.body());
        return JSON.readTree(response.body()).path("error").asText();
    }

    /** Sends {@code body} (null: none) as JSON to {@code path} of {@code server}, as a REST client would. */
    static HttpResponse<String> send(TabserveServer server, String method, String path, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
