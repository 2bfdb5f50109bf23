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

    private static final String LINK = "docs/models.md#quick-start-your-own-model";
    private static final String HEADING = "## Quick start: your own model";

    @Test
    void readmesTopLinksToTheQuickStart() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int firstSection = readme.indexOf("\n## ");
        assertTrue(
                readme.substring(0, firstSection).contains("(" + LINK + ")"),
                "README links to the quick start before its first section");
        assertTrue(readme.substring(0, firstSection).contains("--port"), "README names --port at its top");
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
