package org.tabserve.model.loading;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.Prediction;
import org.tabserve.testing.ForestTraining;

/**
 * A model file's bytes read on one machine and loaded on another ({@link ModelLoader#bytes},
 * {@link ModelLoader#load(byte[], String)}: the Spark connector's broadcast) answer as the file loaded where it lies,
 * to the bit, and as the training library: an XGBoost 3.4.0 booster as JSON and as UBJSON, a LightGBM 4.1 classifier
 * with text categories, the project's ONNX model, an MLflow directory's bundle; a folder with no MLmodel, a tree file
 * past the readers' bound and a bundle that is not whole are refused in words before a byte is read or written.
 */
class ModelLoaderBytesTest {

    private static Booster notes;
    private static String penguins;
    private static float[][] noteRows;

    @TempDir
    static Path dir;

    @BeforeAll
    static void train() throws Exception {
        notes = ForestTraining.xgboostNotes(12);
        penguins = ForestTraining.lightgbmPenguins(10);
        float[][] all = ForestTraining.noteRows();
        noteRows = Arrays.copyOf(all, 200);
        for (int r = 0; r < noteRows.length; r += 9) {
            noteRows[r] = noteRows[r].clone();
            noteRows[r][r % 4] = Float.NaN; // a missing value, which the trees route
        }
    }

    @Test
    void anXgboostFilesBytesAnswerAsTheFileAndAsXgboostToTheBit() throws Exception {
        float[] own = ForestTraining.xgboostPredict(notes, noteRows);
        for (String format : List.of("json", "ubj")) {
            Path file = dir.resolve("notes." + format);
            Files.write(file, notes.toByteArray(format));
            byte[] bytes = ModelLoader.bytes(file);
            assertArrayEquals(Files.readAllBytes(file), bytes);
            Model fromBytes = ModelLoader.load(bytes, file.getFileName().toString());
            Model fromFile = ModelLoader.load(file);
            assertEquals("notes", fromBytes.card().name(), "named by the file, as a file's load names it");
            assertEquals(fromFile.sha256(), fromBytes.sha256());
            List<Prediction> got = fromBytes.predict(batch(fromBytes, rows(noteRows)));
            List<Prediction> expected = fromFile.predict(batch(fromFile, rows(noteRows)));
            for (int r = 0; r < noteRows.length; r++) {
                double p = ((Prediction.Classification) got.get(r)).probabilityOf("1");
                assertEquals(Float.floatToRawIntBits(own[r]), Float.floatToRawIntBits((float) p), format + " row " + r);
                assertEquals(
                        Double.doubleToRawLongBits(((Prediction.Classification) expected.get(r)).probabilityOf("1")),
                        Double.doubleToRawLongBits(p),
                        format + " row " + r);
            }
        }
    }

