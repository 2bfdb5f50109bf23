package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import inference.GRPCInferenceServiceGrpc;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.model.trees.TrainedForest;
import org.tabserve.model.trees.lightgbm.LightgbmReader;
import org.tabserve.model.trees.xgboost.XgboostReader;
import org.tabserve.testing.ForestTraining;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.Multipart;

/**
 * Issue 92: models served from their training library's own file answer on every route as the library predicts them,
 * to the bit. One server of a model directory holds an XGBoost 3.4.0 booster trained on the bank notes as JSON
 * ({@code notes-json/1/model.json}), the same booster as UBJSON ({@code notes-ubj/1/model.ubj}) and as an MLflow 2
 * directory ({@code notes-mlflow/1/}: MLmodel and {@code model.xgb}), and a LightGBM 4.1 species classifier on the
 * penguins with island and sex as text categories ({@code penguins/1/model.txt}, with {@code pandas_categorical}):
 * JSON batches, a CSV upload and gRPC give XGBoost's float32 probabilities and LightGBM's doubles, missing values and
 * categories included.
 */
class NativeModelRoutesTest {

    private static final Path MODELS = trainedModels();

    @RegisterExtension
    static final Http http = Http.startingTheApp("--models", MODELS.toString());

    private static Booster notes;
    private static float[][] noteRows;
    private static float[] noteAnswers;
    private static String penguinModel;
    private static ForestTraining.Penguins penguins;
    private static double[] penguinAnswers;
    /** The readers' own answers for the same files, which every route must give to the bit. */
    private static double[][] noteForestAnswers;

    private static double[][] penguinForestAnswers;

    private static ManagedChannel channel;

