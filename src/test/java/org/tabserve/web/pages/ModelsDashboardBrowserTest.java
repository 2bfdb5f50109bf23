package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tabserve.cli.FixtureCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.web.pages.plots.Sparkline;

/**
 * Issue 39, item 6, its last part: the models dashboard of a directory of six model versions, among them the
 * exporter's 28-class and 69-input fixtures, in Chromium. Each card draws the last hour as three sparklines
 * (requests, p99, worst drift) with their words for screen readers; the page fits 1280 and 360 px with no sideways
 * scroll; and requests sent while it is open show in a card's figures and its requests line once the page has
 * refreshed itself, with no reload. Screenshots: {@code target/screenshots/models-dashboard-1280.png} and
 * {@code -360.png}.
 */
class ModelsDashboardBrowserTest extends ChromiumTests {

    private static final Path WIDE = CardedPagesBrowserTest.WIDE;
    /** The page refreshes every 10 s; this bounds the wait for a refresh to show what was sent. */
    private static final Duration REFRESHED = Duration.ofSeconds(25);

    @TempDir
    static Path cards;

    /** The page fits its width, as the done-when words it: {@code scrollWidth <= clientWidth}. */
    private static void assertFitsSideways(Dimension size) {
        browser.size(size);
        assertTrue(
                (Boolean) browser.js(
                        "return document.documentElement.scrollWidth" + " <= document.documentElement.clientWidth;"),
                () -> size + ": the page scrolls sideways to "
                        + browser.js("return document.documentElement.scrollWidth;"));
        long outside = browser.number("return [...document.querySelectorAll('#models tbody')].flatMap(card => {"
                + " const edge = card.getBoundingClientRect();"
                + " return [...card.querySelectorAll('.spark svg, .spark-name, .spark-figures')]"
                + "  .filter(e => e.getBoundingClientRect().right > edge.right + 0.5"
                + "   || e.getBoundingClientRect().left < edge.left - 0.5); }).length;");
        assertEquals(0, outside, size + ": a sparkline or its figures stick out of their card");
    }

    /** The card of a model version. */
    private static WebElement card(String name, String version) {
        return browser.driver.findElement(
                By.cssSelector("tbody[data-model='" + name + "'][data-version='" + version + "']"));
    }

    /** The hour's total the card's requests sparkline shows, read afresh (a refresh replaces the cards). */
    private static long requestsInTheHour(String name) {
        return Long.parseLong(card(name, "1")
                .findElement(By.cssSelector(".spark-requests .spark-total"))
                .getText());
    }

