package org.tabserve.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.TabserveProcess;
import org.tabserve.card.CardFileTest;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged WAR's {@code card} command, then the WAR serving what it wrote: the card page shows the card. */
class CardCommandIT {

    @Test
    void theWarsCardCommandWritesACardThatTheWarServes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("penguins.onnx");
        Process card = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                TabserveProcess.war().toString(), "card", "--model",
                CardFileTest.FIXTURES.resolve("species-nozipmap.onnx").toString(), "--data", "data/penguins.csv",
                "--label", "species", "--out", out.toString(), "--name", "penguin-species",
                "--class-names", "Adelie=Adélie penguin").redirectErrorStream(true).start();
        String said = new String(card.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(card.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, card.exitValue(), said);
        assertTrue(said.startsWith("card: wrote " + out + " with the card of 344 rows of penguins.csv; accuracy 0.9855"),
                said);

        Process refused = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                TabserveProcess.war().toString(), "card", "--model", out.toString(), "--data", "data/penguins.csv",
                "--label", "species", "--out", out.toString()).redirectErrorStream(true).start();
        List<String> lines = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(refused.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, refused.exitValue());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("tabserve card: --out "), lines.get(0));

        TabserveProcess server = TabserveProcess.startReady("--model", out.toString());
        try {
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri("/model"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
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
}
