package org.tabserve.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.card.CardFileTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code score}: the upload's CSV answer, written to a file or stdout, and nothing for a file with a bad row. */
class ScoreCommandTest {

    @Test
    void scoresEveryRowWithTheUploadsAnswerColumns(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("scored.csv");
        Path data = CardFileTest.FIXTURES.resolve("species-nozipmap.inputs.csv");
        CardCommandTest.Result result = CardCommandTest.run("score", "--model",
                CardFileTest.FIXTURES.resolve("species-nozipmap.onnx").toString(), "--data", data.toString(),
                "--out", out.toString());
        assertEquals(0, result.status(), result.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals("island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,label,probability_Adelie,"
                + "probability_Chinstrap,probability_Gentoo", lines.get(0));
        assertEquals(Files.readAllLines(data).size(), lines.size());
        assertTrue(lines.get(1).startsWith("Torgersen,39.1,18.7,181,3750,Adelie,"), lines.get(1));
        assertTrue(result.err().contains("scored 344 rows"), result.err());
    }

    @Test
    void writesToStdoutWithADash() {
        CardCommandTest.Result result = CardCommandTest.run("score", "--model",
                CardFileTest.FIXTURES.resolve("body-mass-regressor.onnx").toString(), "--data",
                CardFileTest.FIXTURES.resolve("body-mass-regressor.inputs.csv").toString(), "--out", "-");
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().startsWith("species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,sex,value\n"),
                result.out());
    }

    @Test
    void aFileWithABadRowWritesNothing(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("bad.csv");
        Files.write(data, List.of("island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g",
                "Dream,39.1,18.7,181,3750", "Dream,long,18.7,181,3750"));
        Path out = dir.resolve("scored.csv");
        CardCommandTest.Result result = CardCommandTest.run("score", "--model",
                CardFileTest.FIXTURES.resolve("species-nozipmap.onnx").toString(), "--data", data.toString(),
                "--out", out.toString());
        assertEquals(1, result.status());
        assertTrue(result.err().startsWith("tabserve score: bad.csv: row 2:"), result.err());
        assertFalse(Files.exists(out));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(data), files.toList());
        }
    }
}