    @Test
    void theDashboardDrawsTheLastHourFitsBothWidthsAndShowsNewRequestsWhenItRefreshesItself() throws Exception {
        ModelDirectory dir = ModelDirectory.withFourModels();
        dir.copy(
                FixtureCards.card(
                        WIDE.resolve("wide-69.onnx"),
                        WIDE.resolve("wide-69.labelled.csv"),
                        "label",
                        cards.resolve("wide-69-with-card.onnx")),
                "wide-69.onnx");
        dir.copy(WIDE.resolve("classes-28.onnx"), "classes-28.onnx");
        try (TabserveServer server =
                TabserveServer.startReady(Map.of(), "--models", dir.root().toString())) {
            Http served = new Http(server);
            ModelDirectory.awaitReady(served, 6);
            served.postJson(
                            "/models/banknote/versions/2/api/predict",
                            "{\"instances\": ["
                                    + String.join(
                                            ",",
                                            Collections.nCopies(
                                                    480,
                                                    "{\"variance\": 50, \"skewness\": 1, \"curtosis\": 1,"
                                                            + " \"entropy\": -1}"))
                                    + "]}")
                    .json();
            served.postJson("/models/species/api/predict", "{\"instances\": [{\"island\": \"Torgersen\"}]}");
            served.postJson("/models/species/api/predict", "{\"instances\": [" + ModelDirectory.PENGUIN + "]}")
                    .json();
            String wideRows = rows(WIDE.resolve("wide-69.labelled.csv"), 600);
            served.postJson("/models/wide-69/api/predict", wideRows).json();

            browser.driver.get(server.uri("/models").toString());
            // The page holds its refresh while its table is in use (a focused link), so that what is read here is
            // one table; the refresh is let go below, where it is what is checked.
            browser.js("document.querySelector('#models a').focus();");
            List<WebElement> cardsShown = browser.driver.findElements(By.cssSelector("#models tbody[data-model]"));
            assertEquals(6, cardsShown.size(), "every version a card");
            for (WebElement card : cardsShown) {
                List<WebElement> lines = card.findElements(By.cssSelector(".spark svg"));
                assertEquals(3, lines.size(), card.getAttribute("data-model") + ": requests, p99 and worst drift");
                for (WebElement line : lines) {
                    String label = line.getAttribute("aria-label");
                    assertTrue(label.contains("each minute of the last 60 minutes"), label);
                    assertEquals(label, line.findElement(By.tagName("title")).getAttribute("textContent"));
                    assertTrue(line.getSize().getWidth() > 60, "a sparkline too narrow to read: " + line.getSize());
                }
            }
            WebElement drifted = card("banknote", "2");
            assertTrue(
                    drifted.findElement(By.cssSelector(".spark-drift"))
                            .getAttribute("class")
                            .contains("sev-bad"),
                    "the drift line of a large drift is coloured as trouble");
            assertFalse(
                    drifted.findElements(By.cssSelector(".spark-drift path")).isEmpty(),
                    "the page's own reading sampled the drift it drew");
            assertTrue(
                    card("wide-69", "1")
                            .findElement(By.cssSelector(".spark-drift svg"))
                            .getAttribute("aria-label")
                            .contains("latest"),
                    "the 69-input model's drift, from its 600 rows");
            for (Dimension size : List.of(Chromium.DESKTOP, Chromium.PHONE)) {
                assertFitsSideways(size);
            }
            browser.size(Chromium.DESKTOP);
            browser.js("document.activeElement.blur();"); // the table is let go: the page refreshes itself again

            // Requests sent while the page is open show once it has refreshed itself: no reload (the mark set on
            // this window stays), the hour's total and the requests line grow.
            browser.js("window.dashboardMark = 'still this page';");
            long before = requestsInTheHour("classes-28");
            assertEquals(0, before, "no request yet");
            String row = rows(WIDE.resolve("classes-28.labelled.csv"), 1);
            int sent = 7;
            for (int i = 0; i < sent; i++) {
                served.postJson("/models/classes-28/api/predict", row).json();
            }
            new WebDriverWait(browser.driver, REFRESHED)
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(d -> requestsInTheHour("classes-28") == before + sent);
            assertEquals("still this page", browser.js("return window.dashboardMark;"), "the page was reloaded");
            WebElement requests = card("classes-28", "1").findElement(By.cssSelector(".spark-requests"));
            assertTrue(requests.findElement(By.tagName("svg"))
                    .getAttribute("aria-label")
                    .endsWith(sent + " in all"));
            double highest = ((Number) browser.js(
                            "const box = arguments[0].getBBox(); return box.y;",
                            requests.findElement(By.tagName("path"))))
                    .doubleValue();
            assertTrue(
                    highest < Sparkline.HEIGHT / 2.0,
                    "the requests line rises to the minute of the requests: top at " + highest);
            assertEquals(
                    Long.toString(sent),
                    card("classes-28", "1")
                            .findElement(By.cssSelector(".count-requests"))
                            .getText(),
                    "the five minutes' figure too");
            for (Dimension size : List.of(Chromium.DESKTOP, Chromium.PHONE)) {
                assertFitsSideways(size);
            }
            browser.shoot("models-dashboard-1280", Chromium.DESKTOP);
            browser.shoot("models-dashboard-360", Chromium.PHONE);
        }
    }

    /** The first {@code count} rows of a fixture's labelled CSV, its last column (the label) left out, as a body. */
    private static String rows(Path csv, int count) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",");
        java.util.StringJoiner instances = new java.util.StringJoiner(",", "{\"instances\": [", "]}");
        for (int i = 1; i <= count; i++) {
            instances.add(FixtureCards.jsonObject(
                    header, lines.get(1 + (i - 1) % (lines.size() - 1)).split(","), header.length - 1));
        }
        return instances.toString();
    }
}
