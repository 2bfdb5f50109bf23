package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lines docs/models.md's ONNX quick start quotes of its {@code card} command ({@code `card: conformal coverage
 * 0.80: ... mean set size 0.8200`}, which its prose explains) are the lines that command prints: the block's own
 * {@code card} command, as written there, run here with its {@code --out} in a scratch folder.
 */
class QuickStartCardLinesTest {

    private static final String HEADING = "## Quick start: your own ONNX model";
    private static final String WAR = "java -jar target/tabserve.war ";
    private static final Pattern QUOTED = Pattern.compile("`(card: [^`]+)`");

    @Test
    void theLinesTheQuickStartQuotesAreTheLinesItsCardCommandPrints(@TempDir Path dir) throws IOException {
        String models = Files.readString(Path.of("docs/models.md"), StandardCharsets.UTF_8);
        int start = models.indexOf("\n" + HEADING + "\n");
        assertTrue(start >= 0, "docs/models.md has " + HEADING);
        String section = models.substring(start, models.indexOf("\n## ", start + 1));
        int block = section.indexOf("```sh\n");
        String command = section.substring(section.indexOf(WAR + "card ", block), section.indexOf("\n# 2.", block))
                .replace("\\\n", " ");
        List<String> args = new ArrayList<>(
                Arrays.asList(command.substring(WAR.length()).strip().split("\\s+")));
        args.set(args.indexOf("--out") + 1, dir.resolve("iris.onnx").toString());
        CardCommandTest.Result result = CardCommandTest.run(args.toArray(String[]::new));
        assertEquals(0, result.status(), result.err());
        List<String> printed = result.out().lines().toList();
        Matcher quoted = QUOTED.matcher(
                section.substring(section.indexOf("```\n", block)).replace("\n", " "));
        int lines = 0;
        while (quoted.find()) {
            String line = quoted.group(1);
            if (line.startsWith("card: wrote ")) { // the docs' --out, where this run writes elsewhere
                line = line.replace("target/iris.onnx", dir.resolve("iris.onnx").toString());
            }
            lines++;
            assertTrue(printed.contains(line), "models.md quotes `" + line + "`; card printed:\n" + result.out());
        }
        assertTrue(lines >= 4, "the quick start quotes card's lines: " + lines);
    }
}
