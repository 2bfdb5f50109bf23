package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.card.CardFileTest;

/** What every command does alike: --help, an unknown option, an input it cannot read, a model it cannot use. */
class ModelCommandTest {

    @Test
    void helpPrintsTheUsageAndDoesNothingElse() {
        for (String command : Commands.NAMES) {
            CardCommandTest.Result result = CardCommandTest.run(command, "--help");
            assertEquals(0, result.status(), result.err());
            assertTrue(result.out().startsWith("usage: java -jar tabserve.war " + command + " "), result.out());
        }
    }

    @Test
    void anUnknownOptionIsAUsageErrorNamingIt() {
        CardCommandTest.Result result = CardCommandTest.run("score", "--modle", "m.onnx");
        assertEquals(CommandException.USAGE, result.status());
        assertTrue(result.err().contains("unknown argument '--modle'"), result.err());
    }

    @Test
    void anInputThatCannotBeReadIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) {
        Path out = dir.resolve("scored.csv");
        Path missing = dir.resolve("missing.csv");
        CardCommandTest.Result result = CardCommandTest.run(
                "score",
                "--model",
                CardFileTest.FIXTURES.resolve("species-nozipmap.onnx").toString(),
                "--data",
                missing.toString(),
                "--out",
                out.toString());
        assertEquals(CommandException.REFUSED, result.status());
        assertTrue(result.err().contains("score: cannot read " + missing + ": no such file"), result.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void aModelTheServerWouldRefuseIsRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path model = Files.writeString(dir.resolve("not-a-model.onnx"), "not ONNX");
        Path data = CardFileTest.FIXTURES.resolve("species-nozipmap.inputs.csv");
        CardCommandTest.Result result = CardCommandTest.run(
                "score",
                "--model",
                model.toString(),
                "--data",
                data.toString(),
                "--out",
                dir.resolve("scored.csv").toString());
        assertEquals(CommandException.REFUSED, result.status());
        assertTrue(result.err().startsWith("tabserve score: cannot use the model: "), result.err());
        assertEquals(1, result.err().strip().lines().count(), result.err());
    }
}
