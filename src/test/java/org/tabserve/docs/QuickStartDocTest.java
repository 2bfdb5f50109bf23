package org.tabserve.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A new user with a model of their own finds, from README's top, one section that takes an exported {@code .onnx}
 * and its CSV to a served, carded and calibrated model (issue 51, item 3), naming everything that takes: the port,
 * a directory of models, {@code card} with names and calibration, the request shapes pandas sends, coverage,
 * explanations, and where the form and the card are. {@code DocExamplesIT} runs its commands.
 */
class QuickStartDocTest {

    private static final String LINK = "docs/models.md#quick-start-your-own-onnx-model";
    private static final String HEADING = "## Quick start: your own ONNX model";

    /** Issue 92: the quick start from a trained model, served as its library saved it. */
    private static final String NATIVE_LINK = "docs/models.md#quick-start-a-model-as-its-library-saved-it";

    private static final String NATIVE_HEADING = "## Quick start: a model as its library saved it";

    @Test
    void readmesTopLinksToTheQuickStart() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int firstSection = readme.indexOf("\n## ");
        assertTrue(
                readme.substring(0, firstSection).contains("(" + LINK + ")"),
                "README links to the quick start before its first section");
        assertTrue(readme.substring(0, firstSection).contains("--port"), "README names --port at its top");
        assertTrue(
                readme.substring(0, firstSection).contains("(" + NATIVE_LINK + ")"),
                "README links to the quick start from a trained model before its first section");
    }

    @Test
    void theQuickStartFromATrainedModelSavesItAsItsLibraryDoesAndServesTheFile() throws Exception {
        String models = Files.readString(Path.of("docs/models.md"));
        int start = models.indexOf("\n" + NATIVE_HEADING + "\n");
        assertTrue(start >= 0, "docs/models.md has the section " + NATIVE_HEADING);
        assertTrue(start < models.indexOf("\n" + HEADING + "\n"), "it comes first: the trained model is the start");
        String section = models.substring(start, models.indexOf("\n## ", start + 1));
        for (String needed : List.of(
                "save_model(\"notes.json\")",
                "booster_.save_model(\"model.txt\")",
                "mlflow.xgboost.save_model",
                "java -jar target/tabserve.war --model ",
                "curl -s localhost:8080/api/model",
                "<!-- run by: DocExamplesIT -->")) {
            assertTrue(section.contains(needed), "the quick start says " + needed);
        }
    }

    @Test
    void theQuickStartNamesEveryStepFromAnExportedModelToAServedOne() throws Exception {
        String models = Files.readString(Path.of("docs/models.md"));
        int start = models.indexOf("\n" + HEADING + "\n");
        assertTrue(start >= 0, "docs/models.md has the section " + HEADING);
        String section = models.substring(start, models.indexOf("\n## ", start + 1));
        for (String needed : List.of(
                "--port",
                "TABSERVE_PORT",
                "--models",
                " card --model ",
                "--feature-names",
                "--class-names",
                "--calibration",
                "{\"instances\": [",
                "orient=\"records\"",
                "orient=\"split\"",
                "\"coverage\": 0.9",
                "\"explain\": true",
                "http://127.0.0.1:8080/>",
                "/card>",
                "<!-- run by: DocExamplesIT -->")) {
            assertTrue(section.contains(needed), "the quick start says " + needed);
        }
    }
}
