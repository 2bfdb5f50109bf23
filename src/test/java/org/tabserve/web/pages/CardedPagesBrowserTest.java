package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.tabserve.cardmaking.CardFileTest;
import org.tabserve.cli.FixtureCards;
import org.tabserve.launcher.TabserveServer;

/**
 * The pages of the exporter's fixtures carded by the real {@code card} command, in Chromium: the form is filled with
 * values the model takes and answers as shown, as scikit-learn did for that row; suggestions show their values only;
 * a model of 69 inputs lays its fields out in columns; the upload's results fit the page at 1280 px and scroll only
 * inside their box at 360 px; the regressor's card has round ticks and its y-axis name clear of them. Screenshots
 * go to {@code target/screenshots/} under the names the test gives.
 */
class CardedPagesBrowserTest extends ChromiumTests {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path WIDE = Path.of("src/test/resources/org/tabserve/fixtures/wide");

    @TempDir
    static Path cards;

    private static TabserveServer serve(Path model) {
        return TabserveServer.startReady("--model", model.toString());
    }

    /** The fixture with the card the command makes (once per class: the command refuses to overwrite). */
    private static Path carded(String model, String label, String... extra) throws IOException {
        Path out = cards.resolve(model + "-with-card.onnx");
        return Files.exists(out) ? out : FixtureCards.card(cards, model, label, extra);
    }

    private static Path wideCarded() throws IOException {
        Path out = cards.resolve("wide-69-with-card.onnx");
        return Files.exists(out)
                ? out
                : FixtureCards.card(WIDE.resolve("wide-69.onnx"), WIDE.resolve("wide-69.labelled.csv"), "label", out);
    }

    /** The form's values as the browser would send them: every input's and select's, by name. */
    private static Map<String, String> formValues() {
        Map<String, String> values = new LinkedHashMap<>();
        for (WebElement field : browser.driver.findElements(By.cssSelector("#predict input, #predict select"))) {
            values.put(field.getAttribute("name"), field.getAttribute("value"));
        }
        return values;
    }

