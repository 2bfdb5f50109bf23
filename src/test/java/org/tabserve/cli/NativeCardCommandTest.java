package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.loading.ModelLoader;
import org.tabserve.model.signature.Task;
import org.tabserve.testing.NativeForests;

/**
 * {@code card} on models whose file carries no card inside, trained here by XGBoost and LightGBM themselves: the model
 * is copied byte for byte (its SHA-256 stays the library's), its card written beside the copy as a JSON object of the
 * card's key/values, and the copy loads with the card's background, conformal calibration, histograms and metrics; an
 * MLflow directory is copied to a new folder with {@code tabserve.card.json}; the options that rewrite an ONNX graph,
 * and outputs that would change the input, are refused in words.
 */
class NativeCardCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path trained;

    private static NativeForests.Trained xgboost;
    private static NativeForests.Trained lightgbm;

    @TempDir
    Path out;

    @BeforeAll
    static void train() throws Exception {
        xgboost = NativeForests.xgboostClassifier(Files.createDirectories(trained.resolve("xgb")));
        lightgbm = NativeForests.lightgbmRegressor(Files.createDirectories(trained.resolve("lgbm")));
    }

    private record Run(int status, String out, String err) {}

    private static Run card(NativeForests.Trained model, Path modelPath, Path target, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "card",
                "--model",
                modelPath.toString(),
                "--data",
                model.data().toString(),
                "--label",
                NativeForests.LABEL,
                "--out",
                target.toString()));
        args.addAll(List.of(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Commands.run(
                args.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void anXgboostClassifierIsCopiedByteForByteWithItsCardBeside() throws Exception {
        String before = sha256(xgboost.model());
        Path target = out.resolve("model.json");
        Run run = card(
                xgboost,
                xgboost.model(),
                target,
                "--calibration",
                xgboost.calibration().toString(),
                "--name",
                "boxes",
                "--version",
                "3");
        assertEquals(0, run.status(), run.err());
        assertEquals(before, sha256(target), "the copy is the library's file, byte for byte");
        assertEquals(before, sha256(xgboost.model()), "the input is never changed");
        assertFalse(Files.exists(xgboost.model().resolveSibling("model.card.json")), "nothing is written beside it");
        Path cardFile = out.resolve("model.card.json");
        assertEquals(
                Files.getPosixFilePermissions(xgboost.model()),
                Files.getPosixFilePermissions(cardFile),
                "the card takes the model's permissions");
        JsonNode entries = JSON.readTree(cardFile.toFile());
        entries.fields().forEachRemaining(e -> {
            assertTrue(e.getKey().startsWith(CardKeys.PREFIX), "the card's entries alone: " + e.getKey());
            assertTrue(e.getValue().isTextual(), "each value a string, as ONNX metadata: " + e.getKey());
        });
        try (Model model = ModelLoader.load(target)) {
            ModelCard card = model.card();
            assertEquals("boxes", card.name());
            assertEquals("3", card.version());
            assertNotNull(card.background(), "the background sample, for explanations");
            assertNotNull(card.conformal(), "the conformal calibration, for prediction sets");
            assertEquals(NativeForests.FEATURES, List.copyOf(card.histograms().keySet()));
            assertNotNull(card.evaluation(), "a classifier's metrics");
            assertEquals(Set.copyOf(NativeForests.FEATURES), card.featureStats().keySet());
            assertEquals(
                    "binary:logistic",
                    card.metadata().get("objective"),
                    "the file's own facts stay on the card: " + card.metadata());
        }
    }

    @Test
    void aLightgbmRegressorIsCopiedWithItsCardAndIntervals() throws Exception {
        Path target = out.resolve("served.txt");
        Run run = card(
                lightgbm,
                lightgbm.model(),
                target,
                "--calibration",
                lightgbm.calibration().toString());
        assertEquals(0, run.status(), run.err());
        assertEquals(sha256(lightgbm.model()), sha256(target));
        assertTrue(Files.isRegularFile(out.resolve("served.card.json")), "served.txt has served.card.json");
        try (Model model = ModelLoader.load(target)) {
            assertEquals(Task.REGRESSION, model.signature().task());
            assertNotNull(model.card().regression(), "a regressor's metrics");
            assertNotNull(model.card().conformal(), "the calibration, for intervals");
            assertNotNull(model.card().background());
            assertTrue(model.card().featureStats().containsKey(NativeForests.LABEL), "the target's range");
        }
    }

    @Test
    void anMlflowDirectoryIsCopiedToANewFolderWithItsCard() throws Exception {
        Path mlflow = mlflowDirectory(out.resolve("mlflow-model"));
        Files.writeString(mlflow.resolve("requirements.txt"), "xgboost==3.4.0\n");
        Path target = out.resolve("carded");
        Run run = card(xgboost, mlflow, target);
        assertEquals(0, run.status(), run.err());
        for (String file : List.of("model.json", "MLmodel", "requirements.txt")) {
            assertEquals(sha256(mlflow.resolve(file)), sha256(target.resolve(file)), file);
        }
        assertFalse(Files.exists(mlflow.resolve("tabserve.card.json")), "the input is never changed");
        assertTrue(Files.isRegularFile(target.resolve("tabserve.card.json")));
        try (Model model = ModelLoader.load(target)) {
            assertNotNull(model.card().background());
            assertEquals(
                    "272a28f2395e4d75ae627a85fdd8cb90", model.card().metadata().get("mlflow.run_id"));
        }
        Run again = card(xgboost, mlflow, target);
        assertEquals(1, again.status());
        assertTrue(
                again.err().contains("exists; the copy of a model directory is written to a new folder"), again.err());
    }

    /** An MLflow 3 model directory of the XGBoost classifier, as mlflow.xgboost.save_model writes it. */
    private static Path mlflowDirectory(Path dir) throws Exception {
        Path mlflow = Files.createDirectories(dir);
        Files.copy(xgboost.model(), mlflow.resolve("model.json"));
        Files.writeString(mlflow.resolve("MLmodel"), """
                flavors:
                  python_function:
                    data: model.json
                    loader_module: mlflow.xgboost
                    python_version: 3.12.3
                  xgboost:
                    code: null
                    data: model.json
                    model_class: xgboost.core.Booster
                    model_format: json
                    xgb_version: 3.4.0
                mlflow_version: 3.4.0
                model_uuid: 1f3c2a9d1e4b4c6a8b2d0e1f3a5c7e9b
                run_id: 272a28f2395e4d75ae627a85fdd8cb90
                """);
        return mlflow;
    }

    /** docs/models.md's commands for a native model's card, as written (DocsTest finds them here). */
    private static final List<String> DOC_COMMANDS = List.of(
            "java -jar target/tabserve.war card --model model.json --data labelled.csv --label label --out served/model.json --calibration held-out.csv",
            "java -jar target/tabserve.war card --model mlflow-model --data labelled.csv --label label --out served-model");

    private static final Set<String> PATH_OPTIONS = Set.of("--model", "--data", "--out", "--calibration");

    @Test
    void theDocsCommandsRunAsWrittenInAFolderOfTheirFiles() throws Exception {
        Files.copy(xgboost.model(), out.resolve("model.json"));
        Files.copy(xgboost.data(), out.resolve("labelled.csv"));
        Files.copy(xgboost.calibration(), out.resolve("held-out.csv"));
        mlflowDirectory(out.resolve("mlflow-model"));
        Files.createDirectories(out.resolve("served"));
        String page = Files.readString(Path.of("docs/models.md")).replaceAll("\\\\\n\\s*", "");
        for (String command : DOC_COMMANDS) {
            assertTrue(page.contains(command), "docs/models.md shows " + command);
            String[] words =
                    command.substring("java -jar target/tabserve.war ".length()).split(" ");
            for (int i = 1; i < words.length; i++) {
                if (PATH_OPTIONS.contains(words[i - 1])) {
                    words[i] = out.resolve(words[i]).toString(); // the command's folder
                }
            }
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Commands.run(
                    words,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, status, command + ": " + err.toString(StandardCharsets.UTF_8));
        }
        assertEquals(sha256(out.resolve("model.json")), sha256(out.resolve("served/model.json")));
        assertTrue(Files.isRegularFile(out.resolve("served/model.card.json")));
        assertTrue(Files.isRegularFile(out.resolve("served-model/tabserve.card.json")));
        assertTrue(Files.isRegularFile(out.resolve("served-model/model.json")));
    }

    @Test
    void theOptionsThatRewriteAnOnnxGraphAreRefusedInWords() {
        Path target = out.resolve("model.json");
        Run names = card(xgboost, xgboost.model(), target, "--feature-names", "a,b,c,d");
        assertTrue(names.err().contains("an XGBoost or LightGBM file names its features itself"), names.err());
        Run missing = card(xgboost, xgboost.model(), target, "--missing", "width");
        assertTrue(missing.err().contains("takes a missing value already"), missing.err());
        Run text = card(xgboost, xgboost.model(), target, "--text-missing-as", "missing");
        assertTrue(text.err().contains("--text-missing-as is for an ONNX graph"), text.err());
        for (Run run : List.of(names, missing, text)) {
            assertTrue(run.status() != 0);
        }
        assertFalse(Files.exists(target), "nothing written");
    }

    @Test
    void anOutputThatWouldChangeTheInputOrReplaceAFileIsRefused() throws Exception {
        Run itself = card(xgboost, xgboost.model(), xgboost.model());
        assertEquals(1, itself.status());
        assertTrue(itself.err().contains("is the input model, which is never changed"), itself.err());
        Run itsCard = card(xgboost, xgboost.model(), xgboost.model().resolveSibling("model.ubj"));
        assertEquals(1, itsCard.status());
        assertTrue(itsCard.err().contains("would replace the input model's card"), itsCard.err());
        Path target = out.resolve("model.json");
        Files.writeString(out.resolve("model.card.json"), "{}");
        Run cardExists = card(xgboost, xgboost.model(), target);
        assertEquals(1, cardExists.status());
        assertTrue(cardExists.err().contains("model.card.json exists; pass --force"), cardExists.err());
        assertFalse(Files.exists(target));
        Run forced = card(xgboost, xgboost.model(), target, "--force");
        assertEquals(0, forced.status(), forced.err());
        Run copyExists = card(xgboost, xgboost.model(), target);
        assertEquals(1, copyExists.status());
        assertTrue(copyExists.err().contains("exists; pass --force"), copyExists.err());
    }

    @Test
    void anMlflowDirectoryOfTheOnnxFlavorIsSentToItsOnnxFile() throws Exception {
        Path mlflow = NativeForests.onnxMlflowDirectory(out.resolve("onnx-model"));
        Run run = card(xgboost, mlflow, out.resolve("carded"));
        assertEquals(1, run.status());
        assertTrue(
                run.err().contains("an MLflow model of the ONNX flavor")
                        && run.err().contains("model.onnx"),
                run.err());
        assertFalse(Files.exists(out.resolve("carded")), "nothing written");
    }
}
