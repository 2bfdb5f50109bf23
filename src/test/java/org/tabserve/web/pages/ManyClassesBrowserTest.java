package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.tabserve.cli.FixtureCards;
import org.tabserve.cli.IrisCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;

/**
 * The pages of models of many classes and many inputs in Chromium at 1280 px (issue 39, item 4), on the real
 * exporter's fixtures carded by the real {@code card} command: the 28-class SVC's form names the 7 most probable
 * classes and "others", its card's legend names every series its pictures draw, each colour once, and it tells its
 * confusion as a table; the 69-input model's form and card; neither page scrolls sideways. On the iris card the
 * confusion matrix's turned "true" clears every row name. Screenshots go to {@code target/screenshots/}.
 */
class ManyClassesBrowserTest extends ChromiumTests {

    private static final Path WIDE = CardedPagesBrowserTest.WIDE;

    @TempDir
    static Path cards;

    private static TabserveServer carded(String model, String label) throws IOException {
        Path out = cards.resolve(model + "-with-card.onnx");
        if (!Files.exists(out)) {
            FixtureCards.card(WIDE.resolve(model + ".onnx"), WIDE.resolve(model + ".labelled.csv"), label, out);
        }
        return TabserveServer.startReady("--model", out.toString());
    }

    /** The page fits 1280 px: {@code scrollWidth <= innerWidth}, as the done-when words it. */
    private static void assertFitsSideways(String page) {
        assertTrue(
                (Boolean) browser.js("return document.documentElement.scrollWidth <= window.innerWidth;"),
                () -> page + " scrolls sideways: " + browser.js("return document.documentElement.scrollWidth;"));
    }

    /** The CSS colour classes ({@code class-N}, {@code class-others}) of the bars the card's pictures draw. */
    private static Set<String> coloursDrawn() {
        Set<String> drawn = new HashSet<>();
        for (Object name : (List<?>) browser.js("return [...document.querySelectorAll('svg rect.bar')]"
                + ".flatMap(r => [...r.classList]).filter(c => c.startsWith('class-'));")) {
            drawn.add((String) name);
        }
        return drawn;
    }

    /**
     * The legend names every series drawn, with its colour and nothing else, each colour once; its entries stay
     * inside the page's panel and each swatch is centred on its own name's line.
     */
    private static List<String> assertLegendListsWhatIsDrawn() {
        List<WebElement> entries = browser.driver.findElements(By.cssSelector("ul.legend li"));
        List<String> swatches = entries.stream()
                .map(e -> e.findElement(By.className("swatch"))
                        .getAttribute("class")
                        .replace("swatch", "")
                        .trim())
                .toList();
        assertEquals(swatches.size(), new HashSet<>(swatches).size(), "a colour for two entries: " + swatches);
        assertEquals(coloursDrawn(), new HashSet<>(swatches), "the legend's colours are those drawn");
        long misplaced = browser.number("const main = document.querySelector('main').getBoundingClientRect();"
                + " return [...document.querySelectorAll('ul.legend li')].filter(li => {"
                + "  const s = li.querySelector('.swatch').getBoundingClientRect();"
                + "  const t = li.querySelector('span:not(.swatch)').getBoundingClientRect();"
                + "  return s.right > main.right || t.right > main.right"
                + "   || Math.abs((s.top + s.bottom) / 2 - (t.top + t.bottom) / 2) > 2; }).length;");
        assertEquals(0, misplaced, "legend entries outside the page or with a swatch off its name's line");
        return entries.stream().map(WebElement::getText).toList();
    }

