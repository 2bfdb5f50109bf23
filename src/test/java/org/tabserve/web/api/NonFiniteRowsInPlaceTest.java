package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.cli.FixtureCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.model.Engine;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;
import org.tabserve.testing.QuotedWords;

/**
 * Issue 76, item 11: a linear model as scikit-learn's LinearRegression exports it with MatMul and Add (no
 * LinearRegressor, so no check before the model call can tell), whose row (3.4e38, 1, 1, 1) has no finite answer.
 * Before, {@code ?on_error=row} refused the whole batch with 400 on {@code /api/predict}, {@code /predict_file} and
 * {@code /invocations}, on both engines. Now that row is answered with its own errors in its place (naming the row
 * and why) and every other row is answered; without {@code on_error=row} the batch is refused, as documented; and
 * 1e39 in the same place is a per-row error as before. Two real servers, one per engine (the plain-Java engine, and
 * ONNX Runtime as {@value Engine#SETTING} forces it).
 */
class NonFiniteRowsInPlaceTest {

    /** A model served, its route, an ordinary row and a row whose answer is not finite, as CSV cells. */
    private record Served(String name, String header, String ordinary, String huge) {
        String path(String route) {
            return "/models/" + name + route;
        }

        String json(String... rows) {
            StringBuilder json = new StringBuilder("{\"instances\": [");
            for (int i = 0; i < rows.length; i++) {
                json.append(i == 0 ? "[" : ", [").append(rows[i]).append(']');
            }
            return json.append("]}").toString();
        }
    }

    /** MatMul and Add: ONNX Runtime runs it on both servers (plain Java has no MatMul). */
    private static final Served MATMUL = new Served("matmul", "f0,f1,f2,f3", "1,2,3,4", "3.4e38,1,1,1");
    /**
     * Normalizer and LogisticRegression (the fixture HostilePlainEngineIT serves): plain Java runs it unless
     * {@value Engine#SETTING} forces ONNX Runtime; the row's squares overflow float.
     */
    private static final Served NORMALIZED = new Served(
            "normalized",
            "bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g",
            "39.5,17.4,186,3800",
            "39.5,17.4,186,3.4e38");

    private static Path dir;
    private static TabserveServer plain;
    private static TabserveServer onnxRuntime;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("tabserve-non-finite");
        Files.write(dir.resolve("matmul.onnx"), matMulAddRegressor());
        Path fixtures = Path.of("src/test/resources/org/tabserve/fixtures/boosted");
        FixtureCards.card(
                fixtures.resolve("normalized-linear.onnx"),
                fixtures.resolve("normalized-linear.labelled.csv"),
                "sex",
                dir.resolve("normalized.onnx"));
        plain = TabserveServer.startReady("--models", dir.toString());
        System.setProperty(Engine.SETTING, "onnxruntime");
        try {
            onnxRuntime = TabserveServer.startReady("--models", dir.toString());
        } finally {
            System.clearProperty(Engine.SETTING);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (TabserveServer server : new TabserveServer[] {plain, onnxRuntime}) {
            if (server != null) {
                server.close();
            }
        }
    }

    private static List<Http> servers() {
        return List.of(new Http(plain), new Http(onnxRuntime));
    }

    @Test
    void theNormalizedModelRunsOnOneEngineOnEachServer() {
        List<String> engines = servers().stream()
                .map(http -> http.get(NORMALIZED.path("/api/model"))
                        .json()
                        .at("/engine/name")
                        .asText())
                .toList();
        assertEquals(List.of(Engine.PLAIN_JAVA, Engine.ONNX_RUNTIME), engines);
    }

    @Test
    void theJsonRoutesAnswerEveryOtherRowAndTheRowWithoutAFiniteAnswerWithItsErrors() {
        for (Http http : servers()) {
            for (Served model : List.of(MATMUL, NORMALIZED)) {
                String what = model.name() + " on "
                        + http.get(model.path("/api/model")).json().at("/engine/name");
                String body = model.json(model.ordinary(), model.huge(), model.ordinary());
                JsonNode predictions = http.postJson(model.path("/api/predict?on_error=row"), body)
                        .json()
                        .path("predictions");
                assertEquals(3, predictions.size(), what + ": " + predictions);
                assertRowErrors(predictions.get(1).path("errors"), 1, what);
                assertEquals(predictions.get(0), predictions.get(2), what + ": the others answered alike");
                assertFalse(predictions.get(0).has("errors"), what + ": " + predictions);

                JsonNode mlflow = http.postJson(model.path("/invocations?on_error=row"), body)
                        .json()
                        .path("predictions");
                assertEquals(3, mlflow.size(), what + ": " + mlflow);
                assertTrue(mlflow.get(1).isNull(), what + ": " + mlflow);
                assertFalse(mlflow.get(0).isNull(), what + ": " + mlflow);

                JsonNode refused =
                        http.postJson(model.path("/api/predict"), body).problem(400);
                assertTrue(refused.toString().contains("no finite"), what + ": " + refused);
                JsonNode beyond = http.postJson(
                                model.path("/api/predict?on_error=row"),
                                model.json(model.ordinary(), model.huge().replace("3.4e38", "1e39")))
                        .json()
                        .path("predictions");
                assertTrue(
                        beyond.get(1)
                                .path("errors")
                                .get(0)
                                .path("message")
                                .asText()
                                .contains("beyond"),
                        what + ": " + beyond);
            }
        }
    }

