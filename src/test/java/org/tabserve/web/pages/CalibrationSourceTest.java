package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.ConformalCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;

/**
 * Issue 51, item 4: the card page says where its calibration curve came from, and warns when those are the rows the
 * card was made from (card without {@code --eval}: the training rows, on which a boosted model's estimated accuracy,
 * read from the curve, ran 4 to 5 points high); a curve from held-out rows ({@code --eval}) is not
 * warned about.
 */
class CalibrationSourceTest {

    @TempDir
    static Path dir;

    static TabserveServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        Path models = java.nio.file.Files.createDirectory(dir.resolve("models"));
        ConformalCards.copyModels(models);
        org.tabserve.cli.FixtureCards.card(
                ConformalCards.FIXTURES.resolve("banknote-class-weak.onnx"),
                ConformalCards.FIXTURES.resolve("train.csv"),
                "class",
                models.resolve("heldout.onnx"),
                "--eval",
                ConformalCards.FIXTURES.resolve("calibration.csv").toString());
        server = TabserveServer.startReady("--models", models.toString());
        http = new Http(server);
        org.tabserve.testing.ModelDirectory.awaitReady(http, 3);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aCurveFromTheCardsOwnRowsSaysSoAndWarns() {
        Document page = Jsoup.parse(http.get("/models/forged/card").text());
        assertNotNull(page.selectFirst("#calibration-figure"), "a binary classifier's curve");
        String source = Http.textOf(page, "#calibration-source");
        assertTrue(source.contains("train.csv"), source);
        // Before: the curve said nothing of its rows, and nothing warned that they were the training rows.
        String warning = Http.textOf(page, "#calibration-training-warning");
        assertTrue(warning.contains("trained on") && warning.contains("estimated accuracy"), warning);
    }

    @Test
    void aCurveFromHeldOutRowsIsNotWarnedAbout() {
        Document page = Jsoup.parse(http.get("/models/heldout/card").text());
        assertNotNull(page.selectFirst("#calibration-figure"), "the curve of a card made with --eval");
        String source = Http.textOf(page, "#calibration-source");
        assertTrue(source.startsWith("Measured on") && source.contains("calibration.csv"), source);
        assertNull(page.selectFirst("#calibration-training-warning"));
    }
}