    @Test
    void aLightgbmFilesBytesAnswerAsTheFileAndAsLightgbmToTheBit() throws Exception {
        Path file = dir.resolve("penguins.txt");
        Files.writeString(file, penguins, StandardCharsets.UTF_8);
        ForestTraining.Penguins data = ForestTraining.penguins();
        int n = data.rows().length;
        double[] own =
                ForestTraining.lightgbmPredict(penguins, data.flat(), n, ForestTraining.PENGUIN_FEATURES.size(), 3);
        Model fromBytes = ModelLoader.load(ModelLoader.bytes(file), "penguins.txt");
        Model fromFile = ModelLoader.load(file);
        List<Object[]> cells = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            cells.add(data.cells(r));
        }
        List<Prediction> got = fromBytes.predict(Batch.of(fromBytes.signature(), cells));
        List<Prediction> expected = fromFile.predict(Batch.of(fromFile.signature(), cells));
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < 3; c++) {
                String species = Integer.toString(c); // LightGBM's classes are its codes
                double p = ((Prediction.Classification) got.get(r)).probabilityOf(species);
                assertEquals(Double.doubleToRawLongBits(own[3 * r + c]), Double.doubleToRawLongBits(p), "row " + r);
                assertEquals(
                        Double.doubleToRawLongBits(
                                ((Prediction.Classification) expected.get(r)).probabilityOf(species)),
                        Double.doubleToRawLongBits(p));
            }
        }
    }

    @Test
    void aFileWithItsCardBesideComesAsOneBundleAndAnswersWithTheCardsRounds() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("carded"));
        Path file = folder.resolve("model.json");
        Files.write(file, notes.toByteArray("json"));
        Files.writeString(folder.resolve("model.card.json"), "{\"tabserve.iterations\": \"3\"}");
        byte[] bytes = ModelLoader.bytes(file);
        assertTrue(ModelBundle.is(bytes), "the model file and its card, together");
        float[] flat = new float[noteRows.length * 4];
        for (int r = 0; r < noteRows.length; r++) {
            System.arraycopy(noteRows[r], 0, flat, r * 4, 4);
        }
        float[][] threeRounds =
                notes.predict(new ml.dmlc.xgboost4j.java.DMatrix(flat, noteRows.length, 4, Float.NaN), false, 3);
        try (Model fromBytes = ModelLoader.load(bytes, "model.json");
                Model fromFile = ModelLoader.load(file)) {
            assertEquals(fromFile.sha256(), fromBytes.sha256(), "the library's file, unchanged");
            List<Prediction> got = fromBytes.predict(batch(fromBytes, rows(noteRows)));
            List<Prediction> served = fromFile.predict(batch(fromFile, rows(noteRows)));
            for (int r = 0; r < noteRows.length; r++) {
                double p = ((Prediction.Classification) got.get(r)).probabilityOf("1");
                assertEquals(
                        Float.floatToRawIntBits(threeRounds[r][0]), Float.floatToRawIntBits((float) p), "row " + r);
                assertEquals(((Prediction.Classification) served.get(r)).probabilityOf("1"), p, "row " + r);
            }
        }
    }

    @Test
    void anOnnxFilesBytesAnswerAsTheFile() throws Exception {
        Path file = Path.of("model.onnx");
        byte[] bytes = ModelLoader.bytes(file);
        assertArrayEquals(Files.readAllBytes(file), bytes);
        try (Model fromBytes = ModelLoader.load(bytes, "model.onnx");
                Model fromFile = ModelLoader.load(file)) {
            assertEquals(fromFile.sha256(), fromBytes.sha256());
            assertEquals(fromFile.card().name(), fromBytes.card().name());
            double[][] rows = new double[50][];
            float[][] all = ForestTraining.noteRows();
            for (int r = 0; r < rows.length; r++) {
                rows[r] = new double[] {all[r][0], all[r][1], all[r][2], all[r][3]};
            }
            assertEquals(fromFile.predict(rows), fromBytes.predict(rows));
        }
    }

    @Test
    void anMlflowDirectorysBundleLoadsAsTheDirectoryToTheBit() throws Exception {
        Path mlflow = Files.createDirectories(dir.resolve("notes-mlflow"));
        Files.write(mlflow.resolve("model.xgb"), notes.toByteArray("ubj"));
        Files.writeString(mlflow.resolve("conda.yaml"), "name: not read\n");
        Files.writeString(
                mlflow.resolve("input_example.json"),
                "{\"columns\": [\"variance\", \"skewness\", \"curtosis\", \"entropy\"],"
                        + " \"data\": [[3.6, 8.6, -2.8, -0.4]]}");
        Files.writeString(mlflow.resolve("MLmodel"), ForestTraining.NOTES_MLMODEL);
        byte[] bundle = ModelLoader.bytes(mlflow);
        assertTrue(ModelBundle.is(bundle));
        Model fromBytes = ModelLoader.load(bundle, "notes-mlflow");
        Model fromDirectory = ModelLoader.load(mlflow);
        assertEquals(fromDirectory.card().name(), fromBytes.card().name());
        assertEquals(fromDirectory.card().metadata(), fromBytes.card().metadata());
        assertEquals(
                "bf212703d1874eee9dcb37c8a92a6de6", fromBytes.card().metadata().get("mlflow.run_id"));
        assertEquals(
                fromDirectory.signature().featureNames(), fromBytes.signature().featureNames());
        float[] own = ForestTraining.xgboostPredict(notes, noteRows);
        List<Prediction> got = fromBytes.predict(batch(fromBytes, rows(noteRows)));
        for (int r = 0; r < noteRows.length; r++) {
            double p = ((Prediction.Classification) got.get(r)).probabilityOf("1");
            assertEquals(Float.floatToRawIntBits(own[r]), Float.floatToRawIntBits((float) p), "row " + r);
        }

        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertTrue(assertThrows(ModelException.class, () -> ModelLoader.bytes(empty))
                .getMessage()
                .contains("folder with no MLmodel file"));
    }

    @Test
    void aBundlesBytesAreCheckedBeforeAFileIsWritten() {
        byte[] mlmodel = ForestTraining.NOTES_MLMODEL.getBytes(StandardCharsets.UTF_8);
        assertRefused(
                "it ends before the directory's name", Arrays.copyOf(ModelBundle.MAGIC, ModelBundle.MAGIC.length + 2));
        assertRefused("the directory's name is not a name", bundle("..", 1, "MLmodel", mlmodel));
        assertRefused("file 1's path is not a name", bundle("m", 1, "../MLmodel", mlmodel));
        assertRefused("file 1's path is not a name", bundle("m", 1, "a//MLmodel", mlmodel));
        assertRefused("it holds 5 files", bundle("m", 5, "MLmodel", mlmodel));
        assertRefused(
                "it holds no MLmodel file, nor one model file and its card", bundle("m", 1, "model.xgb", mlmodel));
        assertRefused(
                "it holds no MLmodel file, nor one model file and its card",
                bundle("m", 2, "model.json", mlmodel, "conda.yaml", mlmodel));
        byte[] whole = bundle("m", 1, "MLmodel", mlmodel);
        assertRefused("file 1 is " + mlmodel.length + " bytes long where", Arrays.copyOf(whole, whole.length - 1));
        assertRefused("1 bytes past its last file", Arrays.copyOf(whole, whole.length + 1));
        assertRefused("file 2's path is another file's", bundle("m", 2, "MLmodel", mlmodel, "MLmodel", mlmodel));
        // whole and well-formed, its MLmodel names a model file it does not hold: the directory's own refusal
        assertRefused("names a file that the model directory does not hold", whole);
    }

    private static void assertRefused(String words, byte[] bundle) {
        ModelException refused = assertThrows(ModelException.class, () -> ModelLoader.load(bundle, "m"));
        assertEquals(ModelException.Kind.UNUSABLE_MODEL, refused.kind());
        assertTrue(refused.getMessage().contains(words), refused.getMessage());
    }

    private static byte[] bundle(String name, int count, Object... files) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(ModelBundle.MAGIC);
        text(out, name.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(count).array());
        for (int f = 0; f < files.length; f += 2) {
            text(out, ((String) files[f]).getBytes(StandardCharsets.UTF_8));
            text(out, (byte[]) files[f + 1]);
        }
        return out.toByteArray();
    }

    private static void text(java.io.ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    @Test
    void aTreeFilePastTheReadersBoundIsRefusedBeforeItIsRead() throws Exception {
        Path big = dir.resolve("big.json");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.write('{');
            file.setLength((32L << 20) + 1); // sparse: no disk, and never read
        }
        ModelException refused = assertThrows(ModelException.class, () -> ModelLoader.bytes(big));
        assertTrue(refused.getMessage().contains("read up to 33554432 bytes"), refused.getMessage());

        byte[] json = notes.toByteArray("json");
        byte[] cut = Arrays.copyOf(json, json.length / 2);
        ModelException truncated = assertThrows(ModelException.class, () -> ModelLoader.load(cut, "cut.json"));
        assertEquals(ModelException.Kind.UNUSABLE_MODEL, truncated.kind());
        assertTrue(
                truncated.getMessage().contains("cut.json: the XGBoost JSON file is not well-formed"),
                truncated.getMessage());
    }

    private static List<Object[]> rows(float[][] rows) {
        List<Object[]> cells = new ArrayList<>();
        for (float[] row : rows) {
            Object[] cell = new Object[row.length];
            for (int f = 0; f < row.length; f++) {
                cell[f] = Float.isNaN(row[f]) ? null : (Object) (double) row[f];
            }
            cells.add(cell);
        }
        return cells;
    }

    private static Batch batch(Model model, List<Object[]> rows) {
        return Batch.of(model.signature(), rows);
    }
}
