package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.card.Evaluation;
import org.tabserve.model.onnx.OnnxModelLoader;

/**
 * {@code card --feature-names/--class-names} on the iris single-tensor fixture and the CSV it was trained from (named
 * columns, the species as text): the card stores the names, reads the species through them so that its metrics are
 * scikit-learn's, takes the names from the header when the counts match and says so, and refuses a wrong count or
 * a repeated name in words, writing nothing.
 */
class NameOptionsTest {

    private static final String MODEL = "iris-single-tensor";

    @Test
    void namedColumnsAndClassesAreStoredAndTheMetricsAreScikitLearns(@TempDir Path dir) throws IOException {
        IrisCards.Run run = IrisCards.card(
                dir,
                MODEL,
                "--feature-names",
                String.join(",", IrisCards.FEATURES),
                "--class-names",
                String.join(",", IrisCards.SPECIES));
        assertEquals(0, run.status(), run.err());
        assertTrue(
                run.out().contains("are named sepal_length, sepal_width, petal_length, petal_width (--feature-names)"),
                run.out());
        assertTrue(run.out().contains("setosa = 0, versicolor = 1, virginica = 2"), run.out());
        try (Model model = OnnxModelLoader.load(run.model())) {
            assertEquals(IrisCards.FEATURES, model.signature().featureNames());
            assertEquals("float_input", model.signature().inputName());
            assertEquals(List.of("0", "1", "2"), model.signature().classLabels());
            for (int i = 0; i < 3; i++) {
                assertEquals(IrisCards.SPECIES.get(i), model.card().displayName(Integer.toString(i)));
            }
            JsonNode expected = IrisCards.metrics(MODEL);
            Evaluation evaluation = model.card().evaluation();
            assertEquals(expected.get("rows").asInt(), evaluation.rows());
            assertEquals(expected.get("accuracy_score").asDouble(), evaluation.accuracy(), 1e-9);
            List<List<Integer>> counts = new ArrayList<>();
            expected.get("confusion_matrix").get("counts").forEach(row -> {
                List<Integer> r = new ArrayList<>();
                row.forEach(c -> r.add(c.asInt()));
                counts.add(r);
            });
            assertEquals(counts, evaluation.confusion());
            assertTrue(model.card().featureStats().keySet().containsAll(IrisCards.FEATURES));
        }
    }

    @Test
    void withoutTheOptionTheNamesComeFromTheHeaderAndTheOutputSaysSo(@TempDir Path dir) throws IOException {
        IrisCards.Run run = IrisCards.card(dir, MODEL, "--class-names", "setosa,versicolor,virginica");
        assertEquals(0, run.status(), run.err());
        assertTrue(
                run.out()
                        .contains(
                                "has 4 unnamed columns and iris.csv has 4 columns besides 'species', so they"
                                        + " are named after the header, in its order: sepal_length, sepal_width, petal_length, petal_width"),
                run.out());
        try (Model model = OnnxModelLoader.load(run.model())) {
            assertEquals(IrisCards.FEATURES, model.signature().featureNames());
        }
    }

    @Test
    void theOlderLabelEqualsNameFormStillNamesSomeClasses(@TempDir Path dir) throws IOException {
        IrisCards.Run run = IrisCards.card(dir, MODEL, "--class-names", "0=setosa,1=versicolor,2=virginica");
        assertEquals(0, run.status(), run.err());
        try (Model model = OnnxModelLoader.load(run.model())) {
            assertEquals("virginica", model.card().displayName("2"));
        }
    }

    @Test
    void stringLabelsWithoutClassNamesAreRefusedWithTheWayOn(@TempDir Path dir) {
        IrisCards.Run run = IrisCards.card(dir, MODEL);
        assertEquals(1, run.status(), run.out());
        assertTrue(
                run.err()
                        .contains("label 'setosa' in column 'species' is not a class of the model; its classes"
                                + " are [0, 1, 2] (if the column holds the classes' names, pass --class-names"),
                run.err());
        assertFalse(Files.exists(run.model()));
    }

    @Test
    void aWrongCountOrARepeatedNameIsRefusedNamingBoth(@TempDir Path dir) {
        assertRefused(
                IrisCards.card(dir, MODEL, "--feature-names", "a,b,c"),
                "card: --feature-names gives 3 names but the model's input 'float_input' has 4 columns");
        assertRefused(
                IrisCards.card(dir, MODEL, "--feature-names", "a,b,c,a"), "card: --feature-names names 'a' twice");
        assertRefused(
                IrisCards.card(dir, MODEL, "--feature-names", "a,b,,d"), "card: --feature-names has an empty name");
        assertRefused(
                IrisCards.card(dir, MODEL, "--class-names", "setosa,versicolor"),
                "card: --class-names gives 2 names but the model has 3 classes (0, 1, 2)");
        assertRefused(
                IrisCards.card(dir, MODEL, "--class-names", "setosa,setosa,virginica"),
                "card: --class-names gives the name 'setosa' to two classes (0 and 1)");
        assertRefused(
                IrisCards.card(dir, MODEL, "--class-names", "1,0,virginica"),
                "card: --class-names gives class '0' the name '1', which is another class's label");
    }

    @Test
    void featureNamesAreRefusedForAModelWhoseInputsAreNamedByTheGraph(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("x.onnx");
        CardCommandTest.Result refused = CardCommandTest.run(
                "card",
                "--model",
                CardCommandTest.FIXTURES.resolve("species-nozipmap.onnx").toString(),
                "--data",
                CardCommandTest.labelled(dir, "species-nozipmap", "species").toString(),
                "--label",
                "species",
                "--out",
                out.toString(),
                "--feature-names",
                "a,b,c,d,e");
        assertEquals(2, refused.status(), refused.err());
        assertTrue(
                refused.err()
                        .contains("--feature-names is for a model with one tensor input of many columns;"
                                + " this model's 5 inputs are named by the graph"),
                refused.err());
        assertFalse(Files.exists(out));
    }

    private static void assertRefused(IrisCards.Run run, String message) {
        assertEquals(2, run.status(), run.out() + run.err());
        assertTrue(run.err().contains(message), run.err());
        assertFalse(Files.exists(run.model()));
    }
}
