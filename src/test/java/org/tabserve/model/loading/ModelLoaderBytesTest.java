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
 * with text categories, the project's ONNX model; a folder, and a tree file past the readers' bound, are refused in
 * words before a byte is read.
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
    void aFolderIsRefusedNamingTheMlflowModelsFileToPass() throws Exception {
        Path mlflow = Files.createDirectories(dir.resolve("notes-mlflow"));
        Files.write(mlflow.resolve("model.xgb"), notes.toByteArray("ubj"));
        Files.writeString(
                mlflow.resolve("MLmodel"),
                "artifact_path: model\nflavors:\n  xgboost:\n    data: model.xgb\n    model_format: xgb\n"
                        + "    xgb_version: 3.4.0\nmlflow_version: 2.14.2\n");
        ModelException refused = assertThrows(ModelException.class, () -> ModelLoader.bytes(mlflow));
        assertEquals(ModelException.Kind.UNUSABLE_MODEL, refused.kind());
        assertTrue(
                refused.getMessage().contains("MLflow model directory")
                        && refused.getMessage()
                                .contains(mlflow.resolve("model.xgb").toString()),
                refused.getMessage());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertTrue(assertThrows(ModelException.class, () -> ModelLoader.bytes(empty))
                .getMessage()
                .contains("folder with no MLmodel file"));
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
