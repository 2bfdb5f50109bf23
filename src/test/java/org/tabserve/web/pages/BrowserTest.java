package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tabserve.cardmaking.CardFileTest;
import org.tabserve.cli.FixtureCards;
import org.tabserve.cli.IrisCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * The pages as people use them, in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * driven by Selenium with the driver's path given, so nothing is downloaded). Each test's page is checked at desktop
 * width and at 360 px, and with {@code -Dtabserve.screenshots=true} screenshots of both are saved under
 * {@code target/screenshots/}. Without Chromium the tests are skipped, saying why.
 */
class BrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target/screenshots");
    static final Dimension DESKTOP = new Dimension(1280, 1100);
    static final Dimension PHONE = new Dimension(360, 1400);

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    /** Models with cards made by the real card command, for the card pages of other kinds of model. */
    @TempDir
    static Path cards;

    private static Path downloads;
    private static Chromium chromium;
    private static WebDriver browser;
    private String testName;

    /** The test JVM's Chromium ({@link Chromium#shared()}), as a new one, saving downloads without asking. */
    @BeforeAll
    static void startBrowser() throws IOException {
        chromium = Chromium.shared();
        downloads = chromium.downloads();
        browser = chromium.driver;
    }

    @AfterAll
    static void leaveBrowser() {
        chromium = null;
        browser = null;
    }

    @BeforeEach
    void desktop(TestInfo info) {
        testName = info.getTestMethod().orElseThrow().getName();
        browser.manage().window().setSize(DESKTOP);
    }

    @AfterEach
    void screenshotAtBothWidths() throws IOException {
        shoot("desktop", DESKTOP);
        shoot("360px", PHONE);
        Object overflow = js("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertTrue(
                ((Number) overflow).longValue() <= 0,
                () -> browser.getCurrentUrl() + " scrolls sideways at 360 px by " + overflow + " px");
    }

    /** The page at that width, and its whole-page screenshot as {@code <test>-<width>.png} ({@link Chromium#shoot}). */
    private void shoot(String width, Dimension size) throws IOException {
        chromium.shoot(testName + "-" + width, size);
    }

    /**
     * Holds the models page's self-refresh while a test reads it, as the page holds it for a person using its table (a
     * focused link): a refresh every 10 s swaps the table, and a check that reads it for longer (a loaded machine)
     * would hold elements of the table swapped out.
     */
    private static void holdRefresh() {
        js("var link = document.querySelector('#models a'); if (link) { link.focus(); }");
        assertTrue(
                (Boolean) js("return document.getElementById('models').contains(document.activeElement);"),
                "a link of the table has the focus");
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static void open(String path) {
        browser.get(http.uri(path).toString());
    }

    /**
     * The elements matching {@code by} in the page once it has loaded, for elements that may rightly be absent: the
     * implicit wait would spend its whole ten seconds proving an absence. The pages are rendered by the server (no
     * script adds elements to them), so once the document is complete what is missing stays missing.
     */
    private static List<WebElement> present(By by) {
        return chromium.present(by);
    }

    /** Clicks something that loads a new page and waits until the old page is gone, so reads see the new one. */
    private static void navigate(WebElement clickable) {
        chromium.navigate(clickable);
    }

    private static WebElement byId(String id) {
        return browser.findElement(By.id(id));
    }

    /** Types into a field, finding it again if the page was still settling (a stale node is retried, not fatal). */
    private static void type(String field, String text) {
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.WebDriverException.class)
                .until(d -> {
                    WebElement input = d.findElement(By.id(field));
                    input.clear();
                    input.sendKeys(text);
                    return text.equals(input.getAttribute("value"));
                });
    }

    private static BankNotes.Note firstOf(String label) {
        return BankNotes.all().stream()
                .filter(n -> n.label().equals(label))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void fillingTheFormAndSubmittingShowsTheClassAndItsProbabilityBars() {
        open("/");
        BankNotes.Note forged = firstOf("1");
        BankNotes.FEATURES.forEach(f -> type(f, forged.text().get(f)));
        navigate(byId("submit"));
        assertEquals("forged", byId("predicted").getText());
        List<WebElement> bars = browser.findElements(By.cssSelector("table.bars tr"));
        assertEquals(2, bars.size(), "one bar per class");
        double forgedProbability = Double.parseDouble(browser.findElement(By.cssSelector("tr[data-label='1'] progress"))
                .getAttribute("value"));
        assertTrue(forgedProbability > 0.5, "the predicted class has the longer bar");
        assertEquals(
                forged.text().get("variance"), byId("variance").getAttribute("value"), "the values stay in the form");
        assertTrue(present(By.id("warnings")).isEmpty(), "a data row needs no warning");
    }

    @Test
    void aBadValueIsShownNextToItsFieldWithTheTypedTextKept() {
        open("/");
        type("variance", "3,6x");
        navigate(byId("submit"));
        WebElement error = byId("variance-error");
        assertTrue(error.isDisplayed());
        assertTrue(error.getText().contains("variance"), error.getText());
        assertEquals("3,6x", byId("variance").getAttribute("value"), "what was typed is kept");
        assertEquals("true", byId("variance").getAttribute("aria-invalid"));
        assertTrue(byId("variance").getAttribute("aria-describedby").contains("variance-error"));
        assertTrue(
                byId("errors").getText().contains("One value"), byId("errors").getText());
        assertTrue(present(By.id("predicted")).isEmpty(), "no prediction for a bad value");
    }

    @Test
    void clickingAnExampleFillsTheFormWithThatRowAndItPredictsItsClass() {
        open("/");
        for (String example : List.of("genuine-2", "forged-1")) {
            WebElement link = byId("example-" + example);
            String title = link.getAttribute("title");
            navigate(link);
            for (String part : title.split(", ")) {
                String[] nameValue = part.split(" ", 2);
                assertEquals(
                        nameValue[1], byId(nameValue[0]).getAttribute("value"), example + " fills " + nameValue[0]);
            }
            navigate(byId("submit"));
            assertEquals(
                    example.replaceAll("-\\d+$", ""),
                    byId("predicted").getText(),
                    "an example from the data is predicted as its class");
        }
    }

    @Test
    void aValueBeyondTheTrainingRangeIsAnsweredWithAWarning() {
        open("/");
        type("variance", "30");
        navigate(byId("submit"));
        assertTrue(
                byId("warnings")
                        .getText()
                        .contains("the model has not seen a variance this high; treat the answer with care"),
                byId("warnings").getText());
    }

    @Test
    void theFormWorksFromTheKeyboardWithAVisibleFocus() {
        open("/?example=forged-1");
        WebElement body = browser.findElement(By.tagName("body"));
        body.sendKeys(Keys.TAB);
        List<String> visited = new ArrayList<>();
        for (int i = 0; i < 20 && !"variance".equals(active().getAttribute("id")); i++) {
            visited.add(active().getTagName() + "#" + active().getAttribute("id"));
            active().sendKeys(Keys.TAB);
        }
        assertEquals("variance", active().getAttribute("id"), () -> "Tab reaches the first field after " + visited);
        String outline = (String) js("return getComputedStyle(arguments[0]).outlineStyle;", active());
        assertNotEquals("none", outline, "the focused field shows its focus");
        active().sendKeys(Keys.ENTER);
        assertEquals("forged", byId("predicted").getText(), "Enter submits");
    }

    private static WebElement active() {
        return browser.switchTo().activeElement();
    }

    @Test
    void uploadingACsvShowsTheFirstRowsAndTheFullResultDownloads() throws IOException {
        List<BankNotes.Note> notes = new ArrayList<>(BankNotes.all().subList(0, 8));
        notes.addAll(BankNotes.all()
                .subList(BankNotes.all().size() - 7, BankNotes.all().size()));
        Path csv = Files.createTempFile("notes", ".csv");
        StringBuilder text = new StringBuilder("id,")
                .append(String.join(",", BankNotes.FEATURES))
                .append('\n');
        for (int i = 0; i < notes.size(); i++) {
            text.append("note-")
                    .append(i + 1)
                    .append(',')
                    .append(String.join(",", notes.get(i).text().values()))
                    .append('\n');
        }
        Files.writeString(csv, text, StandardCharsets.UTF_8);
        try {
            open("/");
            byId("file").sendKeys(csv.toAbsolutePath().toString());
            navigate(byId("preview"));
            assertTrue(
                    byId("summary").getText().contains("15 rows"),
                    byId("summary").getText());
            List<WebElement> rows = browser.findElements(By.cssSelector("#preview tbody tr"));
            assertEquals(org.tabserve.web.api.UploadPreview.PREVIEW_ROWS, rows.size(), "the first rows only");
            assertEquals(
                    "genuine", rows.get(0).findElements(By.tagName("td")).get(0).getText());

            byId("download-link").click();
            Path downloaded = awaitDownload("predictions.csv");
            try (CSVParser parser = CSVParser.parse(
                    downloaded,
                    StandardCharsets.UTF_8,
                    CSVFormat.DEFAULT
                            .builder()
                            .setHeader()
                            .setSkipHeaderRecord(true)
                            .get())) {
                List<CSVRecord> records = parser.getRecords();
                assertEquals(notes.size(), records.size(), "every row, not just the preview");
                assertEquals(
                        List.of(
                                "id",
                                "variance",
                                "skewness",
                                "curtosis",
                                "entropy",
                                "label",
                                "probability_0",
                                "probability_1"),
                        parser.getHeaderNames());
                for (int i = 0; i < notes.size(); i++) {
                    assertEquals("note-" + (i + 1), records.get(i).get("id"), "other columns are carried through");
                    assertEquals(notes.get(i).label(), records.get(i).get("label"), "row " + (i + 1));
                }
            }
        } finally {
            Files.deleteIfExists(csv);
        }
    }

    /**
     * Issue 79, item 3: a refused upload's page names each bad value's row, as the JSON refusal does, and links to the
     * form with "answer the other rows" ticked; uploaded again from there, every other row is answered.
     */
    @Test
    void aRefusedUploadNamesEachBadRowAndLinksToAnsweringTheOtherRows() throws IOException {
        Path csv = Files.createTempFile("bad-notes", ".csv");
        Files.writeString(
                csv,
                String.join(",", BankNotes.FEATURES) + "\n1,2,3,4\nabc,2,3,4\n,2,3,4\n5,6,7,8\n",
                StandardCharsets.UTF_8);
        try {
            open("/");
            byId("file").sendKeys(csv.toAbsolutePath().toString());
            navigate(byId("preview"));
            List<String> errors = browser.findElements(By.cssSelector("ul.errors li")).stream()
                    .map(WebElement::getText)
                    .toList();
            assertEquals(2, errors.size(), errors.toString());
            assertTrue(
                    errors.get(0).startsWith("Row 1, variance: ")
                            && errors.get(0).contains("'abc'"),
                    errors.get(0));
            assertTrue(errors.get(1).startsWith("Row 2, variance: missing value"), errors.get(1));

            navigate(byId("answer-the-other-rows"));
            assertTrue(byId("on_error").isSelected(), "the form comes back with the box ticked");
            byId("file").sendKeys(csv.toAbsolutePath().toString());
            navigate(byId("preview"));
            String summary = byId("summary").getText();
            assertTrue(summary.startsWith("2 rows scored"), summary);
            assertEquals(
                    4,
                    browser.findElements(By.cssSelector("#preview tbody tr")).size(),
                    "every row in its place, the bad ones with their errors");
        } finally {
            Files.deleteIfExists(csv);
        }
    }

    private static Path awaitDownload(String name) {
        Path file = downloads.resolve(name);
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> Files.isRegularFile(file) && !Files.exists(downloads.resolve(name + ".crdownload")));
        return file;
    }

    @Test
    void theModelCardShowsTheDataTheMetricsAndItsPicturesAsInlineSvg() {
        open("/");
        navigate(browser.findElement(By.linkText("How this model was made and how well it does")));
        assertTrue(browser.getCurrentUrl().endsWith("/card"));
        String data = byId("data-facts").getText();
        assertTrue(
                data.contains("BankNote_Authentication.csv") && data.contains("1372") && data.contains("CC BY 4.0"),
                data);
        assertEquals("1.000", byId("accuracy").getText());

        WebElement matrix = byId("confusion-matrix");
        List<String> counts = matrix.findElements(By.cssSelector("text.count")).stream()
                .map(WebElement::getText)
                .toList();
        assertEquals(List.of("229", "0", "0", "183"), counts, "true class by row, predicted by column");
        assertEquals(4, matrix.findElements(By.cssSelector("rect.cell")).size());

        for (String feature : BankNotes.FEATURES) {
            WebElement chart = byId("histogram-" + feature);
            List<WebElement> bars = chart.findElements(By.cssSelector("rect.bar"));
            assertFalse(bars.isEmpty(), feature + " has bars");
            assertTrue(
                    bars.stream().anyMatch(b -> b.getAttribute("class").contains("class-0"))
                            && bars.stream()
                                    .anyMatch(b -> b.getAttribute("class").contains("class-1")),
                    "both classes drawn");
            assertTrue(chart.getSize().getWidth() > 100, feature + " is drawn at a readable size");
        }
    }

    /** Serves {@code model} on its own server and opens its card page; close the server after the test. */
    private static TabserveServer openCardOf(Path model) throws IOException, InterruptedException {
        TabserveServer server = TabserveServer.startReady("--model", model.toString());
        browser.get(server.uri("/card").toString());
        return server;
    }

    /** A figure as the page shows it (three decimals) and as the card holds it ({@code <data value>}). */
    private static void assertFigure(String id, double expected) {
        WebElement figure = byId(id);
        assertEquals(expected, Double.parseDouble(figure.getAttribute("value")), 1e-6, id + " as the card holds it");
        assertEquals(String.format(Locale.ROOT, "%.3f", expected), figure.getText(), id + " as people read it");
    }

    private static void assertDrawn(String svgId, String shapes, int atLeast) {
        WebElement svg = byId(svgId);
        int found = svg.findElements(By.cssSelector(shapes)).size();
        assertTrue(found >= atLeast, svgId + " has " + found + " " + shapes + ", expected at least " + atLeast);
        assertTrue(svg.getSize().getWidth() > 100, svgId + " is drawn at a readable size");
    }

    @Test
    void aRegressorsCardShowsItsErrorsAScatterWithTheDiagonalAndItsResiduals() throws Exception {
        var sklearn = FixtureCards.sklearn("body-mass-regressor");
        try (TabserveServer server = openCardOf(FixtureCards.card(cards, "body-mass-regressor", "body_mass_g"))) {
            assertFigure("r2", sklearn.get("r2_score").asDouble());
            assertEquals(
                    1,
                    Double.parseDouble(byId("mae").getAttribute("value"))
                            / sklearn.get("mean_absolute_error").asDouble(),
                    1e-6);
            int rows = sklearn.get("rows").asInt();
            assertEquals(
                    rows,
                    byId("scatter").findElements(By.cssSelector("circle.dot")).size(),
                    "a dot per row");
            assertDrawn("scatter", "line.diagonal", 1);
            assertDrawn("residual-histogram", "rect.bar", 3);
            long inResidualBars = byId("residual-histogram").findElements(By.cssSelector("rect.bar title")).stream()
                    .mapToLong(t -> Long.parseLong(t.getAttribute("textContent").split(" ", 2)[0]))
                    .sum();
            assertEquals(rows, inResidualBars, "every row in one residual bar");
            assertDrawn("histogram-bill_length_mm", "rect.bar", 3);
            assertDrawn("categories-species", "rect.bar", 3);
            assertTrue(present(By.id("roc-curve")).isEmpty(), "a regressor has no ROC curve");
        }
    }

    @Test
    void aBinaryClassifiersCardShowsItsRocCurveWithItsAucAndACalibrationPlot() throws Exception {
        var sklearn = FixtureCards.sklearn("int64-column");
        try (TabserveServer server =
                openCardOf(FixtureCards.card(cards, "int64-column", "sex", "--class-names", "0=female,1=male"))) {
            assertFigure("roc-auc", sklearn.get("roc_auc_score").asDouble());
            assertEquals(
                    String.format(
                            Locale.ROOT, "%.3f", sklearn.get("accuracy_score").asDouble()),
                    byId("accuracy").getText());
            assertDrawn("roc-curve", "polyline.curve", 1);
            assertDrawn("roc-curve", "line.diagonal", 1);
            assertDrawn("calibration", "circle.dot", 2);
            assertDrawn("calibration", "line.diagonal", 1);
            long calibrated = byId("calibration").findElements(By.cssSelector("circle.dot title")).stream()
                    .mapToLong(t -> Long.parseLong(t.getAttribute("textContent").split(" ", 2)[0]))
                    .sum();
            assertEquals(sklearn.get("rows").asInt(), calibrated, "every row in one calibration bin");
            List<WebElement> islandBars = byId("categories-island").findElements(By.cssSelector("rect.bar"));
            assertTrue(
                    islandBars.stream().anyMatch(b -> b.getAttribute("class").contains("class-0"))
                            && islandBars.stream()
                                    .anyMatch(b -> b.getAttribute("class").contains("class-1")),
                    "island's counts per class");
        }
    }

    @Test
    void aThreeClassCardShowsItsConfusionMatrixAndItsTextInputsPerClass() throws Exception {
        var sklearn = FixtureCards.sklearn("species-zipmap");
        try (TabserveServer server = openCardOf(FixtureCards.card(cards, "species-zipmap", "species"))) {
            assertEquals(
                    String.format(
                            Locale.ROOT, "%.3f", sklearn.get("accuracy_score").asDouble()),
                    byId("accuracy").getText());
            List<String> expected = new ArrayList<>();
            sklearn.get("confusion_matrix").get("counts").forEach(row -> row.forEach(c -> expected.add(c.asText())));
            assertEquals(
                    expected,
                    byId("confusion-matrix").findElements(By.cssSelector("text.count")).stream()
                            .map(WebElement::getText)
                            .toList(),
                    "scikit-learn's confusion matrix");
            assertDrawn("categories-island", "rect.bar", 5);
            assertDrawn("categories-sex", "rect.bar", 6);
            assertDrawn("histogram-body_mass_g", "rect.bar", 3);
            assertTrue(present(By.id("roc-curve")).isEmpty(), "three classes: no ROC curve");
        }
    }

    @Test
    void aModelWithoutACardSaysSoAndShowsTheCommandWithItsInputs() throws Exception {
        try (TabserveServer server = openCardOf(CardFileTest.FIXTURES.resolve("species-zipmap.onnx"))) {
            assertTrue(
                    byId("no-card").getText().contains("no card"),
                    byId("no-card").getText());
            assertEquals(
                    "java -jar tabserve.war card --model species-zipmap.onnx --data labelled.csv --label <column>"
                            + " --out species-zipmap-with-card.onnx",
                    byId("card-command").getText());
            String header = Files.readAllLines(CardFileTest.FIXTURES.resolve("species-zipmap.inputs.csv"))
                    .get(0);
            assertEquals(header.replace(",", ", "), byId("card-columns").getText());
            assertNotNull(byId("input-table"));
            assertTrue(present(By.tagName("svg")).isEmpty(), "no pictures without a card");
        }
    }

    /**
     * A single-tensor model (iris, one float input [N, 4], classes 0, 1, 2) carded with the CSV's header names and
     * --class-names: its form asks for sepal_length and the rest, not f0..f3, and names the predicted species.
     */
    @Test
    void aSingleTensorModelCardedWithNamesHasAFormOfThoseNames() throws Exception {
        IrisCards.Run run =
                IrisCards.card(cards, "iris-single-tensor", "--class-names", String.join(",", IrisCards.SPECIES));
        assertEquals(0, run.status(), run.err());
        try (TabserveServer server =
                TabserveServer.startReady("--model", run.model().toString())) {
            browser.get(server.uri("/").toString());
            for (String feature : IrisCards.FEATURES) {
                assertEquals(
                        feature,
                        browser.findElement(By.cssSelector("label[for=" + feature + "]"))
                                .getText()
                                .split("\\s")[0],
                        "the field's label");
            }
            assertTrue(present(By.id("f0")).isEmpty(), "no f0 field");
            JsonNode virginica = IrisCards.expected("iris-single-tensor")
                    .get("rows")
                    .get(100)
                    .get("inputs");
            IrisCards.FEATURES.forEach(f -> type(f, virginica.get(f).asText()));
            navigate(byId("submit"));
            assertEquals("virginica", byId("predicted").getText());
        }
    }

    /**
     * A directory of models as people browse it: the index lists the species classifier (text inputs) served from a
     * repository; its link opens its form, the form predicts, and the card link opens its card, and every link and
     * form on those pages stays on that model's routes rather than the root routes (which answer for another model).
     */
    @Test
    void fromTheIndexOfModelsToAModelsFormItsAnswerAndItsCard() throws Exception {
        ModelDirectory dir = ModelDirectory.withFourModels();
        try (TabserveServer server =
                TabserveServer.startReady(Map.of(), "--models", dir.root().toString(), "--default-model", "banknote")) {
            // The ready line comes once the server listens; the models finish loading after it.
            ModelDirectory.awaitIndex(new Http(server), index -> ModelDirectory.has(index, "species", "1", "READY"));
            browser.get(server.uri("/models").toString());
            WebElement species = browser.findElement(By.cssSelector("tbody[data-model='species']"));
            assertTrue(species.getText().contains("loaded"), species.getText());
            navigate(species.findElement(By.cssSelector("a.form")));
            String base = "/models/species/versions/1/";
            assertEquals(server.uri(base).toString(), browser.getCurrentUrl());
            assertLinksStayOn(base);

            Map<String, String> penguin = Map.of(
                    "island",
                    "Torgersen",
                    "bill_length_mm",
                    "39.1",
                    "bill_depth_mm",
                    "18.7",
                    "flipper_length_mm",
                    "181",
                    "body_mass_g",
                    "3750",
                    "sex",
                    "MALE");
            penguin.forEach(BrowserTest::enter);
            navigate(byId("submit"));
            assertEquals("Adelie", byId("predicted").getText(), "the species model answered, not the default one");
            assertTrue(browser.getCurrentUrl().startsWith(server.uri(base).toString()), browser.getCurrentUrl());
            assertLinksStayOn(base);

            navigate(browser.findElement(By.linkText("model card")));
            assertEquals(server.uri(base + "card").toString(), browser.getCurrentUrl());
            String card = browser.findElement(By.tagName("main")).getText();
            assertTrue(card.contains("Gentoo") && !card.contains("forged"), "the species model's card, not another's");
            assertLinksStayOn(base);
            navigate(browser.findElement(By.partialLinkText("Try the model")));
            assertEquals(server.uri(base).toString(), browser.getCurrentUrl(), "the card leads back to its own form");
        }
    }

    /**
     * Issue 23 item 6: the models page of a directory with broken models (one cut short, one whose outputs tabserve
     * cannot read) at 1920 and 1280 px: the table stays inside its panel, every link is on screen, and the reasons
     * wrap and say what is wrong in words, with no path of the server and no Java class name.
     */
    @Test
    void theModelsPageWithBrokenModelsFitsItsPanelAndSaysWhyInWords() throws Exception {
        ModelDirectory dir = ModelDirectory.withFourModels();
        Path species = Path.of("src/test/resources/org/tabserve/fixtures/penguins/species-nozipmap.onnx");
        byte[] whole = Files.readAllBytes(species);
        Files.write(dir.root().resolve("truncated.onnx"), java.util.Arrays.copyOf(whole, whole.length / 2));
        try (java.io.OutputStream out = Files.newOutputStream(dir.root().resolve("unreadable-outputs.onnx"))) {
            org.tabserve.model.onnx.graph.MetadataWriter.write(
                    java.nio.ByteBuffer.wrap(whole), Map.of(org.tabserve.model.card.CardKeys.TASK, "regression"), out);
        }
        try (TabserveServer server =
                TabserveServer.startReady(Map.of(), "--models", dir.root().toString())) {
            ModelDirectory.awaitIndex(
                    new Http(server),
                    index -> index.size() == 6
                            && index.stream()
                                    .noneMatch(m -> m.path("state").asText().equals("LOADING")));
            browser.get(server.uri("/").toString());
            assertTrue(present(By.id("models")).size() == 1, "the home page is the models page");
            holdRefresh();
            for (Dimension size : List.of(new Dimension(1920, 1100), DESKTOP)) {
                browser.manage().window().setSize(size);
                Object overflow =
                        js("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
                assertTrue(((Number) overflow).longValue() <= 0, size + ": the page scrolls sideways by " + overflow);
                double panelRight = ((Number)
                                js("var m = document.querySelector('main'); return m.getBoundingClientRect().right"
                                        + " - parseFloat(getComputedStyle(m).paddingRight);"))
                        .doubleValue();
                double tableRight = ((Number)
                                js("return document.getElementById('models').getBoundingClientRect().right;"))
                        .doubleValue();
                assertTrue(
                        tableRight <= panelRight + 0.5,
                        size + ": the table ends at " + tableRight + ", past its panel at " + panelRight);
                long innerWidth = ((Number) js("return window.innerWidth;")).longValue();
                for (WebElement link : browser.findElements(By.cssSelector("#models a"))) {
                    assertTrue(
                            link.isDisplayed()
                                    && link.getRect().getX() + link.getRect().getWidth() <= innerWidth,
                            size + ": link " + link.getText() + " is off screen at " + link.getRect());
                }
                for (WebElement reason : browser.findElements(By.cssSelector("#models tr.reason td"))) {
                    Object wide = js("return arguments[0].scrollWidth - arguments[0].clientWidth;", reason);
                    assertTrue(
                            ((Number) wide).longValue() <= 0,
                            size + ": a reason overflows its cell: " + reason.getText());
                }
                shoot(size.getWidth() + "px", size);
            }
            List<String> reasons = browser.findElements(By.cssSelector("#models .reason-text")).stream()
                    .map(WebElement::getText)
                    .toList();
            assertEquals(2, reasons.size(), reasons.toString());
            assertTrue(
                    reasons.stream().anyMatch(r -> r.contains("(truncated.onnx)") && r.contains("may be cut short")),
                    reasons::toString);
            assertTrue(
                    reasons.stream().anyMatch(r -> r.contains("'probabilities', a float tensor [N, 3]")),
                    reasons::toString);
            for (String reason : reasons) {
                for (String leak : List.of(
                        dir.root().toString(), "/tmp/", "TensorInfo", "javaType", "NodeInfo", "Exception", "java.")) {
                    assertFalse(reason.contains(leak), leak + " in " + reason);
                }
            }
            if (Chromium.SAVING) {
                Files.createDirectories(SHOTS);
                Files.copy(
                        SCREENSHOTS.resolve(testName + "-1920px.png"),
                        SHOTS.resolve("models-broken-1920.png"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.copy(
                        SCREENSHOTS.resolve(testName + "-1280px.png"),
                        SHOTS.resolve("models-1280.png"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            browser.manage().window().setSize(DESKTOP);
            WebElement outputs =
                    browser.findElement(By.cssSelector("tbody[data-model='unreadable-outputs'] .reason-text"));
            assertTrue(
                    outputs.getSize().getHeight() > 30, "the long reason wraps onto more lines: " + outputs.getSize());
            assertEquals(
                    "failed",
                    browser.findElement(By.cssSelector("tbody[data-model='truncated'] .state"))
                            .getText());
        }
    }

    /**
     * Issue 39 item 6: the models dashboard of a directory with a failed model, a drifted one and one answering
     * errors fits 1280 and 360 px with no sideways scroll, puts the failed model first and the troubled ones before
     * the quiet ones, and colours the drift the card calls large as trouble ({@code sev-bad}).
     */
    @Test
    void theModelsDashboardPutsTroubleFirstColoursItAndFitsBothWidths() throws Exception {
        ModelDirectory dir = ModelDirectory.withFourModels();
        byte[] whole = Files.readAllBytes(ModelDirectory.PENGUINS.resolve("species-nozipmap.onnx"));
        Files.write(dir.root().resolve("truncated.onnx"), java.util.Arrays.copyOf(whole, whole.length / 2));
        try (TabserveServer server =
                TabserveServer.startReady(Map.of(), "--models", dir.root().toString())) {
            Http served = new Http(server);
            ModelDirectory.awaitIndex(
                    served,
                    index -> index.size() == 5
                            && index.stream()
                                    .noneMatch(m -> m.path("state").asText().equals("LOADING")));
            served.postJson(
                            "/models/banknote/versions/2/api/predict",
                            "{\"instances\": ["
                                    + String.join(
                                            ",",
                                            java.util.Collections.nCopies(
                                                    480,
                                                    "{\"variance\": 50, \"skewness\": 1, \"curtosis\": 1,"
                                                            + " \"entropy\": -1}"))
                                    + "]}")
                    .json();
            served.postJson("/models/species/api/predict", "{\"instances\": [{\"island\": \"Torgersen\"}]}");
            served.postJson("/models/species/api/predict", "{\"instances\": [" + ModelDirectory.PENGUIN + "]}")
                    .json();
            browser.get(server.uri("/models").toString());
            holdRefresh();
            for (Dimension size : List.of(DESKTOP, PHONE)) {
                browser.manage().window().setSize(size);
                Object overflow = js("return document.documentElement.scrollWidth - window.innerWidth;");
                assertTrue(((Number) overflow).longValue() <= 0, size + ": the page scrolls sideways by " + overflow);
                long innerWidth = ((Number) js("return window.innerWidth;")).longValue();
                for (WebElement link : browser.findElements(By.cssSelector("#models a"))) {
                    assertTrue(
                            link.getRect().getX() + link.getRect().getWidth() <= innerWidth,
                            size + ": link " + link.getText() + " is off screen at " + link.getRect());
                }
            }
            List<String> order = browser.findElements(By.cssSelector("#models tbody")).stream()
                    .map(b -> b.getAttribute("data-model") + "/" + b.getAttribute("data-version"))
                    .toList();
            assertEquals("truncated/1", order.get(0), "the failed model first: " + order);
            assertTrue(order.indexOf("banknote/2") < order.indexOf("banknote/1"), "drifted before quiet: " + order);
            assertTrue(order.indexOf("species/1") < order.indexOf("mass/1"), "erring before quiet: " + order);
            WebElement drifted = browser.findElement(By.cssSelector("tbody[data-model='banknote'][data-version='2']"));
            assertEquals(
                    "large", drifted.findElement(By.cssSelector(".drift-psi")).getAttribute("title"));
            assertTrue(
                    drifted.findElement(By.cssSelector("td.drift"))
                            .getAttribute("class")
                            .contains("sev-bad"),
                    "large drift is coloured as trouble");
            assertTrue(drifted.getAttribute("class").contains("sev-bad"));
            String red = drifted.findElement(By.cssSelector("td.drift")).getCssValue("color");
            String plain = browser.findElement(
                            By.cssSelector("tbody[data-model='banknote'][data-version='1'] td.drift"))
                    .getCssValue("color");
            assertFalse(red.equals(plain), "the drifted figure's colour differs from a quiet one's: " + red);
            WebElement species = browser.findElement(By.cssSelector("tbody[data-model='species'] .count-errors"));
            assertEquals("1", species.getText());
            assertTrue(species.getAttribute("class").contains("sev-bad"), "1 error in 2 requests is trouble");
            assertTrue(browser.findElement(By.id("models-legend"))
                    .getAttribute("textContent")
                    .contains("PSI 0.25"));
            browser.manage().window().setSize(DESKTOP);
        }
    }

    /** Issue 23 item 7: every page has the nav bar, and its Models link leads to the index. */
    @Test
    void everyPageHasTheNavBarAndItsModelsLinkLeadsToTheIndex() {
        for (String path : List.of("/", "/card", "/apidocs", "/no-such-page", "/models")) {
            open(path);
            WebElement models = browser.findElement(By.id("nav-models"));
            assertTrue(models.isDisplayed(), path + " shows the link to the models");
            assertEquals(http.uri("/models").toString(), models.getAttribute("href"), path);
        }
        open("/card");
        navigate(browser.findElement(By.id("nav-models")));
        assertEquals(http.uri("/models").toString(), browser.getCurrentUrl());
        assertEquals(1, present(By.cssSelector("#models tbody[data-model]")).size(), "the one model");
    }

    /**
     * Issue 66, item 6: the nav bar starts at the window's top left corner and spans its width on every page, the API
     * docs' too (before: Swagger UI's page kept the browser's 8 px margin round the bar), at desktop width and at 360
     * px.
     */
    @Test
    void theNavBarSpansTheWindowFromItsTopLeftCornerOnEveryPage() {
        for (Dimension size : List.of(DESKTOP, new Dimension(360, 1400))) {
            browser.manage().window().setSize(size);
            for (String path : List.of("/", "/card", "/apidocs", "/no-such-page", "/models")) {
                open(path);
                WebElement bar = present(By.cssSelector("header.site")).get(0);
                String where = size.getWidth() + " px, " + path;
                assertEquals(
                        0L,
                        ((Number) js("return Math.round(arguments[0].getBoundingClientRect().left);", bar)).longValue(),
                        where);
                assertEquals(
                        0L,
                        ((Number) js("return Math.round(arguments[0].getBoundingClientRect().top);", bar)).longValue(),
                        where);
                assertEquals(
                        ((Number) js("return document.documentElement.clientWidth;")).longValue(),
                        ((Number) js("return Math.round(arguments[0].getBoundingClientRect().width);", bar))
                                .longValue(),
                        where);
            }
        }
        browser.manage().window().setSize(DESKTOP);
    }

    /**
     * Issue 23 item 7: the footer of a page shorter than the window sits at the window's bottom (the page's panel
     * fills the space), and the footer of a long page follows its content.
     */
    @Test
    void theFooterSitsAtTheBottomOfTheWindowOnAShortPageAndAfterTheContentOfALongOne() throws Exception {
        Path model = cards.resolve("species-no-card.onnx");
        Files.copy(
                Path.of("src/test/resources/org/tabserve/fixtures/penguins/species-nozipmap.onnx"),
                model,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (TabserveServer server = openCardOf(model)) {
            browser.manage().window().setSize(new Dimension(1280, 1600));
            double[] sizes = footer();
            assertTrue(sizes[2] <= sizes[1], "the card of a model without one is shorter than the window: " + sizes[2]);
            assertEquals(sizes[1], sizes[0], 1.0, "the footer's bottom is the window's");
            shoot("short", new Dimension(1280, 1600));
            if (Chromium.SAVING) {
                Files.createDirectories(SHOTS);
                Files.copy(
                        SCREENSHOTS.resolve(testName + "-short.png"),
                        SHOTS.resolve("card-short-page-footer.png"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        open("/card");
        browser.manage().window().setSize(DESKTOP);
        double[] sizes = footer();
        assertTrue(sizes[2] > sizes[1], "the bundled model's card is longer than the window");
        double mainBottom = ((Number) js(
                        "return document.querySelector('main').getBoundingClientRect().bottom" + " + window.scrollY;"))
                .doubleValue();
        double footerTop = ((Number) js(
                        "return document.querySelector('footer').getBoundingClientRect().top" + " + window.scrollY;"))
                .doubleValue();
        assertEquals(mainBottom, footerTop, 1.0, "the footer follows the content, with no empty screen between");
    }

    /** Where the issue's screenshots go, beside the notes that name them. */
    private static final Path SHOTS = Path.of(System.getProperty("tabserve.shots", "target/screenshots/issue-23"));

    /** The footer's bottom in the window, the window's height, and the page's height. */
    private static double[] footer() {
        return new double[] {
            ((Number) js("return document.querySelector('footer').getBoundingClientRect().bottom;")).doubleValue(),
            ((Number) js("return window.innerHeight;")).doubleValue(),
            ((Number) js("return document.documentElement.scrollHeight;")).doubleValue()
        };
    }

    /** Types into a text field, or picks the option of a select, by the field's id. */
    private static void enter(String field, String value) {
        WebElement element = byId(field);
        if (element.getTagName().equals("select")) {
            new org.openqa.selenium.support.ui.Select(element).selectByValue(value);
        } else {
            type(field, value);
        }
    }

    /**
     * Asserts every link and form on the page that leads to a model's route leads to {@code base}'s: only the shared
     * pages (styles, API docs, the index) may be elsewhere.
     */
    private static void assertLinksStayOn(String base) {
        List<String> targets = new ArrayList<>();
        // The nav bar's home link leads to the site's home, the index of a directory's models: not a model's route.
        present(By.cssSelector("a[href]:not(#nav-home)")).forEach(a -> targets.add(a.getAttribute("href")));
        present(By.cssSelector("form[action]")).forEach(f -> targets.add(f.getAttribute("action")));
        present(By.cssSelector("button[formaction]")).forEach(b -> targets.add(b.getAttribute("formaction")));
        assertFalse(targets.isEmpty());
        for (String target : targets) {
            String path = java.net.URI.create(target).getPath();
            boolean shared = path.startsWith("/static/")
                    || path.equals("/apidocs")
                    || path.equals("/models")
                    || path.equals("/api/models");
            assertTrue(
                    shared || path.startsWith(base),
                    () -> browser.getCurrentUrl() + " links to " + target + ", off " + base);
        }
    }
}