    @Test
    void anUploadAnswersEveryOtherRowOnEitherSideOfAChunkBoundary() {
        int rows = RowsReader.CHUNK_ROWS + 2;
        for (Http http : servers()) {
            for (Served model : List.of(MATMUL, NORMALIZED)) {
                String what = model.name() + " on "
                        + http.get(model.path("/api/model")).json().at("/engine/name");
                for (int at : new int[] {0, RowsReader.CHUNK_ROWS - 1, RowsReader.CHUNK_ROWS + 1}) {
                    StringBuilder csv = new StringBuilder(model.header()).append('\n');
                    for (int r = 0; r < rows; r++) {
                        csv.append(r == at ? model.huge() : model.ordinary()).append('\n');
                    }
                    JsonNode predictions = http.upload(
                                    model.path("/predict_file?on_error=row"), Multipart.csv(csv.toString()))
                            .json()
                            .path("predictions");
                    assertEquals(rows, predictions.size(), what);
                    for (int r = 0; r < rows; r++) {
                        JsonNode entry = predictions.get(r);
                        if (r == at) {
                            assertRowErrors(entry.path("errors"), at, what + ", upload, row " + at);
                        } else {
                            assertFalse(entry.has("errors"), what + ", row " + r + ": " + entry);
                            assertEquals(predictions.get(at == 0 ? 1 : 0), entry, what + ", row " + r);
                        }
                    }
                    if (at < RowsReader.CHUNK_ROWS) { // in the first chunk, scored before the answer starts
                        JsonNode refused = http.upload(model.path("/predict_file"), Multipart.csv(csv.toString()))
                                .problem(400);
                        assertTrue(refused.toString().contains("no finite"), what + ": " + refused);
                    }
                }
                String csv = model.header() + "\n" + model.ordinary() + "\n" + model.huge() + "\n";
                Http.Response table = http.post(model.path("/invocations?on_error=row"), "text/csv", csv.getBytes());
                JsonNode mlflow = table.json().path("predictions");
                assertEquals(2, mlflow.size(), what + ": " + table.text());
                assertTrue(mlflow.get(1).isNull() && !mlflow.get(0).isNull(), what + ": " + table.text());
            }
        }
    }

    /** The row's errors name it and why: its features, each making the model return no finite answer. */
    private static void assertRowErrors(JsonNode errors, int row, String what) {
        assertTrue(errors.size() > 0, what + ": " + errors);
        for (JsonNode error : errors) {
            assertEquals(row, error.path("row").asInt(), what + ": " + errors);
            assertTrue(error.path("message").asText().contains("no finite"), what + ": " + errors);
            if (error.path("message").asText().contains(" makes the model ")) {
                QuotedWords.assertQuoted("docs/routes.md", error.path("message").asText(), " makes the model ");
            }
        }
    }

    /** values = x · (2, 1, 1, 1) + 0.5, as MatMul and Add, as scikit-learn's LinearRegression may be exported. */
    static byte[] matMulAddRegressor() {
        TensorProto weights = TensorProto.newBuilder()
                .setName("coef")
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(4)
                .addDims(1)
                .addFloatData(2f)
                .addFloatData(1f)
                .addFloatData(1f)
                .addFloatData(1f)
                .build();
        TensorProto intercept = TensorProto.newBuilder()
                .setName("intercept")
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(1)
                .addFloatData(0.5f)
                .build();
        GraphProto graph = GraphProto.newBuilder()
                .setName("linear")
                .addInitializer(weights)
                .addInitializer(intercept)
                .addNode(NodeProto.newBuilder()
                        .setOpType("MatMul")
                        .addInput("x")
                        .addInput("coef")
                        .addOutput("scores"))
                .addNode(NodeProto.newBuilder()
                        .setOpType("Add")
                        .addInput("scores")
                        .addInput("intercept")
                        .addOutput("variable"))
                .addInput(tensor("x", 4))
                .addOutput(tensor("variable", 1))
                .build();
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("tabserve-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph)
                .addMetadataProps(ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey(org.tabserve.model.card.CardKeys.TASK)
                        .setValue("regression"))
                .addMetadataProps(ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey(org.tabserve.model.card.CardKeys.FEATURES)
                        .setValue("[\"f0\", \"f1\", \"f2\", \"f3\"]"))
                .build()
                .toByteArray();
    }

    private static ValueInfoProto tensor(String name, int width) {
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(TensorShapeProto.newBuilder()
                                        .addDim(TensorShapeProto.Dimension.newBuilder()
                                                .setDimParam("N"))
                                        .addDim(TensorShapeProto.Dimension.newBuilder()
                                                .setDimValue(width)))))
                .build();
    }
}