    @Test
    void theFormOf28ClassesNamesTheSevenMostProbableAndOthersAndAnswersAsScikitLearn() throws Exception {
        JsonNode expected =
                Http.JSON.readTree(WIDE.resolve("classes-28.expected.json").toFile());
        List<String> lines = Files.readAllLines(WIDE.resolve("classes-28.labelled.csv"));
        try (TabserveServer server = carded("classes-28", "tree")) {
            browser.driver.get(server.uri("/").toString());
            String f0 = browser.driver.findElement(By.name("f0")).getAttribute("value");
            String f1 = browser.driver.findElement(By.name("f1")).getAttribute("value");
            int row = 0;
            for (int i = 1; i < lines.size() && row == 0; i++) {
                String[] cells = lines.get(i).split(",");
                row = Double.parseDouble(cells[0]) == Double.parseDouble(f0)
                                && Double.parseDouble(cells[1]) == Double.parseDouble(f1)
                        ? i
                        : 0;
            }
            assertTrue(row > 0, "the form is filled with a row of the data");
            browser.navigate(browser.byId("submit"));
            List<WebElement> bars = browser.driver.findElements(By.cssSelector("table.bars tr"));
            assertEquals(8, bars.size(), "7 classes and others");
            assertEquals(
                    expected.path("rows").get(row - 1).path("label").asText(),
                    browser.driver
                            .findElement(By.cssSelector("table.bars tr.predicted"))
                            .getAttribute("data-label"),
                    "scikit-learn's class");
            assertEquals(
                    "others (21 classes)",
                    bars.get(7).findElement(By.tagName("th")).getText());
            assertTrue(bars.get(7).getAttribute("class").contains("others"), "the last bar is others'");
            double total = 0;
            double previous = 101;
            for (WebElement bar : bars) {
                double percent = Double.parseDouble(
                        bar.findElement(By.cssSelector("td.percent")).getText().replace(" %", ""));
                total += percent;
                if (!bar.getAttribute("class").contains("others")) {
                    assertTrue(percent <= previous, "most probable first");
                    previous = percent;
                }
            }
            assertEquals(100, total, 0.5, "the shares shown and others add up to all");
            assertFitsSideways("the 28-class form");
            browser.shoot("form-28-classes", Chromium.DESKTOP);
        }
    }

    @Test
    void theCardOf28ClassesHasALegendOfWhatItDrawsAndTheMostConfusedPairs() throws Exception {
        try (TabserveServer server = carded("classes-28", "tree")) {
            browser.driver.get(server.uri("/model").toString());
            List<String> legend = assertLegendListsWhatIsDrawn();
            assertEquals(8, legend.size(), legend.toString());
            assertEquals("others (21 classes)", legend.get(7));
            assertTrue(browser.present(By.id("confusion-matrix")).isEmpty(), "no matrix of 28 classes");
            List<WebElement> pairs = browser.driver.findElements(By.cssSelector("#confused-pairs tbody tr"));
            assertTrue(!pairs.isEmpty() && pairs.size() <= MostConfused.PAIRS, "pairs: " + pairs.size());
            assertEquals(
                    28,
                    browser.driver
                            .findElements(By.cssSelector("table.metrics"))
                            .get(1)
                            .findElements(By.cssSelector("tbody tr"))
                            .size(),
                    "per-class precision and recall, every class");
            assertFitsSideways("the 28-class card");
            browser.shoot("card-28-classes", Chromium.DESKTOP);
        }
    }

    @Test
    void theFormAndCardOf69InputsFitThePage() throws Exception {
        try (TabserveServer server = carded("wide-69", "label")) {
            browser.driver.get(server.uri("/").toString());
            browser.navigate(browser.byId("submit"));
            assertEquals(
                    2,
                    browser.driver.findElements(By.cssSelector("table.bars tr")).size());
            assertFitsSideways("the 69-input form");
            browser.shoot("form-69-inputs-answered", Chromium.DESKTOP);
            browser.driver.get(server.uri("/model").toString());
            assertEquals(
                    1,
                    browser.driver
                            .findElements(By.cssSelector("#input-table tbody tr"))
                            .size(),
                    "one line for the tensor of 69 like columns");
            assertEquals(List.of("0", "1"), assertLegendListsWhatIsDrawn());
            assertFitsSideways("the 69-input card");
            browser.shoot("card-69-inputs", Chromium.DESKTOP);
        }
    }

    @Test
    void theIrisMatrixTurnedTrueClearsEveryRowName() throws Exception {
        IrisCards.Run run =
                IrisCards.card(cards, "iris-single-tensor", "--class-names", String.join(",", IrisCards.SPECIES));
        assertEquals(0, run.status(), run.err());
        try (TabserveServer server =
                TabserveServer.startReady("--model", run.model().toString())) {
            browser.driver.get(server.uri("/model").toString());
            WebElement matrix = browser.byId("confusion-matrix");
            long overlaps = browser.number(
                    "const svg = arguments[0];"
                            + " const name = svg.querySelector('text.y-name').getBoundingClientRect();"
                            + " return [...svg.querySelectorAll('text.row-name')].map(t => t.getBoundingClientRect())"
                            + ".filter(r => r.left < name.right + 2 && r.top < name.bottom && name.top < r.bottom).length"
                            + " + (name.left < svg.getBoundingClientRect().left ? 1 : 0);",
                    matrix);
            assertEquals(0, overlaps, "\"true\" overlaps a row name or leaves the picture");
            assertEquals(3, matrix.findElements(By.cssSelector("text.row-name")).size());
            assertFitsSideways("the iris card");
            browser.shoot("card-iris-confusion", Chromium.DESKTOP);
        }
    }
}
