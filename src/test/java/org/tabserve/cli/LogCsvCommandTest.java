package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.predictionlog.PredictionLog;
import org.tabserve.predictionlog.PredictionLogOptions;
import org.tabserve.predictionlog.ScoredCall;

/**
 * {@code log-csv} closes the loop from the prediction log back to {@code card}: the bank-note training rows, served
 * and logged across rolled files, come back as a CSV in the order they were scored; labelled with their true class,
 * it makes a card whose accuracy is the card's of the original data. A masked column comes back empty and is said;
 * a model the log does not have is refused naming those it has.
 */
class LogCsvCommandTest {

    private static final Path DATA = Path.of("data/BankNote_Authentication.csv");

    /** Logs every row of the training data, in batches of 98, through the real log with small files. */
    private static List<String[]> logTrainingRows(Path log, Set<String> mask) throws IOException {
        List<String> lines = Files.readAllLines(DATA);
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            rows.add(line.split(","));
        }
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"));
                PredictionLog predictionLog =
                        PredictionLog.start(new PredictionLogOptions(log, 1, mask, 64 << 10, 20, 100_000), 64L << 20)) {
            for (int start = 0; start < rows.size(); start += 98) {
                double[][] numbers = new double[Math.min(98, rows.size() - start)][4];
                for (int r = 0; r < numbers.length; r++) {
                    for (int f = 0; f < 4; f++) {
                        numbers[r][f] = Double.parseDouble(rows.get(start + r)[f]);
                    }
                }
                Batch batch = Batch.ofNumbers(model.signature(), numbers);
                predictionLog.offer(new ScoredCall(
                        "batch-" + start,
                        "POST /api/predict",
                        "banknote",
                        1,
                        model,
                        Instant.now(),
                        1_000,
                        batch,
                        model.predict(batch),
                        null,
                        null,
                        null));
                Thread.sleep(20); // the writer takes each batch alone, so the files roll over between them
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return rows;
    }

    @Test
    void loggedRowsComeBackInOrderAndOnceLabelledMakeTheCardTheOriginalDataMakes(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log");
        List<String[]> training = logTrainingRows(log, Set.of());
        try (Stream<Path> files = Files.list(log)) {
            assertTrue(files.count() > 2, "the log rolled over");
        }
        Path rows = dir.resolve("rows.csv");
        CardCommandTest.Result result = CardCommandTest.run(
                "log-csv", "--log", log.toString(), "--model", "banknote", "--out", rows.toString());
        assertEquals(0, result.status(), result.err());
        assertTrue(result.err().contains("1372 rows of banknote"), result.err());
        List<String> lines = Files.readAllLines(rows);
        assertEquals("variance,skewness,curtosis,entropy,predicted,request_id,time,version", lines.get(0));
        assertEquals(training.size() + 1, lines.size());
        List<String> labelled = new ArrayList<>(List.of(lines.get(0) + ",class"));
        for (int r = 0; r < training.size(); r++) {
            String[] cells = lines.get(r + 1).split(",");
            for (int f = 0; f < 4; f++) {
                assertEquals(
                        (float) Double.parseDouble(training.get(r)[f]),
                        Float.parseFloat(cells[f]),
                        "row " + (r + 1) + " column " + f);
            }
            assertEquals("batch-" + (r / 98 * 98), cells[5]);
            labelled.add(lines.get(r + 1) + "," + training.get(r)[4]);
        }
        Path labelledFile = Files.write(dir.resolve("labelled.csv"), labelled);

        Path fromLog = dir.resolve("from-log.onnx");
        CardCommandTest.Result carded = CardCommandTest.run(
                "card",
                "--model",
                "model.onnx",
                "--data",
                labelledFile.toString(),
                "--label",
                "class",
                "--out",
                fromLog.toString());
        assertEquals(0, carded.status(), carded.err());
        Path fromData = dir.resolve("from-data.onnx");
        assertEquals(
                0,
                CardCommandTest.run(
                                "card",
                                "--model",
                                "model.onnx",
                                "--data",
                                DATA.toString(),
                                "--label",
                                "class",
                                "--out",
                                fromData.toString())
                        .status());
        try (Model a = OnnxModelLoader.load(fromLog);
                Model b = OnnxModelLoader.load(fromData)) {
            assertEquals(b.card().evaluation().rows(), a.card().evaluation().rows());
            assertEquals(b.card().evaluation().accuracy(), a.card().evaluation().accuracy(), 0.0);
            assertEquals(b.card().featureStats(), a.card().featureStats(), "the same values, the same statistics");
        }
    }

    @Test
    void aMaskedColumnComesBackEmptyAndIsSaid(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log");
        logTrainingRows(log, Set.of("entropy"));
        CardCommandTest.Result result =
                CardCommandTest.run("log-csv", "--log", log.toString(), "--model", "banknote", "--out", "-");
        assertEquals(0, result.status(), result.err());
        List<String> lines = result.out().lines().toList();
        assertEquals("variance,skewness,curtosis,entropy,predicted,request_id,time,version", lines.get(0));
        assertEquals("", lines.get(1).split(",", -1)[3]);
        assertTrue(result.err().contains("masked column(s) [entropy] are empty"), result.err());
    }

    @Test
    void aModelTheLogDoesNotHaveIsRefusedNamingThoseItHas(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log");
        logTrainingRows(log, Set.of());
        CardCommandTest.Result result = CardCommandTest.run(
                "log-csv",
                "--log",
                log.toString(),
                "--model",
                "iris",
                "--out",
                dir.resolve("out.csv").toString());
        assertEquals(1, result.status());
        assertTrue(result.err().contains("no row of model iris; it has rows of [banknote version 1]"), result.err());
        assertTrue(Files.notExists(dir.resolve("out.csv")));
        assertEquals(
                1,
                CardCommandTest.run(
                                "log-csv", "--log", dir.resolve("nowhere").toString(), "--model", "iris", "--out", "-")
                        .status());
    }

    /** One penguin row per text, with {@code text} as its island and sex, logged under request id {@code id}. */
    private static void logPenguins(Path log, String id, List<String> texts) throws IOException {
        try (Model model = OnnxModelLoader.load(PENGUINS);
                PredictionLog predictionLog =
                        PredictionLog.start(new PredictionLogOptions(log, 1, Set.of(), 1 << 20, 1, 1000), 64L << 20)) {
            List<Object[]> rows = new ArrayList<>();
            for (String text : texts) {
                rows.add(new Object[] {text, 39.1, 18.7, 181.0, -3750.0, text});
            }
            Batch batch = Batch.of(model.signature(), rows);
            predictionLog.offer(new ScoredCall(
                    id,
                    "GET /predict",
                    "species",
                    1,
                    model,
                    Instant.now(),
                    1_000,
                    batch,
                    model.predict(batch),
                    null,
                    null,
                    null));
        }
    }

    private static final Path PENGUINS =
            Path.of("src/test/resources/org/tabserve/fixtures/penguins/species-zipmap.onnx");

    @Test
    void textThatASpreadsheetWouldRunAsAFormulaIsWrittenAsTextAndNumbersAreLeftAlone(@TempDir Path dir)
            throws Exception {
        Path log = dir.resolve("log");
        logPenguins(
                log,
                "=1+2+cmd:calc",
                List.of(
                        "=HYPERLINK(\"http://evil.example/\",\"click\")",
                        "@SUM(1,2)",
                        "+1+cmd|' /C calc'!A0",
                        "-2+3",
                        "\tTab",
                        "Biscoe"));
        CardCommandTest.Result result =
                CardCommandTest.run("log-csv", "--log", log.toString(), "--model", "species", "--out", "-");
        assertEquals(0, result.status(), result.err());
        List<CSVRecord> records = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .build()
                .parse(new StringReader(result.out()))
                .getRecords();
        assertEquals(
                List.of(
                        "'=HYPERLINK(\"http://evil.example/\",\"click\")",
                        "'@SUM(1,2)",
                        "'+1+cmd|' /C calc'!A0",
                        "'-2+3",
                        "'\tTab",
                        "Biscoe"),
                records.stream().map(r -> r.get("island")).toList());
        assertEquals(
                records.stream().map(r -> r.get("island")).toList(),
                records.stream().map(r -> r.get("sex")).toList());
        for (CSVRecord record : records) {
            assertEquals("'=1+2+cmd:calc", record.get("request_id"));
            assertEquals("-3750.0", record.get("body_mass_g"), "a negative number stays a number");
        }
    }

    @Test
    void aLineLongerThanTheBoundIsLeftOutAndSaidWithoutHoldingItAndTheRowsAroundItAreKept(@TempDir Path dir)
            throws Exception {
        Path log = dir.resolve("log");
        logPenguins(log, "before", List.of("Biscoe"));
        String line = Files.readString(log.resolve("predictions.jsonl")).strip();
        // a line of 9 MiB (past the default bound of 8 MiB), as a client's huge text would make, then a short one
        try (var out = Files.newBufferedWriter(log.resolve("predictions.jsonl"), StandardOpenOption.APPEND)) {
            out.write(line.replace("\"before\"", "\"" + "x".repeat(9 << 20) + "\""));
            out.write('\n');
            out.write(line.replace("\"before\"", "\"after\""));
            out.write('\n');
        }
        CardCommandTest.Result result =
                CardCommandTest.run("log-csv", "--log", log.toString(), "--model", "species", "--out", "-");
        assertEquals(0, result.status(), result.err());
        assertEquals(
                List.of("before", "after"),
                CSVFormat.DEFAULT
                        .builder()
                        .setHeader()
                        .build()
                        .parse(new StringReader(result.out()))
                        .getRecords()
                        .stream()
                        .map(r -> r.get("request_id"))
                        .toList());
        assertTrue(
                result.err()
                        .contains("predictions.jsonl line 2 is longer than 8388608 bytes (--max-line-bytes);"
                                + " left out"),
                result.err());
        assertEquals(
                0,
                CardCommandTest.run(
                                "log-csv",
                                "--log",
                                log.toString(),
                                "--model",
                                "species",
                                "--out",
                                "-",
                                "--max-line-bytes",
                                String.valueOf(16 << 20))
                        .status(),
                "a larger bound takes it");
    }
}
