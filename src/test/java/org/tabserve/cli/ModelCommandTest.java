package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cardmaking.CardFileTest;

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

    /**
     * Issue 61, item 10: a model path that is no regular file is refused by the check the server's load makes, in one
     * line naming what it is, before a byte of it or of the data is read; it was "cannot read /dev/zero: no such file"
     * from a check of the command's own.
     */
    @Test
    void devZeroAsTheModelIsRefusedByTheServersCheckNamingWhatItIs(@TempDir Path dir) {
        Path out = dir.resolve("scored.csv");
        for (String command : List.of("score", "card")) {
            List<String> args = new java.util.ArrayList<>(List.of(
                    command,
                    "--model",
                    "/dev/zero",
                    "--data",
                    CardFileTest.FIXTURES.resolve("species-nozipmap.inputs.csv").toString(),
                    "--out",
                    out.toString()));
            if (command.equals("card")) {
                args.addAll(List.of("--label", "species"));
            }
            CardCommandTest.Result result = CardCommandTest.run(args.toArray(String[]::new));
            assertEquals(CommandException.REFUSED, result.status(), result.err());
            assertEquals(
                    "tabserve " + command + ": cannot use the model: cannot serve model /dev/zero: it is a character"
                            + " device, not a regular file",
                    result.err().strip());
            assertFalse(Files.exists(out));
        }
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
