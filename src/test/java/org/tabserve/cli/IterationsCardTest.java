package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.loading.ModelLoader;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.Prediction;
import org.tabserve.testing.ForestTraining;

/**
 * Issue 92: an XGBoost file saved after early stopping records {@code best_iteration}; served as it is, it answers
 * with every tree, as {@code Booster.predict} does, and its card says the recorded iteration; with the card entry
 * {@code tabserve.iterations} set to {@code best} (or a number of rounds) it answers as XGBoost does with that
 * iteration range, as the scikit-learn wrapper predicts after early stopping, to the bit.
 */
class IterationsCardTest {

    @TempDir
    static Path dir;

    private static Booster booster;
    private static float[][] rows;
    private static int best;

    @BeforeAll
    static void train() throws Exception {
        float[][] all = ForestTraining.noteRows();
        List<String> lines = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        int n = all.length;
        float[] train = new float[(n - n / 4) * 4];
        float[] trainLabels = new float[n - n / 4];
        float[] held = new float[(n / 4) * 4];
        float[] heldLabels = new float[n / 4];
        for (int r = 0, t = 0, h = 0; r < n; r++) {
            float label = Float.parseFloat(lines.get(r + 1).split(",")[4]);
            if (r % 4 == 0 && h < heldLabels.length) {
                System.arraycopy(all[r], 0, held, h * 4, 4);
                heldLabels[h++] = label;
            } else {
                System.arraycopy(all[r], 0, train, t * 4, 4);
                trainLabels[t++] = label;
            }
        }
        DMatrix trainMatrix = new DMatrix(train, trainLabels.length, 4, Float.NaN);
        trainMatrix.setLabel(trainLabels);
        DMatrix heldMatrix = new DMatrix(held, heldLabels.length, 4, Float.NaN);
        heldMatrix.setLabel(heldLabels);
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("max_depth", 2);
        params.put("eta", 0.5);
        params.put("seed", 7);
        params.put("nthread", 1);
        params.put("eval_metric", "logloss");
        Map<String, DMatrix> watches = new HashMap<>();
        watches.put("held", heldMatrix);
        booster = XGBoost.train(trainMatrix, params, 200, watches, null, null, null, 3);
        String recorded = booster.getAttr("best_iteration");
        assertTrue(recorded != null, "xgboost4j's early stopping records best_iteration: " + booster.getAttrs());
        best = Integer.parseInt(recorded);
        assertTrue(best + 1 < 200, "early stopping stopped before the last round: " + best);
        Files.write(dir.resolve("model.json"), booster.toByteArray("json"));
        rows = all;
    }

    private static Model served(String iterations) throws Exception {
        Path folder = Files.createTempDirectory(dir, "served");
        Files.copy(dir.resolve("model.json"), folder.resolve("model.json"));
        if (iterations != null) {
            Files.writeString(folder.resolve("model.card.json"), "{\"tabserve.iterations\": \"" + iterations + "\"}");
        }
        return ModelLoader.load(folder.resolve("model.json"));
    }

    private static void assertAnswers(Model model, int treeLimit) throws Exception {
        float[] flat = new float[rows.length * 4];
        double[][] cells = new double[rows.length][4];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * 4, 4);
            for (int f = 0; f < 4; f++) {
                cells[r][f] = rows[r][f];
            }
        }
        float[][] expected = booster.predict(new DMatrix(flat, rows.length, 4, Float.NaN), false, treeLimit);
        List<Prediction> answers = model.predict(cells);
        List<String> wrong = new ArrayList<>();
        for (int r = 0; r < rows.length; r++) {
            double p = answers.get(r).classification().probabilityOf("1");
            if (Float.floatToRawIntBits(expected[r][0]) != Float.floatToRawIntBits((float) p) || (float) p != p) {
                wrong.add(r + ": " + p + " against " + expected[r][0]);
            }
        }
        assertEquals(List.of(), wrong.subList(0, Math.min(5, wrong.size())), wrong.size() + " rows differ");
    }

    @Test
    void servedAsItIsEveryTreeAnswersAndTheCardNamesTheRecordedIteration() throws Exception {
        try (Model model = served(null)) {
            assertAnswers(model, 0);
            assertEquals(Integer.toString(best), model.card().metadata().get("best_iteration"));
        }
    }

    @Test
    void withTheCardsBestTheRoundsUpToTheRecordedIterationAnswer() throws Exception {
        try (Model model = served("best")) {
            assertAnswers(model, best + 1);
            assertTrue(model.card().metadata().get("iteration_range").startsWith("0, " + (best + 1)));
        }
        try (Model model = served("2")) {
            assertAnswers(model, 2);
        }
    }

    @Test
    void theCardCommandMeasuresTheRoundsTheInputsCardNamesAndItsCardKeepsThem() throws Exception {
        Path folder = Files.createTempDirectory(dir, "carded");
        Files.copy(dir.resolve("model.json"), folder.resolve("model.json"));
        Files.writeString(folder.resolve("model.card.json"), "{\"tabserve.iterations\": \"best\"}");
        List<String> lines = Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        StringBuilder csv = new StringBuilder("f0,f1,f2,f3,class\n");
        lines.subList(1, lines.size()).forEach(line -> csv.append(line).append('\n'));
        Files.writeString(folder.resolve("labelled.csv"), csv);
        Files.createDirectories(folder.resolve("served"));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int status = Commands.run(
                new String[] {
                    "card",
                    "--model",
                    folder.resolve("model.json").toString(),
                    "--data",
                    folder.resolve("labelled.csv").toString(),
                    "--label",
                    "class",
                    "--out",
                    folder.resolve("served/model.json").toString()
                },
                new java.io.PrintStream(out, true),
                new java.io.PrintStream(out, true));
        assertEquals(0, status, out::toString);
        assertTrue(Files.readString(folder.resolve("served/model.card.json")).contains("\"tabserve.iterations\""));
        try (Model model = ModelLoader.load(folder.resolve("served/model.json"))) {
            assertAnswers(model, best + 1);
            assertTrue(model.card().background() != null, "the card has its background");
        }
    }

    @Test
    void roundsTheFileDoesNotHoldOrOtherWordsAreRefusedNamingTheEntry() throws Exception {
        for (String entry : List.of("100000", "0", "most", "-1")) {
            ModelException refused =
                    assertThrows(ModelException.class, () -> served(entry).close(), entry);
            assertTrue(refused.getMessage().contains("tabserve.iterations"), refused.getMessage());
        }
    }
}