    /** Trains the fixtures and lays them out as a model directory, before the server starts on it. */
    private static Path trainedModels() {
        try {
            Path root = Files.createTempDirectory(Path.of("target"), "native-models");
            notes = ForestTraining.xgboostNotes(30);
            write(root.resolve("notes-json/1/model.json"), notes.toByteArray("json"));
            write(root.resolve("notes-ubj/1/model.ubj"), notes.toByteArray("ubj"));
            write(root.resolve("notes-mlflow/1/model.xgb"), notes.toByteArray("ubj"));
            write(
                    root.resolve("notes-mlflow/1/MLmodel"),
                    ForestTraining.NOTES_MLMODEL.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            write(
                    root.resolve("notes-mlflow/1/input_example.json"),
                    ("{\"columns\": [\"variance\", \"skewness\", \"curtosis\", \"entropy\"], \"data\":"
                                    + " [[3.6216, 8.6661, -2.8073, -0.44699], [-1.3971, 3.3191, -1.3927, -1.9948]]}")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            // A hostile file beside them: JSON objects nested 100,000 deep, refused in words while the others serve.
            write(
                    root.resolve("nested/1/model.json"),
                    "{\"a\":".repeat(100_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            // The bundled ONNX model serving, the XGBoost booster in its shadow: a move from a converted model to
            // the library's own file, compared on live traffic first.
            write(root.resolve("banknote/1/model.onnx"), Files.readAllBytes(Path.of("model.onnx")));
            write(root.resolve("banknote/2/model.json"), notes.toByteArray("json"));
            write(
                    root.resolve("banknote/rollout.json"),
                    "{\"shadow\": {\"version\": 2}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            penguinModel = ForestTraining.lightgbmPenguins(25);
            write(root.resolve("penguins/1/model.txt"), penguinModel.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            noteRows = withMissing(ForestTraining.noteRows());
            noteAnswers = ForestTraining.xgboostPredict(notes, noteRows);
            penguins = ForestTraining.penguins();
            penguinAnswers = ForestTraining.lightgbmPredict(
                    penguinModel, penguins.flat(), penguins.rows().length, ForestTraining.PENGUIN_FEATURES.size(), 3);
            noteForestAnswers = answers(
                    XgboostReader.read(notes.toByteArray("json"), "model.json", ForestLimits.DEFAULT),
                    noteRows(noteRows));
            penguinForestAnswers = answers(
                    LightgbmReader.read(
                            penguinModel.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            "model.txt",
                            ForestLimits.DEFAULT),
                    penguins.rows());
            return root;
        } catch (Exception e) {
            throw new IllegalStateException("training the fixtures failed", e);
        }
    }

    private static double[][] noteRows(float[][] rows) {
        double[][] out = new double[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            out[r] = new double[rows[r].length];
            for (int f = 0; f < rows[r].length; f++) {
                out[r][f] = rows[r][f];
            }
        }
        return out;
    }

    private static double[][] answers(TrainedForest forest, double[][] rows) {
        double[][] out = new double[rows.length][forest.classes().size()];
        for (int r = 0; r < rows.length; r++) {
            forest.answer(rows[r], out[r]);
        }
        return out;
    }

    /**
     * The readers answer as the libraries do, to the bit: XGBoost's float32 probabilities (its links through glibc's
     * {@code expf}, as the reader computes it) and LightGBM's doubles (through glibc's {@code exp}); the routes are
     * checked against the readers below, so each route gives the libraries' own answers.
     */
    @Test
    void theReadersAnswerTheLibrariesOwnPredictionsToTheBit() {
        for (int r = 0; r < noteRows.length; r++) {
            assertEquals(
                    Float.floatToRawIntBits(noteAnswers[r]),
                    Float.floatToRawIntBits((float) noteForestAnswers[r][1]),
                    "bank note " + r + ": " + noteForestAnswers[r][1] + " against XGBoost's " + noteAnswers[r]);
            assertEquals(noteForestAnswers[r][1], (float) noteForestAnswers[r][1], "a float32 probability");
        }
        for (int r = 0; r < penguins.rows().length; r++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(
                        Double.doubleToRawLongBits(penguinAnswers[3 * r + c]),
                        Double.doubleToRawLongBits(penguinForestAnswers[r][c]),
                        "penguin " + r + ", class " + c);
            }
        }
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    /** The bank notes with one value in seven taken away, so that the trees' default directions answer too. */
    private static float[][] withMissing(float[][] rows) {
        for (int r = 0; r < rows.length; r++) {
            if (r % 7 == 3) {
                rows[r][r % 4] = Float.NaN;
            }
        }
        return rows;
    }

    @BeforeAll
    static void ready() throws Exception {
        ModelDirectory.awaitIndex(
                http,
                index -> index.size() == 7
                        && index.stream()
                                .noneMatch(m -> m.path("state").asText().equals("LOADING")));
        channel = GrpcWire.channelTo(http.server());
    }

    @AfterAll
    static void stop() throws Exception {
        GrpcWire.close(channel, null);
    }

    @Test
    void aHostileFileIsRefusedInWordsWhileTheOthersServe() {
        List<JsonNode> index = ModelDirectory.index(http);
        JsonNode nested = ModelDirectory.entry(index, "nested", "1");
        assertEquals("UNAVAILABLE", nested.path("state").asText(), nested::toString);
        assertTrue(nested.path("reason").asText().contains("nest"), nested::toString);
        for (String name : List.of("notes-json", "notes-ubj", "notes-mlflow", "penguins")) {
            assertEquals(
                    "READY",
                    ModelDirectory.entry(index, name, "1").path("state").asText(),
                    name);
        }
    }

    @Test
    void anMlflowDirectorysRunIsOnTheCardAndItsInputExampleOnTheForm() {
        JsonNode api = http.get("/models/notes-mlflow/api/model").json();
        assertTrue(api.toString().contains("bf212703d1874eee9dcb37c8a92a6de6"), api::toString);
        String form = http.get("/models/notes-mlflow/").text();
        assertTrue(form.contains("example=") && form.contains("3.6216"), form);
    }

    @Test
    void aNativeVersionShadowsTheOnnxOneAndAgreesWithIt() throws Exception {
        for (int from = 0; from < noteRows.length; from += 200) {
            ObjectNode body = Http.JSON.createObjectNode();
            ArrayNode instances = body.putArray("instances");
            for (int r = from; r < Math.min(from + 200, noteRows.length); r++) {
                if (r % 7 == 3) {
                    continue; // the ONNX model takes no missing value
                }
                ObjectNode instance = instances.addObject();
                for (int f = 0; f < 4; f++) {
                    instance.put(ForestTraining.NOTE_FEATURES.get(f), (double) noteRows[r][f]);
                }
            }
            Http.Response response = http.postJson("/models/banknote/api/predict", body.toString());
            assertEquals(200, response.status(), response::text);
        }
        JsonNode shadow = null;
        for (long end = System.nanoTime() + 60_000_000_000L; System.nanoTime() < end; Thread.sleep(100)) {
            shadow = http.get("/models/banknote/api/rollout").json().path("shadow");
            if (shadow.path("compared").asLong() + shadow.path("skipped").asLong() >= 1_176) {
                break;
            }
        }
        assertEquals(2, shadow.path("version").asInt(), shadow::toString);
        assertTrue(shadow.path("compared").asLong() > 1_000, shadow::toString);
        assertTrue(shadow.path("agreement").asDouble() > 0.95, shadow::toString);
    }

    @Test
    void eachModelSaysItsFormatAndTheLibraryThatWroteIt() {
        for (Map.Entry<String, String> model : Map.of(
                        "notes-json", "XGBoost JSON",
                        "notes-ubj", "XGBoost UBJSON",
                        "notes-mlflow", "XGBoost UBJSON",
                        "penguins", "LightGBM text")
                .entrySet()) {
            JsonNode api = http.get("/models/" + model.getKey() + "/api/model").json();
            assertEquals(model.getValue(), api.path("format").path("name").asText(), api::toString);
            assertTrue(
                    api.path("format")
                            .path("written_by")
                            .asText()
                            .startsWith(model.getKey().equals("penguins") ? "LightGBM" : "XGBoost 3.4.0"),
                    api::toString);
            assertEquals("plain Java", api.path("engine").path("name").asText());
        }
        String card = http.get("/models/notes-json/card", "Accept", "text/html").text();
        assertTrue(card.contains("XGBoost JSON, written by XGBoost 3.4.0"), "the card page says the file's format");
        assertTrue(card.contains("binary:logistic"), "and its objective");
        JsonNode penguinsApi = http.get("/models/penguins/api/model").json();
        assertEquals(
                ForestTraining.PENGUIN_FEATURES, names(penguinsApi.path("features")), "the file's own feature names");
        assertEquals("string", penguinsApi.path("features").get(0).path("type").asText());
    }

    @Test
    void xgboostFilesAnswerTheBoostersFloat32ProbabilitiesToTheBitInJsonBatches() {
        for (String model : List.of("notes-json", "notes-ubj", "notes-mlflow")) {
            for (int from = 0; from < noteRows.length; from += 500) {
                int count = Math.min(500, noteRows.length - from);
                ObjectNode body = ForestTraining.noteInstances(noteRows, from, count);
                Http.Response response = http.postJson("/models/" + model + "/api/predict", body.toString());
                assertEquals(200, response.status(), response::text);
                JsonNode predictions = response.json().get("predictions");
                for (int r = 0; r < count; r++) {
                    JsonNode prediction = predictions.get(r);
                    double[] own = noteForestAnswers[from + r];
                    for (int c = 0; c < 2; c++) {
                        assertEquals(
                                Double.doubleToLongBits(own[c]),
                                Double.doubleToLongBits(prediction
                                        .path("probabilities")
                                        .path(Integer.toString(c))
                                        .doubleValue()),
                                model + ": row " + (from + r) + ", class " + c);
                    }
                    assertEquals(
                            own[1] > 0.5 ? "1" : "0", prediction.path("label").asText());
                }
            }
        }
    }

    @Test
    void anXgboostFileAnswersTheSameFloatsOverGrpc() {
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("notes-json");
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (float[] row : noteRows) {
            for (float v : row) {
                contents.addFp64Contents(v);
            }
        }
        request.addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                .setName("input")
                .setDatatype("FP64")
                .addShape(noteRows.length)
                .addShape(4)
                .setContents(contents));
        ModelInferResponse response =
                GRPCInferenceServiceGrpc.newBlockingStub(channel).modelInfer(request.build());
        List<Float> probabilities = new ArrayList<>();
        response.getOutputsList().stream()
                .filter(o -> o.getName().equals("probabilities"))
                .forEach(o -> probabilities.addAll(o.getContents().getFp32ContentsList()));
        assertEquals(2 * noteRows.length, probabilities.size(), response::toString);
        for (int r = 0; r < noteRows.length; r++) {
            assertEquals(
                    Float.floatToRawIntBits((float) noteForestAnswers[r][1]),
                    Float.floatToRawIntBits(probabilities.get(2 * r + 1)),
                    "gRPC row " + r);
        }
    }

    @Test
    void aLightgbmFileAnswersItsDoublesToTheBitWithTextCategoriesAndMissingValues() {
        ObjectNode body = ForestTraining.penguinInstances(penguins);
        Http.Response response = http.postJson("/models/penguins/api/predict", body.toString());
        assertEquals(200, response.status(), response::text);
        assertPenguins("JSON", response.json().get("predictions"));
    }

    @Test
    void aLightgbmFileAnswersTheSameDoublesForACsvUpload() throws Exception {
        StringBuilder csv = new StringBuilder(String.join(",", ForestTraining.PENGUIN_FEATURES)).append('\n');
        for (int r = 0; r < penguins.rows().length; r++) {
            List<String> cells = new ArrayList<>();
            for (Object cell : penguins.cells(r)) {
                cells.add(cell == null ? "" : cell.toString());
            }
            csv.append(String.join(",", cells)).append('\n');
        }
        Http.Response response = http.upload(
                "/models/penguins/predict_file", Multipart.csv(csv.toString()), "Accept", "application/json");
        assertEquals(200, response.status(), response::text);
        assertPenguins("CSV upload", response.json().get("predictions"));
    }

    private static void assertPenguins(String route, JsonNode predictions) {
        assertEquals(penguins.rows().length, predictions.size());
        for (int r = 0; r < penguins.rows().length; r++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(
                        Double.doubleToLongBits(penguinForestAnswers[r][c]),
                        Double.doubleToLongBits(predictions
                                .get(r)
                                .path("probabilities")
                                .path(Integer.toString(c))
                                .doubleValue()),
                        route + ": penguin " + r + ", class " + c);
            }
        }
    }

    private static List<String> names(JsonNode features) {
        List<String> names = new ArrayList<>();
        features.forEach(f -> names.add(f.path("name").asText()));
        return names;
    }

    static {
        if (!Files.isDirectory(MODELS)) {
            throw new UncheckedIOException(new IOException("no model directory " + MODELS));
        }
    }
}
