package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.FixtureCards;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;

/**
 * {@code GET /api/model} gives what a card made by the {@code card} command holds, checked against scikit-learn's own
 * figures for the same rows: a binary classifier's ROC (its AUC) and calibration, a regressor's MAE, RMSE and R², and
 * a text feature's category counts.
 */
class ModelApiHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Model regressor;
    private static Model binary;
    private static Model species;

    @BeforeAll
    static void makeCards() throws IOException {
        regressor = OnnxModelLoader.load(FixtureCards.card(dir, "body-mass-regressor", "body_mass_g"));
        binary = OnnxModelLoader.load(FixtureCards.card(dir, "int64-column", "sex"));
        species = OnnxModelLoader.load(FixtureCards.card(dir, "species-zipmap", "species"));
    }

    @AfterAll
    static void close() {
        for (Model model : new Model[] {regressor, binary, species}) {
            if (model != null) {
                model.close();
            }
        }
    }

    private static JsonNode described(Model model) {
        return JSON.valueToTree(ModelApiHandler.describe(model));
    }

    @Test
    void aBinaryClassifiersRocAndCalibrationAreThereWithScikitLearnsAuc() throws IOException {
        JsonNode metrics = described(binary).path("metrics");
        JsonNode sklearn = FixtureCards.sklearn("int64-column");
        assertEquals(
                sklearn.get("roc_auc_score").asDouble(), metrics.at("/roc/auc").asDouble(), 1e-6);
        assertEquals("1", metrics.at("/roc/positive_class").asText());
        assertEquals(metrics.at("/roc/fpr").size(), metrics.at("/roc/tpr").size());
        assertTrue(metrics.at("/roc/fpr").size() >= 2, metrics::toString);
        long counted = 0;
        for (JsonNode count : metrics.at("/calibration/counts")) {
            counted += count.asLong();
        }
        assertEquals(sklearn.get("rows").asLong(), counted, "every row falls in one calibration bin");
        assertEquals(
                sklearn.get("accuracy_score").asDouble(),
                metrics.path("accuracy").asDouble(),
                1e-6);
    }

    @Test
    void aRegressorsMetricsAreItsErrorsNotAClassifiers() throws IOException {
        JsonNode metrics = described(regressor).path("metrics");
        JsonNode sklearn = FixtureCards.sklearn("body-mass-regressor");
        assertEquals(sklearn.get("r2_score").asDouble(), metrics.path("r2").asDouble(), 1e-6);
        assertEquals(
                1,
                metrics.path("mae").asDouble()
                        / sklearn.get("mean_absolute_error").asDouble(),
                1e-6);
        assertEquals(sklearn.get("rows").asLong(), metrics.path("rows").asLong());
        assertTrue(metrics.path("accuracy").isMissingNode(), metrics::toString);
    }

    @Test
    void aTextFeaturesCategoryCountsPerClassAddUpToItsRows() throws IOException {
        JsonNode island = null;
        for (JsonNode feature : described(species).path("features")) {
            if (feature.path("name").asText().equals("island")) {
                island = feature;
            }
        }
        assertTrue(island != null && island.has("category_counts"), String.valueOf(island));
        List<String> csv = Files.readAllLines(dir.resolve("species-zipmap.labelled.csv"));
        int islandColumn = List.of(csv.get(0).split(",")).indexOf("island");
        int speciesColumn = List.of(csv.get(0).split(",")).indexOf("species");
        long dreamAdelie = csv.stream()
                .skip(1)
                .map(l -> l.split(",", -1))
                .filter(c -> c[islandColumn].equals("Dream") && c[speciesColumn].equals("Adelie"))
                .count();
        assertEquals(dreamAdelie, island.at("/category_counts/Adelie/Dream").asLong(), island::toString);
    }
}
