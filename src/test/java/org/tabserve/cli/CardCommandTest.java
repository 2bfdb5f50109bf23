package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cardmaking.CardFileTest;
import org.tabserve.model.Model;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.Evaluation;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.onnx.OnnxModelLoader;

/**
 * {@code card} on the penguins fixtures: metrics equal to scikit-learn's (recorded by the fixture script for the same
 * rows), the graph's bytes unchanged, and every refusal with its status, its one line, and nothing written.
 */
class CardCommandTest {

    static final Path FIXTURES = CardFileTest.FIXTURES;
    static final Path PENGUINS = Path.of("data/penguins.csv");
    static final ObjectMapper JSON = new ObjectMapper();

    record Result(int status, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Commands.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static JsonNode sklearn(String model, String rows) throws IOException {
        return JSON.readTree(FIXTURES.resolve(model + ".metrics.json").toFile()).get(rows);
    }

    static Path labelled(Path dir, String model, String column) throws IOException {
        return FixtureCards.labelled(dir, model, column);
    }

    @Test
    void aThreeClassCardHasScikitLearnsAccuracyAndConfusionMatrixAndTheGraphsBytes(@TempDir Path dir)
            throws IOException {
        Path model = FIXTURES.resolve("species-nozipmap.onnx");
        Path out = dir.resolve("card.onnx");
        Result result = run(
                "card",
                "--model",
                model.toString(),
                "--data",
                PENGUINS.toString(),
                "--label",
                "species",
                "--out",
                out.toString(),
                "--name",
                "penguins",
                "--class-names",
                "Adelie=Adélie");
        assertEquals(0, result.status(), result.err());
        JsonNode expected = sklearn("species-nozipmap", "all_rows");
        try (Model served = OnnxModelLoader.load(out)) {
            ModelCard card = served.card();
            Evaluation evaluation = card.evaluation();
            assertEquals(expected.get("accuracy_score").asDouble(), evaluation.accuracy(), 1e-6);
            assertEquals(expected.get("rows").asInt(), evaluation.rows());
            List<List<Integer>> counts = new ArrayList<>();
            expected.get("confusion_matrix").get("counts").forEach(row -> {
                List<Integer> r = new ArrayList<>();
                row.forEach(c -> r.add(c.asInt()));
                counts.add(r);
            });
            assertEquals(counts, evaluation.confusion());
            assertEquals("penguins", card.name());
            assertEquals("Adélie", card.displayName("Adelie"));
            assertEquals(
                    List.of("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"),
                    List.copyOf(card.histograms().keySet()));
            assertEquals(3, card.examples().get("Gentoo").size());
            assertTrue(card.metadata().get(CardKeys.CATEGORIES).contains("\"Torgersen\""));
            assertTrue(evaluation.method().contains("may be the training data"), evaluation.method());
        }
        assertArrayEquals(
                CardFileTest.fields(Files.readAllBytes(model), 7).get(0),
                CardFileTest.fields(Files.readAllBytes(out), 7).get(0),
                "the graph's bytes");
    }

    @Test
    void aBinaryCardHasScikitLearnsRocAuc(@TempDir Path dir) throws IOException {
        Path data = labelled(dir, "int64-column", "sex");
        Path out = dir.resolve("card.onnx");
        Result result = run(
                "card",
                "--model",
                FIXTURES.resolve("int64-column.onnx").toString(),
                "--data",
                data.toString(),
                "--label",
                "sex",
                "--out",
                out.toString());
        assertEquals(0, result.status(), result.err());
        JsonNode expected = sklearn("int64-column", "inputs_csv_rows");
        try (Model served = OnnxModelLoader.load(out)) {
            JsonNode metrics = JSON.readTree(served.card().metadata().get(CardKeys.METRICS));
            assertEquals(
                    expected.get("accuracy_score").asDouble(),
                    metrics.get("accuracy").asDouble(),
                    1e-6);
            assertEquals(
                    expected.get("roc_auc_score").asDouble(),
                    metrics.get("roc").get("auc").asDouble(),
                    1e-6);
            assertEquals(expected.get("rows").asInt(), metrics.get("rows").asInt());
            JsonNode calibration = metrics.get("calibration");
            long rows = 0;
            for (JsonNode count : calibration.get("counts")) {
                rows += count.asLong();
            }
            assertEquals(expected.get("rows").asInt(), rows, "every row is in one calibration bin");
            assertTrue(metrics.get("log_loss").asDouble() > 0);
        }
    }

    @Test
    void aRegressorCardHasScikitLearnsMaeAndR2(@TempDir Path dir) throws IOException {
        Path data = labelled(dir, "body-mass-regressor", "body_mass_g");
        Path out = dir.resolve("card.onnx");
        Result result = run(
                "card",
                "--model",
                FIXTURES.resolve("body-mass-regressor.onnx").toString(),
                "--data",
                data.toString(),
                "--label",
                "body_mass_g",
                "--out",
                out.toString());
        assertEquals(0, result.status(), result.err());
        JsonNode expected = sklearn("body-mass-regressor", "inputs_csv_rows");
        try (Model served = OnnxModelLoader.load(out)) {
            JsonNode metrics = JSON.readTree(served.card().metadata().get(CardKeys.METRICS));
            assertEquals(expected.get("rows").asInt(), metrics.get("rows").asInt());
            assertEquals(
                    1,
                    metrics.get("mae").asDouble()
                            / expected.get("mean_absolute_error").asDouble(),
                    1e-6);
            assertEquals(expected.get("r2_score").asDouble(), metrics.get("r2").asDouble(), 1e-6);
            assertEquals(
                    Math.sqrt(expected.get("mean_squared_error").asDouble()),
                    metrics.get("rmse").asDouble(),
                    1e-6 * metrics.get("rmse").asDouble());
            long inHistogram = 0;
            for (JsonNode count : metrics.get("residual_histogram").get("counts")) {
                inHistogram += count.asLong();
            }
            assertEquals(expected.get("rows").asInt(), inHistogram, "every residual is in one bin");
            assertEquals(
                    expected.get("rows").asInt(),
                    metrics.get("points").get("actual").size());
            assertTrue(served.card().featureStats().containsKey("bill_length_mm"));
            assertFalse(served.card().examples().isEmpty(), "examples across the target's range");
        }
    }

    @Test
    void evalTakesTheMetricsFromTheHeldOutFile(@TempDir Path dir) throws IOException {
        Path eval = dir.resolve("eval.csv");
        List<String> lines = Files.readAllLines(PENGUINS);
        Files.write(eval, lines.subList(0, 101)); // the header and the first 100 rows
        Path out = dir.resolve("card.onnx");
        Result result = run(
                "card",
                "--model",
                FIXTURES.resolve("species-nozipmap.onnx").toString(),
                "--data",
                PENGUINS.toString(),
                "--label",
                "species",
                "--out",
                out.toString(),
                "--eval",
                eval.toString());
        assertEquals(0, result.status(), result.err());
        try (Model served = OnnxModelLoader.load(out)) {
            assertEquals(100, served.card().evaluation().rows());
            assertTrue(served.card().evaluation().method().contains("eval.csv"));
            assertEquals(344, ((Number) served.card().data().get("rows")).intValue());
        }
    }

    /** A refusal: its status and line, no output file, the input model untouched. */
    static void assertRefused(Path dir, int status, String message, String... args) throws IOException {
        Path model = Path.of(args[2]);
        byte[] before = Files.exists(model) ? Files.readAllBytes(model) : null;
        Path out = Path.of(args[args.length - 1]);
        boolean existed = Files.exists(out);
        Result result = run(args);
        assertEquals(status, result.status(), result.err());
        assertTrue(result.err().contains(message), result.err());
        assertEquals(1, result.err().strip().lines().count(), "one line: " + result.err());
        assertTrue(result.err().startsWith("tabserve card: "), result.err());
        if (!existed) {
            assertFalse(Files.exists(out), "nothing written");
        }
        if (before != null) {
            assertArrayEquals(before, Files.readAllBytes(model), "the input model is untouched");
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void refusesEachBadArgumentWithOneLineAndWritesNothing(@TempDir Path dir) throws IOException {
        String nozip = copy(dir, "species-nozipmap.onnx");
        String out = dir.resolve("out.onnx").toString();
        String penguins = PENGUINS.toString();
        assertRefused(
                dir,
                1,
                "the CSV has no column 'nope'; its columns are [species, island",
                "card",
                "--model",
                nozip,
                "--data",
                penguins,
                "--label",
                "nope",
                "--out",
                out);
        Path lacking = dir.resolve("lacking.csv");
        Files.write(lacking, List.of("species,island,bill_length_mm", "Adelie,Dream,39.1"));
        assertRefused(
                dir,
                1,
                "the CSV header has no column 'bill_depth_mm'",
                "card",
                "--model",
                nozip,
                "--data",
                lacking.toString(),
                "--label",
                "species",
                "--out",
                out);
        Path unknownClass = dir.resolve("unknown-class.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(PENGUINS).subList(0, 5));
        lines.set(3, lines.get(3).replaceFirst("^Adelie", "Emperor"));
        Files.write(unknownClass, lines);
        assertRefused(
                dir,
                1,
                "row 2: label 'Emperor' in column 'species' is not a class of the model; its classes"
                        + " are [Adelie, Chinstrap, Gentoo]",
                "card",
                "--model",
                nozip,
                "--data",
                unknownClass.toString(),
                "--label",
                "species",
                "--out",
                out);
        Path textTarget = dir.resolve("text-target.csv");
        Files.write(
                textTarget,
                List.of(
                        "species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,sex,body_mass_g",
                        "Adelie,Dream,39.1,18.7,181,MALE,heavy"));
        assertRefused(
                dir,
                1,
                "row 0: label 'heavy' in column 'body_mass_g' is not a number",
                "card",
                "--model",
                copy(dir, "body-mass-regressor.onnx"),
                "--data",
                textTarget.toString(),
                "--label",
                "body_mass_g",
                "--out",
                out);
        Path empty = dir.resolve("empty.csv");
        Files.write(empty, new byte[0]);
        assertRefused(
                dir,
                1,
                "the CSV is empty",
                "card",
                "--model",
                nozip,
                "--data",
                empty.toString(),
                "--label",
                "species",
                "--out",
                out);
        Path headerOnly = dir.resolve("header-only.csv");
        Files.write(headerOnly, List.of("species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g"));
        assertRefused(
                dir,
                1,
                "the CSV has a header but no data rows",
                "card",
                "--model",
                nozip,
                "--data",
                headerOnly.toString(),
                "--label",
                "species",
                "--out",
                out);
        Path existing = dir.resolve("existing.onnx");
        Files.writeString(existing, "keep me");
        assertRefused(
                dir,
                1,
                "existing.onnx exists; pass --force to replace it",
                "card",
                "--model",
                nozip,
                "--data",
                penguins,
                "--label",
                "species",
                "--out",
                existing.toString());
        assertEquals("keep me", Files.readString(existing));
        Path notOnnx = dir.resolve("not-a-model.onnx");
        Files.writeString(notOnnx, "hello");
        assertRefused(
                dir,
                1,
                "cannot use the model",
                "card",
                "--model",
                notOnnx.toString(),
                "--data",
                penguins,
                "--label",
                "species",
                "--out",
                out);
        assertRefused(
                dir,
                1,
                "is the input model, which is never changed",
                "card",
                "--model",
                nozip,
                "--data",
                penguins,
                "--label",
                "species",
                "--force",
                "--out",
                nozip);
        assertRefused(
                dir,
                1,
                "cannot read " + dir.resolve("missing.csv"),
                "card",
                "--model",
                nozip,
                "--data",
                dir.resolve("missing.csv").toString(),
                "--label",
                "species",
                "--out",
                out);
        assertRefused(dir, 2, "--label is required", "card", "--model", nozip, "--data", penguins, "--out", out);
        assertRefused(
                dir,
                2,
                "unknown argument '--colour'",
                "card",
                "--model",
                nozip,
                "--data",
                penguins,
                "--colour",
                "red",
                "--out",
                out);
        assertRefused(
                dir,
                2,
                "--class-names names 'Emperor', which is not a class of the model",
                "card",
                "--model",
                nozip,
                "--data",
                penguins,
                "--label",
                "species",
                "--class-names",
                "Emperor=e",
                "--out",
                out);
    }

    @Test
    void forceReplacesAnExistingOutput(@TempDir Path dir) throws IOException {
        Path existing = dir.resolve("existing.onnx");
        Files.writeString(existing, "old");
        Result result = run(
                "card",
                "--model",
                FIXTURES.resolve("species-nozipmap.onnx").toString(),
                "--data",
                PENGUINS.toString(),
                "--label",
                "species",
                "--out",
                existing.toString(),
                "--force");
        assertEquals(0, result.status(), result.err());
        try (Model served = OnnxModelLoader.load(existing)) {
            assertEquals(344, served.card().evaluation().rows());
        }
    }

    private static String copy(Path dir, String fixture) throws IOException {
        Path copy = dir.resolve(fixture);
        if (!Files.exists(copy)) {
            Files.copy(FIXTURES.resolve(fixture), copy);
        }
        return copy.toString();
    }

    /** Issue 21, case 7: the wide row is refused by {@code card} as by {@code score}, in one line. */
    @Test
    void aRowPastTheRowLimitsIsRefusedWithOneLineNamingTheLimitAndTheRow(@TempDir Path dir) throws IOException {
        Path data = ScoreCommandTest.wideCsv(dir, "variance,skewness,curtosis,entropy,class");
        assertRefused(
                dir,
                1,
                "wide.csv: row 0 (line 2) of the CSV has more than 10000 cells",
                "card",
                "--model",
                copy(dir, "model.onnx", Path.of("model.onnx")),
                "--data",
                data.toString(),
                "--label",
                "class",
                "--out",
                dir.resolve("out.onnx").toString());
    }

    /**
     * A card is a model file, loaded back once written: an output that is not a regular file (a FIFO here, a
     * device) is refused, never renamed over.
     */
    @Test
    void anOutputThatIsNotARegularFileIsRefused(@TempDir Path dir) throws Exception {
        Path pipe = ScoreCommandTest.fifo(dir.resolve("pipe"));
        assertRefused(
                dir,
                1,
                "--out " + pipe + " is not a regular file",
                "card",
                "--model",
                copy(dir, "species-nozipmap.onnx"),
                "--data",
                PENGUINS.toString(),
                "--label",
                "species",
                "--force",
                "--out",
                pipe.toString());
        assertTrue(Files.readAttributes(
                        pipe,
                        java.nio.file.attribute.BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS)
                .isOther());
    }

    /**
     * Issue 34 item 21: a label column the CSV lacks is an argument error, said before any row is read, even when
     * the file's rows are invalid (the rows' errors were said instead, and the user fixed the wrong thing).
     */
    @Test
    void aMissingLabelColumnIsSaidBeforeTheRowsAreRead(@TempDir Path dir) throws IOException {
        Path invalidRows = FIXTURES.resolve("empty-sex.csv"); // rows with an empty 'sex', which the model refuses
        for (String mode : List.of("--strict", "--skip-invalid")) {
            assertRefused(
                    dir,
                    1,
                    "the CSV has no column 'no_such_column'; its columns are [species, island",
                    "card",
                    "--model",
                    copy(dir, mode.substring(2) + ".onnx", FIXTURES.resolve("species-zipmap.onnx")),
                    "--data",
                    invalidRows.toString(),
                    "--label",
                    "no_such_column",
                    mode,
                    "--out",
                    dir.resolve("out.onnx").toString());
        }
        assertRefused(
                dir,
                1,
                "eval.csv: the CSV has no column 'species'",
                "card",
                "--model",
                copy(dir, "eval.onnx", FIXTURES.resolve("species-nozipmap.onnx")),
                "--data",
                PENGUINS.toString(),
                "--label",
                "species",
                "--eval",
                copy(dir, "eval.csv", FIXTURES.resolve("species-nozipmap.inputs.csv")),
                "--out",
                dir.resolve("out.onnx").toString());
    }

    /** A dangling link as --out is refused in words, never replaced by a file. */
    @Test
    void aDanglingLinkAsOutIsRefusedAndLeftAsItIs(@TempDir Path dir) throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("card.onnx"), dir.resolve("gone/card.onnx"));
        assertRefused(
                dir,
                1,
                "--out " + link + " is a link to " + dir.resolve("gone/card.onnx") + ", which does not exist",
                "card",
                "--model",
                copy(dir, "species-nozipmap.onnx"),
                "--data",
                PENGUINS.toString(),
                "--label",
                "species",
                "--out",
                link.toString());
        assertTrue(Files.isSymbolicLink(link), "the link is left as it was");
    }

    private static String copy(Path dir, String name, Path from) throws IOException {
        Path copy = dir.resolve(name);
        Files.copy(from, copy);
        return copy.toString();
    }
}
