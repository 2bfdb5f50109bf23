package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cardmaking.CardFileTest;

/** {@code score}: the upload's CSV answer, written to a file or stdout, and nothing for a file with a bad row. */
class ScoreCommandTest {

    @Test
    void scoresEveryRowWithTheUploadsAnswerColumns(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("scored.csv");
        Path data = CardFileTest.FIXTURES.resolve("species-nozipmap.inputs.csv");
        CardCommandTest.Result result = CardCommandTest.run(
                "score",
                "--model",
                CardFileTest.FIXTURES.resolve("species-nozipmap.onnx").toString(),
                "--data",
                data.toString(),
                "--out",
                out.toString());
        assertEquals(0, result.status(), result.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(
                "island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,label,probability_Adelie,"
                        + "probability_Chinstrap,probability_Gentoo",
                lines.get(0));
        assertEquals(Files.readAllLines(data).size(), lines.size());
        assertTrue(lines.get(1).startsWith("Torgersen,39.1,18.7,181,3750,Adelie,"), lines.get(1));
        assertTrue(result.err().contains("scored 344 rows"), result.err());
    }

    @Test
    void writesToStdoutWithADash() {
        CardCommandTest.Result result = CardCommandTest.run(
                "score",
                "--model",
                CardFileTest.FIXTURES.resolve("body-mass-regressor.onnx").toString(),
                "--data",
                CardFileTest.FIXTURES.resolve("body-mass-regressor.inputs.csv").toString(),
                "--out",
                "-");
        assertEquals(0, result.status(), result.err());
        assertTrue(
                result.out().startsWith("species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,sex,value\n"),
                result.out());
    }

    @Test
    void aFileWithABadRowWritesNothing(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("bad.csv");
        Files.write(
                data,
                List.of(
                        "island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g",
                        "Dream,39.1,18.7,181,3750",
                        "Dream,long,18.7,181,3750"));
        Path out = dir.resolve("scored.csv");
        CardCommandTest.Result result = CardCommandTest.run(
                "score",
                "--model",
                CardFileTest.FIXTURES.resolve("species-nozipmap.onnx").toString(),
                "--data",
                data.toString(),
                "--out",
                out.toString());
        assertEquals(1, result.status());
        assertTrue(result.err().startsWith("tabserve score: bad.csv: row 1:"), result.err());
        assertFalse(Files.exists(out));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(data), files.toList());
        }
    }

    /**
     * {@code --on-error row} on real rows with empty text cells (rows 1 to 13 of penguins.csv, five with an empty
     * {@code sex}, which the species model cannot take missing): every row is written in file order, a bad one with
     * empty answer columns and its error last, the others exactly as a file of the good rows alone is scored; the
     * count of bad rows is said on stderr.
     */
    @Test
    void onErrorRowWritesEveryRowEachBadOneWithItsErrorInItsPlace(@TempDir Path dir) throws IOException {
        Path data = CardFileTest.FIXTURES.resolve("empty-sex.csv");
        List<Integer> bad = List.of(4, 9, 10, 11, 12);
        Path out = dir.resolve("scored.csv");
        CardCommandTest.Result result = CardCommandTest.run(
                "score",
                "--model",
                CardFileTest.FIXTURES.resolve("species-zipmap.onnx").toString(),
                "--data",
                data.toString(),
                "--out",
                out.toString(),
                "--on-error",
                "row");
        assertEquals(0, result.status(), result.err());
        assertTrue(result.err().contains("5 of 13 rows had errors"), result.err());

        List<String> source = Files.readAllLines(data);
        Path good = dir.resolve("good.csv");
        List<String> goodLines = new java.util.ArrayList<>(List.of(source.get(0)));
        for (int r = 1; r < source.size(); r++) {
            if (!bad.contains(r)) {
                goodLines.add(source.get(r));
            }
        }
        Files.write(good, goodLines);
        Path goodOut = dir.resolve("good-scored.csv");
        assertEquals(
                0,
                CardCommandTest.run(
                                "score",
                                "--model",
                                CardFileTest.FIXTURES
                                        .resolve("species-zipmap.onnx")
                                        .toString(),
                                "--data",
                                good.toString(),
                                "--out",
                                goodOut.toString())
                        .status());
        List<String> expected = Files.readAllLines(goodOut);

        List<String> lines = Files.readAllLines(out);
        assertEquals(expected.get(0) + ",error", lines.get(0));
        assertEquals(source.size(), lines.size());
        int next = 1;
        for (int r = 1; r < source.size(); r++) {
            if (bad.contains(r)) {
                assertTrue(lines.get(r).startsWith(source.get(r) + ",,,,,sex: "), lines.get(r));
            } else {
                assertEquals(expected.get(next++) + ",", lines.get(r), "row " + r);
            }
        }
    }

    @Test
    void byDefaultAFileWithEmptyTextCellsIsRefusedAndTheRefusalNamesTheWayOn(@TempDir Path dir) {
        Path out = dir.resolve("scored.csv");
        CardCommandTest.Result result = CardCommandTest.run(
                "score",
                "--model",
                CardFileTest.FIXTURES.resolve("species-zipmap.onnx").toString(),
                "--data",
                CardFileTest.FIXTURES.resolve("empty-sex.csv").toString(),
                "--out",
                out.toString());
        assertEquals(1, result.status());
        assertTrue(result.err().contains("row 3: "), result.err());
        assertTrue(result.err().contains("pass --on-error row"), result.err());
        assertFalse(Files.exists(out));

        CardCommandTest.Result wrong = CardCommandTest.run(
                "score",
                "--model",
                CardFileTest.FIXTURES.resolve("species-zipmap.onnx").toString(),
                "--data",
                CardFileTest.FIXTURES.resolve("empty-sex.csv").toString(),
                "--out",
                out.toString(),
                "--on-error",
                "skip");
        assertEquals(2, wrong.status(), wrong.err());
        assertTrue(wrong.err().contains("--on-error takes 'row'"), wrong.err());
    }

    /** The wide row of issue 21: a header, then one row of two million cells (4 MB). */
    static Path wideCsv(Path dir, String header) throws IOException {
        return wideCsv(dir, header, 2_000_000);
    }

    /** A header, then one row of {@code cells} cells. */
    static Path wideCsv(Path dir, String header, int cells) throws IOException {
        Path data = dir.resolve("wide.csv");
        StringBuilder text = new StringBuilder(header).append("\n1,2,3,4");
        text.append(",x".repeat(cells)).append('\n');
        Files.writeString(data, text);
        return data;
    }

    /**
     * Issue 21, case 7: at -Xmx128m, {@code score} of the wide row ended with an OutOfMemoryError and exit 3; the
     * row limits refuse it like any other bad file, with one line naming the limit and the row.
     */
    @Test
    void aRowPastTheRowLimitsIsRefusedWithOneLineNamingTheLimitAndTheRow(@TempDir Path dir) throws IOException {
        Path data = wideCsv(dir, "variance,skewness,curtosis,entropy");
        Path out = dir.resolve("scored.csv");
        CardCommandTest.Result result = CardCommandTest.run(
                "score", "--model", "model.onnx", "--data", data.toString(), "--out", out.toString());
        assertEquals(1, result.status(), result.err());
        assertEquals(1, result.err().strip().lines().count(), "one line: " + result.err());
        assertTrue(
                result.err()
                        .startsWith(
                                "tabserve score: wide.csv: row 0 (line 2) of the CSV has more than 10000" + " cells"),
                result.err());
        assertFalse(Files.exists(out));
    }

    /** Makes a FIFO with the system's {@code mkfifo}. */
    static Path fifo(Path path) throws IOException, InterruptedException {
        Process mkfifo =
                new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        return path;
    }

    private static boolean isOther(Path path) throws IOException {
        return Files.readAttributes(
                        path,
                        java.nio.file.attribute.BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS)
                .isOther();
    }

    /**
     * Issue 21, case 7: {@code --out /dev/full --force} renamed a regular file over the device node. Anything that is
     * not a regular file (a device, a FIFO, here a FIFO and a link to one) is written through and stays what it was;
     * a link to a regular file stays a link, and the file it points to is replaced.
     */
    @Test
    void anOutputThatIsNotARegularFileIsWrittenThroughNeverReplaced(@TempDir Path dir) throws Exception {
        Path pipe = fifo(dir.resolve("pipe"));
        Path link = Files.createSymbolicLink(dir.resolve("link-to-pipe"), pipe);
        for (Path target : List.of(pipe, link)) {
            java.util.concurrent.CompletableFuture<byte[]> read =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return Files.readAllBytes(pipe);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            CardCommandTest.Result result = CardCommandTest.run(
                    "score",
                    "--model",
                    CardFileTest.FIXTURES.resolve("body-mass-regressor.onnx").toString(),
                    "--data",
                    CardFileTest.FIXTURES
                            .resolve("body-mass-regressor.inputs.csv")
                            .toString(),
                    "--out",
                    target.toString(),
                    "--force");
            assertEquals(0, result.status(), result.err());
            assertTrue(isOther(pipe), "the FIFO was replaced by a regular file");
            assertTrue(Files.isSymbolicLink(link));
            String scored = new String(
                    read.get(60, java.util.concurrent.TimeUnit.SECONDS), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(
                    scored.startsWith("species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,sex,value\n"),
                    scored);
        }
        Path file = Files.writeString(dir.resolve("old.csv"), "old");
        Path fileLink = Files.createSymbolicLink(dir.resolve("link-to-file"), file);
        CardCommandTest.Result result = CardCommandTest.run(
                "score",
                "--model",
                CardFileTest.FIXTURES.resolve("body-mass-regressor.onnx").toString(),
                "--data",
                CardFileTest.FIXTURES.resolve("body-mass-regressor.inputs.csv").toString(),
                "--out",
                fileLink.toString(),
                "--force");
        assertEquals(0, result.status(), result.err());
        assertTrue(Files.isSymbolicLink(fileLink), "the link was replaced by a file");
        assertTrue(Files.readString(file).startsWith("species,"), "the file the link points to has the answer");
        try (var files = Files.list(dir)) {
            assertEquals(
                    java.util.Set.of(pipe, link, file, fileLink),
                    java.util.Set.copyOf(files.toList()),
                    "no temporary file left");
        }
    }

    /** Issue 34 item 21: an --out in a directory that does not exist is refused naming it, not a temporary file. */
    @Test
    void anOutInADirectoryThatDoesNotExistIsRefusedNamingTheDirectory(@TempDir Path dir) {
        Path out = dir.resolve("nodir/x.csv");
        CardCommandTest.Result result = CardCommandTest.run(
                "score",
                "--model",
                CardFileTest.FIXTURES.resolve("body-mass-regressor.onnx").toString(),
                "--data",
                CardFileTest.FIXTURES.resolve("body-mass-regressor.inputs.csv").toString(),
                "--out",
                out.toString());
        assertEquals(1, result.status(), result.err());
        assertEquals(
                "tabserve score: cannot write " + out + ": no directory " + dir.resolve("nodir"),
                result.err().strip());
    }

    /** A dangling link as --out is refused in words, never replaced by a file (with or without --force). */
    @Test
    void aDanglingLinkAsOutIsRefusedAndLeftAsItIs(@TempDir Path dir) throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("scored.csv"), dir.resolve("gone/scored.csv"));
        for (List<String> force : List.of(List.<String>of(), List.of("--force"))) {
            List<String> args = new java.util.ArrayList<>(List.of(
                    "score",
                    "--model",
                    CardFileTest.FIXTURES.resolve("body-mass-regressor.onnx").toString(),
                    "--data",
                    CardFileTest.FIXTURES
                            .resolve("body-mass-regressor.inputs.csv")
                            .toString(),
                    "--out",
                    link.toString()));
            args.addAll(force);
            CardCommandTest.Result result = CardCommandTest.run(args.toArray(String[]::new));
            assertEquals(1, result.status(), result.err());
            assertEquals(
                    "tabserve score: --out " + link + " is a link to " + dir.resolve("gone/scored.csv")
                            + ", which does not exist; write to the file itself, or remove the link",
                    result.err().strip());
            assertTrue(Files.isSymbolicLink(link), "the link is left as it was");
        }
    }

    /** A pipe needs no --force either way: an existing output of any kind does. */
    @Test
    void anExistingOutputOfAnyKindNeedsForce(@TempDir Path dir) throws Exception {
        Path pipe = fifo(dir.resolve("pipe"));
        CardCommandTest.Result result = CardCommandTest.run(
                "score",
                "--model",
                CardFileTest.FIXTURES.resolve("body-mass-regressor.onnx").toString(),
                "--data",
                CardFileTest.FIXTURES.resolve("body-mass-regressor.inputs.csv").toString(),
                "--out",
                pipe.toString());
        assertEquals(1, result.status(), result.err());
        assertTrue(result.err().startsWith("tabserve score: " + pipe + " exists; pass --force"), result.err());
        assertTrue(isOther(pipe));
    }

    /**
     * An Error inside a command (here the OutOfMemoryError a wide row once caused) ends as one line and exit 1,
     * not as a stack trace.
     */
    @Test
    void anErrorInsideACommandEndsAsOneLine() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int status = Commands.run(
                "score",
                () -> {
                    throw new OutOfMemoryError("Java heap space");
                },
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(1, status);
        String said = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(1, said.strip().lines().count(), said);
        assertTrue(said.startsWith("tabserve score: out of memory (Java heap space); "), said);
        err.reset();
        status = Commands.run(
                "card",
                () -> {
                    throw new IllegalStateException("a bug");
                },
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(1, status);
        said = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("tabserve card: failed: java.lang.IllegalStateException: a bug", said.strip());
    }

    /**
     * Issue 21, case 11: cells a spreadsheet would run as a formula were written as they came. A text cell starting
     * with = + - @, a tab or a carriage return is written quoted with a leading apostrophe, as OWASP advises; a
     * number stays a number, negative or not.
     */
    @Test
    void textThatASpreadsheetWouldRunAsAFormulaIsEscapedButNegativeNumbersAreNot(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("formulas.csv");
        Files.writeString(
                data,
                "island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,note\n"
                        + "Dream,39.1,18.7,181,3750,\"=HYPERLINK(\"\"http://x.example\"\",\"\"y\"\")\"\n"
                        + "Dream,39.1,18.7,181,3750,+1+cmd|' /C calc'!A0\n"
                        + "Dream,39.1,18.7,181,3750,-2+3\n"
                        + "Dream,39.1,18.7,181,3750,@SUM(A1:A2)\n"
                        + "Dream,39.1,18.7,181,3750,\"\tcmd\"\n"
                        + "Dream,39.1,18.7,181,3750,\"\r=1\"\n"
                        + "Dream,-39.1,18.7,181,3750,-1.5\n"
                        + "Dream,39.1,18.7,181,3750,+2.5e3\n"
                        + "Dream,39.1,18.7,181,3750,plain\n");
        Path out = dir.resolve("scored.csv");
        CardCommandTest.Result result = CardCommandTest.run(
                "score",
                "--model",
                CardFileTest.FIXTURES.resolve("species-nozipmap.onnx").toString(),
                "--data",
                data.toString(),
                "--out",
                out.toString());
        assertEquals(0, result.status(), result.err());
        String[] rows = Files.readString(out).split("\n(?=Dream)");
        List<String> notes = java.util.Arrays.stream(rows)
                .skip(1)
                .map(row -> row.strip().substring("Dream,".length()).replaceFirst(",(Adelie|Chinstrap|Gentoo),.*", ""))
                .toList();
        assertEquals(
                List.of(
                        "39.1,18.7,181,3750,\"'=HYPERLINK(\"\"http://x.example\"\",\"\"y\"\")\"",
                        "39.1,18.7,181,3750,\"'+1+cmd|' /C calc'!A0\"",
                        "39.1,18.7,181,3750,\"'-2+3\"",
                        "39.1,18.7,181,3750,\"'@SUM(A1:A2)\"",
                        "39.1,18.7,181,3750,\"'\tcmd\"",
                        "39.1,18.7,181,3750,\"'\r=1\"",
                        "-39.1,18.7,181,3750,-1.5",
                        "39.1,18.7,181,3750,+2.5e3",
                        "39.1,18.7,181,3750,plain"),
                notes);
    }

    private static final Path JSON_LINES = Path.of("src/test/resources/org/tabserve/fixtures/jsonl");

    private static CardCommandTest.Result score(Path data, Path out) {
        return CardCommandTest.run(
                "score",
                "--model",
                CardFileTest.FIXTURES.resolve("species-zipmap.onnx").toString(),
                "--data",
                data.toString(),
                "--out",
                out.toString());
    }

    /** pandas' JSON Lines of the penguins' rows (nulls included) scores to the very CSV pandas' CSV of them does. */
    @Test
    void aJsonLinesFileIsScoredToTheCsvItsRowsInCsvAre(@TempDir Path dir) throws IOException {
        CardCommandTest.Result fromLines = score(JSON_LINES.resolve("penguins.jsonl"), dir.resolve("from-lines.csv"));
        assertEquals(0, fromLines.status(), fromLines.err());
        CardCommandTest.Result fromCsv = score(JSON_LINES.resolve("penguins.csv"), dir.resolve("from-csv.csv"));
        assertEquals(0, fromCsv.status(), fromCsv.err());
        assertEquals(Files.readString(dir.resolve("from-csv.csv")), Files.readString(dir.resolve("from-lines.csv")));
        assertTrue(fromLines.err().contains("scored 333 rows"), fromLines.err());
    }

    /**
     * An {@code --out} named {@code .jsonl} is the CSV answer as JSON Lines: one object a row, keyed by the CSV's
     * columns, numbers as numbers, an empty cell as null, a label as a string.
     */
    @Test
    void anOutFileNamedJsonlIsTheCsvAnswerAsOneObjectARow(@TempDir Path dir) throws IOException {
        Path data = JSON_LINES.resolve("penguins.csv");
        assertEquals(0, score(data, dir.resolve("scored.csv")).status());
        CardCommandTest.Result result = score(data, dir.resolve("scored.jsonl"));
        assertEquals(0, result.status(), result.err());
        List<org.apache.commons.csv.CSVRecord> csv = org.apache.commons.csv.CSVFormat.DEFAULT
                .parse(Files.newBufferedReader(dir.resolve("scored.csv")))
                .getRecords();
        List<String> lines = Files.readAllLines(dir.resolve("scored.jsonl"));
        assertEquals(csv.size() - 1, lines.size(), "one line a row");
        List<String> columns = csv.get(0).toList();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int r = 0; r < lines.size(); r++) {
            com.fasterxml.jackson.databind.JsonNode row = json.readTree(lines.get(r));
            List<String> keys = new java.util.ArrayList<>();
            row.fieldNames().forEachRemaining(keys::add);
            assertEquals(columns, keys, "the CSV's columns, in order");
            for (int c = 0; c < columns.size(); c++) {
                String cell = csv.get(r + 1).get(c);
                com.fasterxml.jackson.databind.JsonNode value = row.get(columns.get(c));
                String where = "row " + (r + 1) + " " + columns.get(c);
                if (cell.isEmpty()) {
                    assertTrue(value.isNull(), where);
                } else if (columns.get(c).equals("island")
                        || columns.get(c).equals("sex")
                        || columns.get(c).equals("label")) {
                    assertEquals(cell, value.textValue(), where);
                } else {
                    assertTrue(value.isNumber(), where + ": " + value);
                    assertEquals(Double.parseDouble(cell), value.doubleValue(), where);
                }
            }
        }
    }
}