    /** Whether a form value is what the fixture recorded: the same number, the same text, empty for missing. */
    private static boolean same(String shown, JsonNode recorded) {
        if (recorded == null || recorded.isNull()) {
            return shown.isEmpty();
        }
        if (recorded.isNumber()) {
            try {
                return Math.abs(Double.parseDouble(shown) - recorded.asDouble()) < 1e-9;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return recorded.asText().equals(shown);
    }

    /** The fixture's recorded row whose inputs are the form's values: the example is a row of the data. */
    private static JsonNode recordedRow(String model, Map<String, String> values) throws IOException {
        JsonNode fixture = JSON.readTree(
                CardFileTest.FIXTURES.resolve(model + ".expected.json").toFile());
        for (JsonNode row : fixture.path("rows")) {
            boolean all = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = row.path("inputs").fields(); it.hasNext() && all; ) {
                Map.Entry<String, JsonNode> input = it.next();
                all = values.containsKey(input.getKey()) && same(values.get(input.getKey()), input.getValue());
            }
            if (all) {
                return row;
            }
        }
        throw new AssertionError(model + ": the form's values " + values + " are no row of the data");
    }

    /** No suggestion or choice shows a word of its own: an option's text is its value, or nothing. */
    private static void assertOptionsShowTheirValues() {
        Object odd = browser.js("return [...document.querySelectorAll('option')]"
                + ".filter(o => o.value !== '' && o.textContent !== '' && o.textContent !== o.value)"
                + ".map(o => o.outerHTML);");
        assertEquals(List.of(), odd, "options whose text is not their value");
        String shown = (String) browser.js("return document.getElementById('predict').innerText;");
        assertFalse(shown.toLowerCase(java.util.Locale.ROOT).matches("(?s).*\\boption\\b.*"), shown);
    }

    @Test
    void everyCardedFixturesFormIsFilledWithARowOfItsDataAndAnswersAsScikitLearnDid() throws Exception {
        Map<String, String[]> models = new LinkedHashMap<>();
        models.put("int64-column", new String[] {"sex", "--class-names", "0=female,1=male"});
        models.put("species-zipmap", new String[] {"species"});
        models.put("species-nozipmap", new String[] {"species"});
        models.put("species-labels-in-graph", new String[] {"species"});
        models.put("body-mass-regressor", new String[] {"body_mass_g"});
        models.put("fixed-batch-4", new String[] {"class"});
        for (Map.Entry<String, String[]> entry : models.entrySet()) {
            String name = entry.getKey();
            String[] label = entry.getValue();
            Path carded = name.equals("fixed-batch-4") // the bank notes, in a batch of exactly 4: its data is data/'s
                    ? FixtureCards.card(
                            CardFileTest.FIXTURES.resolve(name + ".onnx"),
                            Path.of("data/BankNote_Authentication.csv"),
                            label[0],
                            cards.resolve(name + "-with-card.onnx"))
                    : carded(
                            name,
                            label[0],
                            List.of(label).subList(1, label.length).toArray(String[]::new));
            try (TabserveServer server = serve(carded)) {
                browser.driver.get(server.uri("/").toString());
                assertTrue(
                        browser.byId("filled-note").getText().contains("from the data"),
                        () -> name + ": " + browser.byId("filled-note").getText());
                assertOptionsShowTheirValues();
                Map<String, String> values = formValues();
                values.forEach((field, value) -> assertFalse(value.isEmpty(), name + ": " + field + " is empty"));
                JsonNode row = recordedRow(name, values);
                if (name.equals("int64-column")) {
                    browser.shoot("form-typed-prefilled", Chromium.DESKTOP);
                }
                browser.navigate(browser.byId("submit"));
                assertTrue(
                        browser.present(By.id("errors")).isEmpty(),
                        () -> name + ": the filled form has errors: "
                                + browser.driver.findElement(By.tagName("main")).getText());
                assertNotNull(browser.byId("predicted"));
                if (row.has("value")) {
                    assertEquals(
                            row.path("value").asDouble(),
                            Double.parseDouble(browser.byId("predicted").getText()),
                            0.05,
                            name + ": scikit-learn's value for row " + row.path("row"));
                } else {
                    assertEquals(
                            row.path("label").asText(),
                            browser.driver
                                    .findElement(By.cssSelector("table.bars tr.predicted"))
                                    .getAttribute("data-label"),
                            name + ": scikit-learn's class for row " + row.path("row"));
                }
                if (name.equals("int64-column")) {
                    browser.shoot("form-typed-submitted", Chromium.DESKTOP);
                }
                assertEquals(0, browser.sidewaysOverflow(), name);
            }
        }
    }

    /** The distinct left edges of the form's fields: one per column. */
    private static Set<Long> columnsOfFields() {
        Set<Long> lefts = new HashSet<>();
        for (WebElement field : browser.driver.findElements(By.cssSelector("#fields .field"))) {
            lefts.add((long) field.getRect().getX());
        }
        return lefts;
    }

    @Test
    void aModelOf69InputsLaysItsFieldsOutInColumnsAndAnswersAsFilled() throws Exception {
        try (TabserveServer server = serve(wideCarded())) {
            browser.driver.get(server.uri("/").toString());
            assertEquals(
                    69,
                    browser.driver
                            .findElements(By.cssSelector("#fields .field"))
                            .size());
            Set<Long> columns = columnsOfFields();
            assertTrue(columns.size() >= 3, "69 fields in " + columns.size() + " column(s) at 1280 px");
            assertEquals(0, browser.sidewaysOverflow());
            browser.shoot("form-69-inputs", Chromium.DESKTOP);
            browser.size(Chromium.PHONE);
            assertEquals(1, columnsOfFields().size(), "one column at 360 px");
            assertEquals(0, browser.sidewaysOverflow(), "no sideways scrolling at 360 px");
            browser.size(Chromium.DESKTOP);

            Map<String, String> values = formValues();
            List<String> lines = Files.readAllLines(WIDE.resolve("wide-69.labelled.csv"));
            List<String> header = List.of(lines.get(0).split(","));
            int row = -1;
            for (int i = 1; i < lines.size() && row < 0; i++) {
                String[] cells = lines.get(i).split(",");
                boolean all = true;
                for (int c = 0; c < header.size() - 1 && all; c++) {
                    all = Math.abs(Double.parseDouble(values.get(header.get(c))) - Double.parseDouble(cells[c])) < 1e-9;
                }
                row = all ? i : -1;
            }
            assertTrue(row > 0, "the form is filled with a row of the data: " + values);
            JsonNode expected = JSON.readTree(
                            WIDE.resolve("wide-69.expected.json").toFile())
                    .path("rows")
                    .get(row - 1);
            browser.navigate(browser.byId("submit"));
            assertTrue(browser.present(By.id("errors")).isEmpty(), "the filled form has no errors");
            assertEquals(
                    expected.path("label").asText(),
                    browser.driver
                            .findElement(By.cssSelector("table.bars tr.predicted"))
                            .getAttribute("data-label"),
                    "scikit-learn's class");
            assertEquals(0, browser.sidewaysOverflow());
            browser.shoot("form-69-submitted", Chromium.DESKTOP);
        }
    }

    /** Uploads {@code csv} from the form and waits for the results. */
    private static void upload(TabserveServer server, Path csv) {
        browser.driver.get(server.uri("/").toString());
        browser.byId("file").sendKeys(csv.toAbsolutePath().toString());
        browser.navigate(browser.byId("preview"));
        assertNotNull(browser.byId("summary"));
    }

    /** How far the results table scrolls inside its box: 0 when it fits. */
    private static long tableOverflow() {
        return browser.number(
                "const box = document.querySelector('.table-scroll');" + " return box.scrollWidth - box.clientWidth;");
    }

    /** Scrolls the results' box to its right end and returns how far the first row's number moved from its left. */
    private static long rowNumberDrift() {
        return browser.number(
                "const box = document.querySelector('.table-scroll');"
                        + " box.scrollLeft = box.scrollWidth;"
                        + " const number = document.querySelector('#preview tbody th');"
                        + " return Math.round(Math.abs(number.getBoundingClientRect().left - box.getBoundingClientRect().left));");
    }

    @Test
    void theUploadsResultsFitThePageAt1280AndScrollOnlyInTheirBoxAt360() throws Exception {
        try (TabserveServer server = serve(carded("species-zipmap", "species"))) {
            upload(server, CardFileTest.FIXTURES.resolve("species-zipmap.inputs.csv"));
            assertEquals(0, browser.sidewaysOverflow(), "the page scrolls sideways at 1280 px");
            assertEquals(0, tableOverflow(), "the table is cut off at 1280 px");
            browser.shoot("upload-1280", Chromium.DESKTOP);
            browser.size(Chromium.PHONE);
            assertEquals(0, browser.sidewaysOverflow(), "the page scrolls sideways at 360 px");
            browser.shoot("upload-360", Chromium.PHONE);
            assertTrue(tableOverflow() > 0, "at 360 px the table scrolls in its box");
            assertTrue(rowNumberDrift() <= 1, "the row number stays in view when the table scrolls");
        }
    }

    /**
     * The first rows of penguins.csv as the file has them, five with an empty sex the model cannot take: refused whole
     * as the form stands, each bad value listed; with "Answer the other rows" ticked, every row is answered in its
     * place, the bad ones with their error, and the download carries the error column.
     */
    @Test
    void aRealCsvWithEmptyTextCellsIsAnsweredRowByRowWhenTheBoxIsTicked() throws Exception {
        Path csv = CardFileTest.FIXTURES.resolve("empty-sex.csv");
        try (TabserveServer server = serve(CardFileTest.FIXTURES.resolve("species-zipmap.onnx"))) {
            browser.driver.get(server.uri("/").toString());
            browser.byId("file").sendKeys(csv.toAbsolutePath().toString());
            browser.navigate(browser.byId("preview"));
            String refused = browser.driver.findElement(By.tagName("main")).getText();
            // Issue 39, item 1: the page's user is told to tick the box, which they have, not to send on_error=row.
            assertTrue(
                    refused.contains("sex")
                            && refused.contains("tick \"" + org.tabserve.web.api.UploadView.ON_ERROR_BOX + "\""),
                    refused);
            assertFalse(refused.contains("on_error=row"), refused);

            browser.driver.get(server.uri("/").toString());
            browser.byId("file").sendKeys(csv.toAbsolutePath().toString());
            browser.byId("on_error").click();
            browser.navigate(browser.byId("preview"));
            assertTrue(
                    browser.byId("refused").getText().contains("5"),
                    browser.byId("refused").getText());
            List<WebElement> errors = browser.driver.findElements(By.cssSelector("#preview td.row-error"));
            assertEquals(
                    List.of("sex"),
                    errors.stream()
                            .map(e -> e.getText().split(":")[0])
                            .distinct()
                            .toList());
            List<String> rows =
                    browser.driver.findElements(By.cssSelector("#preview tr.refused th[scope=row]")).stream()
                            .map(WebElement::getText)
                            .toList();
            assertEquals(
                    List.of("3", "8", "9"),
                    rows,
                    "the bad rows among the first ten, in their places, counted from 0 as every error counts rows");
            assertTrue(browser.byId("ignored").getText().contains("species"), "the label column is named, not dropped");
            browser.shoot("upload-on-error-row-1280", Chromium.DESKTOP);
            browser.size(Chromium.PHONE);
            assertEquals(0, browser.sidewaysOverflow(), "the page scrolls sideways at 360 px");
            browser.shoot("upload-on-error-row-360", Chromium.PHONE);
        }
    }

    /**
     * A carded model's form offers to explain its answer; ticked, the answer comes with one bar per input of the form,
     * largest first, labelled with the value typed, and the sentence of what adds up to what. Unticked, nothing is
     * computed or shown.
     */
    @Test
    void theFormExplainsAnAnswerInItsOwnColumnsWhenAsked() throws Exception {
        try (TabserveServer server = serve(carded("species-zipmap", "species"))) {
            browser.driver.get(server.uri("/").toString());
            browser.navigate(browser.byId("submit"));
            assertTrue(browser.present(By.id("explanation")).isEmpty(), "not asked, not explained");

            browser.byId("explain").click();
            browser.navigate(browser.byId("submit"));
            WebElement figure = browser.byId("explanation");
            List<WebElement> bars = figure.findElements(By.cssSelector("rect.bar"));
            assertEquals(6, bars.size(), "one bar per input of the form: island, the four measures and sex");
            List<String> labels = figure.findElements(By.cssSelector("text.axis-label")).stream()
                    .map(t -> t.getAttribute("textContent"))
                    .toList();
            assertTrue(labels.stream().anyMatch(l -> l.startsWith("island = ")), labels.toString());
            List<Double> sizes = new ArrayList<>();
            for (WebElement text : figure.findElements(By.cssSelector("text.count-label"))) {
                sizes.add(Math.abs(
                        Double.parseDouble(text.getAttribute("textContent").replace("\u2212", "-"))));
            }
            List<Double> sorted = new ArrayList<>(sizes);
            sorted.sort(java.util.Comparator.reverseOrder());
            assertEquals(sorted, sizes, "largest contribution first");
            String summary = browser.byId("explanation-summary").getText();
            assertTrue(summary.contains("Shapley values, exact") && summary.contains("100 training rows"), summary);
            assertTrue(browser.byId("explain").isSelected(), "the box stays ticked");
            browser.shoot("form-explained-1280", Chromium.DESKTOP);
            browser.size(Chromium.PHONE);
            assertEquals(0, browser.sidewaysOverflow(), "the page scrolls sideways at 360 px");
            browser.shoot("form-explained-360", Chromium.PHONE);
        }
    }

    @Test
    void aTableOf69ColumnsScrollsInsideItsBoxWithTheRowNumberInView() throws Exception {
        try (TabserveServer server = serve(wideCarded())) {
            upload(server, WIDE.resolve("wide-69.labelled.csv"));
            assertEquals(0, browser.sidewaysOverflow(), "the page itself does not scroll sideways");
            assertTrue(tableOverflow() > 0, "72 columns are wider than the page: the box scrolls");
            assertTrue(rowNumberDrift() <= 1, "the row number stays in view when the table scrolls");
        }
    }

    /** The numbers of a plot's ticks of one axis ({@code x-tick} or {@code y-tick}), in order. */
    private static List<Double> ticks(WebElement svg, String axis) {
        List<Double> values = new ArrayList<>();
        svg.findElements(By.cssSelector("text." + axis))
                .forEach(t -> values.add(Double.parseDouble(t.getAttribute("textContent"))));
        return values;
    }

    /** Ticks at a constant step of 1, 2 or 5 times a power of ten, and a readable count of them. */
    private static void assertRound(String where, List<Double> ticks) {
        assertTrue(ticks.size() >= 2 && ticks.size() <= 7, where + ": " + ticks);
        double step = ticks.get(1) - ticks.get(0);
        for (int i = 1; i < ticks.size(); i++) {
            assertEquals(step, ticks.get(i) - ticks.get(i - 1), step * 1e-9, where + ": " + ticks);
        }
        double mantissa = step / Math.pow(10, Math.floor(Math.log10(step)));
        assertTrue(
                List.of(1.0, 2.0, 5.0).stream().anyMatch(m -> Math.abs(m - mantissa) < 1e-9), where + ": step " + step);
        for (double tick : ticks) {
            assertEquals(
                    0, Math.abs(tick / step - Math.rint(tick / step)), 1e-6, where + ": " + tick + " off the step");
        }
    }

    @Test
    void theRegressorsCardHasRoundTicksAndItsYAxisNameClearOfThem() throws Exception {
        try (TabserveServer server = serve(carded("body-mass-regressor", "body_mass_g"))) {
            browser.driver.get(server.uri("/model").toString());
            WebElement scatter = browser.byId("scatter");
            assertRound("scatter x", ticks(scatter, "x-tick"));
            assertRound("scatter y", ticks(scatter, "y-tick"));
            for (WebElement histogram :
                    browser.driver.findElements(By.cssSelector("svg[id^=histogram-], svg#residual-histogram"))) {
                assertRound(histogram.getAttribute("id"), ticks(histogram, "x-tick"));
            }
            Object overlaps = browser.js(
                    "const svg = arguments[0];"
                            + " const name = svg.querySelector('text.y-name').getBoundingClientRect();"
                            + " return [...svg.querySelectorAll('text.y-tick')].map(t => t.getBoundingClientRect())"
                            + ".filter(r => r.left < name.right && name.left < r.right && r.top < name.bottom && name.top < r.bottom)"
                            + ".length;",
                    scatter);
            assertEquals(0L, ((Number) overlaps).longValue(), "the y-axis name overlaps its tick labels");
            Object nameInside = browser.js(
                    "const svg = arguments[0];"
                            + " const name = svg.querySelector('text.y-name').getBoundingClientRect();"
                            + " return name.left >= svg.getBoundingClientRect().left;",
                    scatter);
            assertEquals(Boolean.TRUE, nameInside, "the y-axis name is inside the picture");
            browser.shoot("card-regressor", Chromium.DESKTOP);
        }
    }

    @Test
    void theCardsLiveSectionDrawsTheLiveValuesOverTheTrainingOnesAndFitsAt360() throws Exception {
        try (TabserveServer server = serve(carded("species-zipmap", "species"))) {
            List<String> lines = Files.readAllLines(CardFileTest.FIXTURES.resolve("species-zipmap.inputs.csv"));
            StringBuilder csv = new StringBuilder(lines.get(0)).append('\n');
            for (int i = 0; i < 60; i++) {
                String row = lines.get(1 + i % (lines.size() - 1));
                csv.append(i % 3 == 0 ? row.replaceFirst("^[^,]*", "Atlantis") : row)
                        .append('\n');
            }
            java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(server.uri("/invocations"))
                                    .header("Content-Type", "text/csv")
                                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(csv.toString()))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            browser.driver.get(server.uri("/card").toString());
            WebElement section = browser.byId("live-section");
            List<WebElement> figures = section.findElements(By.cssSelector("figure.live"));
            assertEquals(6, figures.size(), "one picture per input");
            for (WebElement figure : figures) {
                assertTrue(figure.findElement(By.tagName("svg")).getSize().getWidth() > 100, figure.getText());
                assertFalse(figure.findElements(By.cssSelector("rect.live-bar")).isEmpty(), figure.getText());
            }
            WebElement island = section.findElement(By.cssSelector("figure.live[data-feature=island]"));
            assertTrue(island.findElement(By.className("outside")).getText().startsWith("33.3%"), island.getText());
            browser.shoot("card-live-desktop", Chromium.DESKTOP);
            browser.size(Chromium.PHONE);
            assertEquals(0, browser.sidewaysOverflow(), "the Live section fits at 360 px");
            browser.shoot("card-live-360px", Chromium.PHONE);
        }
    }
}
