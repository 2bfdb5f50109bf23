package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;
import org.tabserve.web.api.TypedModelsCsvTest;

/**
 * The form and {@code GET /predict} for models of typed columns (skl2onnx penguins pipelines: text columns with known
 * categories, measurements that may be missing, a classifier and a regressor): one field per feature, the known
 * values offered, optional fields said to be so, values read by type, and answers equal to scikit-learn's.
 */
class TypedFormTest {

    private static final Path DIR = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    @RegisterExtension
    static final Http species = Http.startingTheApp(
            "--model", DIR.resolve("species-zipmap.onnx").toAbsolutePath().toString());

    @RegisterExtension
    static final Http mass = Http.startingTheApp(
            "--model", DIR.resolve("body-mass-regressor.onnx").toAbsolutePath().toString());

    private static final String BROWSER = "text/html";

    /** The first rows of a fixture's expected answers that have no unknown category: inputs as text. */
    private static List<JsonNode> rows(String name, int count) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (JsonNode row : TypedModelsCsvTest.fixture(name).path("rows")) {
            if (row.path("unknown").isEmpty() && rows.size() < count) {
                rows.add(row);
            }
        }
        return rows;
    }

    private static Map<String, String> text(JsonNode row) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = row.path("inputs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> input = it.next();
            values.put(
                    input.getKey(),
                    input.getValue().isNull() ? "" : input.getValue().asText());
        }
        return values;
    }

    private static String encode(Map<String, String> values) {
        List<String> pairs = new ArrayList<>();
        values.forEach((k, v) -> pairs.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return String.join("&", pairs);
    }

    /** The known values the field offers: a select's options, or its datalist's. */
    private static List<String> offered(Document page, String field) {
        Element select = page.selectFirst("select#" + field);
        if (select != null) {
            return select.select("option").stream()
                    .map(o -> o.attr("value"))
                    .filter(v -> !v.isEmpty())
                    .toList();
        }
        Element input = page.selectFirst("input#" + field);
        assertNotNull(input, field);
        Element list = page.getElementById(input.attr("list"));
        assertNotNull(list, () -> field + " has no datalist: " + input);
        assertEquals("datalist", list.tagName());
        return list.select("option").stream().map(o -> o.attr("value")).toList();
    }

    @Test
    void theFormOffersTheKnownValuesOfEachTextFieldAndSaysWhichMayBeLeftEmpty() {
        Document page = species.get("/", "Accept", BROWSER).html();
        assertEquals(List.of("Biscoe", "Dream", "Torgersen"), offered(page, "island"));
        assertEquals(List.of("FEMALE", "MALE"), offered(page, "sex"));
        for (String number : List.of("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")) {
            Element input = page.selectFirst("input#" + number);
            assertNotNull(input, number);
            assertEquals("decimal", input.attr("inputmode"), number);
            assertTrue(Http.textOf(page, "#" + number + "-hint").contains("may be left empty"), number);
        }
        assertFalse(Http.textOf(page, "#island-hint").contains("may be left empty"), "text cannot be missing");
        assertNotNull(page.getElementById("optional-note"), "the page says empty fields are taken");
        // Issue 39, item 5: an uncarded model's form says what to send and where the way to a card is.
        assertTrue(Http.textOf(page, "#no-card-note").contains("This model has no card"), page.text());
        assertEquals("/card", page.selectFirst("#no-card-note a").attr("href"));
        assertEquals("One row", Http.textOf(page, "#one-row"), "no row noun in the card: rows");
        assertFalse(
                page.text().toLowerCase(java.util.Locale.ROOT).contains("note"),
                "no 'note' for a model whose card does not say a row is one");
    }

    @Test
    void aPostedFormIsAnsweredAsScikitLearnDidAndAMissingNumberMayBeLeftEmpty() throws Exception {
        for (JsonNode row : rows("species-zipmap", 3)) {
            Document page =
                    species.postForm("/", encode(text(row)), "Accept", BROWSER).html();
            assertEquals(
                    row.path("label").asText(),
                    Http.textOf(page, "#predicted"),
                    text(row).toString());
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            row.path("probabilities").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                Element bar = page.selectFirst("tr[data-label=" + p.getKey() + "] progress");
                assertEquals(p.getValue().asDouble(), Double.parseDouble(bar.attr("value")), 1e-5);
            }
        }
        Map<String, String> values = text(rows("species-zipmap", 1).get(0));
        values.put("bill_length_mm", "");
        Http.Response posted = species.postForm("/", encode(values), "Accept", BROWSER);
        assertEquals(200, posted.status(), posted::text);
        JsonNode byQuery = species.get("/predict?" + encode(values)).json();
        assertEquals(
                byQuery.path("label").asText(),
                Http.textOf(posted.html(), "#predicted"),
                "the form and GET /predict read an empty number alike: missing, imputed by the model");
        Document kept = posted.html();
        assertEquals("", kept.selectFirst("input#bill_length_mm").attr("value"), "left empty, shown empty");

        values.put("sex", "");
        Http.Response refused = species.postForm("/", encode(values), "Accept", BROWSER);
        assertEquals(400, refused.status());
        assertTrue(Http.textOf(refused.html(), "#sex-error").contains("missing value for 'sex'"), refused::text);
    }

    @Test
    void getPredictWithTypedQueryValuesAnswersAsScikitLearnDid() throws Exception {
        for (JsonNode row : rows("species-zipmap", 20)) {
            JsonNode answer = species.get("/predict?" + encode(text(row))).json();
            assertEquals(
                    row.path("label").asText(),
                    answer.path("label").asText(),
                    text(row).toString());
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            row.path("probabilities").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                assertEquals(
                        p.getValue().asDouble(),
                        answer.path("probabilities").path(p.getKey()).asDouble(),
                        1e-5);
            }
        }
        for (JsonNode row : rows("body-mass-regressor", 20)) {
            JsonNode answer = mass.get("/predict?" + encode(text(row))).json();
            TypedModelsCsvTest.assertClose(
                    row.path("value").asDouble(),
                    answer.path("value").asDouble(),
                    text(row).toString());
            assertNull(answer.get("label"));
        }
        Map<String, String> values = text(rows("species-zipmap", 1).get(0));
        values.put("sex", "unknown");
        JsonNode warned = species.get("/predict?" + encode(values)).json();
        assertTrue(warned.path("warnings").toString().contains("the model has not seen 'sex'"), warned::toString);
        values.put("sex", "MALE");
        values.put("body_mass_g", "heavy");
        assertEquals(
                List.of("body_mass_g"),
                species.get("/predict?" + encode(values)).errorFields(400));
    }

    @Test
    void aRegressorsFormShowsItsValueAndNoClassBars() throws Exception {
        Document form = mass.get("/", "Accept", BROWSER).html();
        assertEquals(List.of("Adelie", "Chinstrap", "Gentoo"), offered(form, "species"));
        JsonNode row = rows("body-mass-regressor", 1).get(0);
        Document page = mass.postForm("/", encode(text(row)), "Accept", BROWSER).html();
        TypedModelsCsvTest.assertClose(
                row.path("value").asDouble(), Double.parseDouble(Http.textOf(page, "#predicted")), "the value shown");
        assertNull(page.selectFirst("table.bars"), "a regressor has no class probabilities");
        assertNull(page.selectFirst("#target-range"), "the card has no range of the target");
    }
}
