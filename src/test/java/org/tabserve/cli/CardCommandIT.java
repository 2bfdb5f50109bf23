package org.tabserve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cardmaking.CardFileTest;
import org.tabserve.testing.TabserveProcess;

/** The packaged WAR's {@code card} command, then the WAR serving what it wrote: the card page shows the card. */
class CardCommandIT {

    @Test
    void theWarsCardCommandWritesACardThatTheWarServes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("penguins.onnx");
        Process card = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        TabserveProcess.war().toString(),
                        "card",
                        "--model",
                        CardFileTest.FIXTURES.resolve("species-nozipmap.onnx").toString(),
                        "--data",
                        "data/penguins.csv",
                        "--label",
                        "species",
                        "--out",
                        out.toString(),
                        "--name",
                        "penguin-species",
                        "--class-names",
                        "Adelie=Adélie penguin")
                .redirectErrorStream(true)
                .start();
        String said = new String(card.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(card.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, card.exitValue(), said);
        assertTrue(said.startsWith("card: class names Adélie penguin = Adelie; a 'species' cell may be either"), said);
        assertTrue(
                said.lines()
                        .anyMatch(line -> line.startsWith(
                                "card: wrote " + out + " with the card of 344 rows of penguins.csv; accuracy 0.9855")),
                said);

        Process refused = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        TabserveProcess.war().toString(),
                        "card",
                        "--model",
                        out.toString(),
                        "--data",
                        "data/penguins.csv",
                        "--label",
                        "species",
                        "--out",
                        out.toString())
                .redirectErrorStream(true)
                .start();
        List<String> lines = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .toList();
        assertTrue(refused.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, refused.exitValue());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("tabserve card: --out "), lines.get(0));

        TabserveProcess server = TabserveProcess.startReady("--model", out.toString());
        try {
            HttpResponse<String> page = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(server.uri("/card"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            String html = page.body();
            assertTrue(html.contains("penguin-species"), "the card's name");
            assertTrue(html.contains("Adélie penguin"), "the display name given with --class-names");
            assertTrue(html.contains("0.985"), "the accuracy measured by the card command");
            assertTrue(html.contains("<svg"), "the pictures");
            assertTrue(html.contains("bill_length_mm"), "a histogram of a number input");
        } finally {
            server.terminate(Duration.ofSeconds(30));
        }
        assertTrue(Files.size(out) > Files.size(CardFileTest.FIXTURES.resolve("species-nozipmap.onnx")));
    }

    /**
     * Issue 21, case 7: at the shipped heap, {@code score} and {@code card} of a 16 MB row of eight million cells
     * ended with an OutOfMemoryError (exit 3, only the JVM's "Terminating due to" line); now each refuses it with exit
     * 1 and one line naming the limit.
     */
    @Test
    void aRowPastTheRowLimitsAtTheShippedHeapIsOneLineAndExit1(@TempDir Path dir) throws Exception {
        Path data = ScoreCommandTest.wideCsv(dir, "variance,skewness,curtosis,entropy,class", 8_000_000);
        List<List<String>> commands = List.of(
                List.of(
                        "score",
                        "--model",
                        "model.onnx",
                        "--data",
                        data.toString(),
                        "--out",
                        dir.resolve("s.csv").toString()),
                List.of(
                        "card",
                        "--model",
                        "model.onnx",
                        "--data",
                        data.toString(),
                        "--label",
                        "class",
                        "--out",
                        dir.resolve("c.onnx").toString()));
        for (List<String> command : commands) {
            List<String> line = new java.util.ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m",
                    "-XX:+UseSerialGC",
                    "-XX:+ExitOnOutOfMemoryError",
                    "-jar",
                    TabserveProcess.war().toString()));
            line.addAll(command);
            Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
            List<String> said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, process.exitValue(), said.toString());
            assertEquals(
                    List.of("tabserve " + command.get(0) + ": wide.csv: row 0 (line 2) of the CSV has more than"
                            + " 10000 cells, the most a CSV row may have (fixed: no setting raises it)"),
                    said);
        }
    }
}
