package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;

/** The HTML form at {@code /}, read with jsoup as a browser would render it. */
class FormPageTest {

    private static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    private static JsonNode model;

    @BeforeAll
    static void start() throws Exception {
        model = http.get("/api/model").json();
    }

    private static String form(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> genuineWith(String field, String typed) {
        Map<String, String> values = new LinkedHashMap<>(BankNotes.genuine().text());
        values.put(field, typed);
        return values;
    }

    /** The input that the label for this feature points at. */
    private static Element inputLabelled(Document page, String feature) {
        Element label = page.select("label").stream()
                .filter(l -> l.text().equals(feature))
                .findFirst()
                .orElse(null);
        assertNotNull(label, () -> "no label '" + feature + "'");
        Element input = page.getElementById(label.attr("for"));
        assertNotNull(input, () -> "label '" + feature + "' points at no element (for=" + label.attr("for") + ")");
        assertEquals("input", input.tagName());
        assertEquals(feature, input.attr("name"));
        return input;
    }

    private static void assertNoExternalResourceAndNoScript(Document page) {
        assertTrue(page.select("script").isEmpty(), "no <script>");
        List<String> external = new ArrayList<>();
        for (Element element : page.select("[src], [href], [action]")) {
            for (String attribute : List.of("src", "href", "action")) {
                String value = element.attr(attribute);
                if (element.hasAttr(attribute)
                        && (value.startsWith("//") || value.matches("(?i)^[a-z][a-z0-9+.-]*:.*"))) {
                    external.add(element.tagName() + " " + attribute + "=" + value);
                }
            }
        }
        assertEquals(List.of(), external);
        assertTrue(page.select("[style*=url], [srcset]").isEmpty(), "no inline url() or srcset");
    }

    @Test
    void hasOneLabelledPrefilledInputPerFeatureWithItsTrainingRangeAsHint() {
        Http.Response response = http.get("/");
        assertEquals(200, response.status());
        Document page = response.html();
        assertEquals("utf-8", response.charset().orElse(""));
        JsonNode features = model.path("input").path("features");
        assertEquals(features.size(), page.select("form#predict input").size(), "one input per feature, nothing else");
        for (JsonNode feature : features) {
            String name = feature.path("name").asText();
            Element input = inputLabelled(page, name);
            double value = Double.parseDouble(input.attr("value")); // pre-filled with a number
            double min = feature.path("min").asDouble();
            double max = feature.path("max").asDouble();
            assertTrue(value >= min && value <= max, () -> name + " pre-filled with " + value);
            Element hint = page.getElementById(name + "-hint");
            assertNotNull(hint, name + "-hint");
            assertTrue(input.attr("aria-describedby").contains(name + "-hint"), "the hint describes the input");
            List<Double> numbers = new ArrayList<>();
            for (String token : hint.text().split("\\s+")) {
                if (token.matches("-?\\d+(\\.\\d+)?")) {
                    numbers.add(Double.parseDouble(token));
                }
            }
            assertEquals(2, numbers.size(), hint::text);
            assertEquals(min, numbers.get(0), 1e-4, () -> "hint shows the training minimum: " + hint.text());
            assertEquals(max, numbers.get(1), 1e-4, () -> "hint shows the training maximum: " + hint.text());
        }
        Element form = page.selectFirst("form#predict");
        assertNotNull(form);
        assertEquals("post", form.attr("method").toLowerCase());
        assertEquals("/", form.attr("action"));
        assertNull(page.getElementById("result"), "no result before a submission");
    }

    @Test
    void thePrefilledValuesPredictWhenSubmittedAsTheyAre() {
        Document page = http.get("/").html();
        Map<String, String> values = new LinkedHashMap<>();
        page.select("form#predict input").forEach(i -> values.put(i.attr("name"), i.attr("value")));
        Http.Response response = http.postForm("/", form(values));
        assertEquals(200, response.status());
        assertNotNull(response.html().getElementById("predicted"));
    }

    @Test
    void postingValidValuesShowsThePredictedDisplayNameTheClassBarsAndTheValuesSent() {
        for (BankNotes.Note note : List.of(BankNotes.genuine(), BankNotes.forged())) {
            Http.Response response = http.postForm("/", form(note.text()), "Accept", BROWSER_ACCEPT);
            assertEquals(200, response.status());
            Document page = response.html();
            JsonNode api = http.postJson("/api/predict", note.json().toString()).json();

            assertEquals(api.path("display_name").asText(), Http.textOf(page, "#predicted"));
            assertEquals(BankNotes.DISPLAY_NAMES.get(note.label()), Http.textOf(page, "#predicted"));

            List<Element> bars = page.select("progress");
            assertEquals(2, bars.size(), "one progress bar per class");
            double sum = 0;
            for (Element bar : bars) {
                assertEquals("1", bar.attr("max"));
                sum += Double.parseDouble(bar.attr("value"));
            }
            assertEquals(1.0, sum, 1e-3, "the bars sum to 1");
            for (String label : List.of("0", "1")) {
                Element row = page.selectFirst("tr[data-label=" + label + "]");
                assertNotNull(row, "a row for class " + label);
                assertEquals(
                        BankNotes.DISPLAY_NAMES.get(label),
                        row.selectFirst("th").text());
                assertEquals(
                        api.at("/probabilities/" + label).asDouble(),
                        Double.parseDouble(row.selectFirst("progress").attr("value")),
                        1e-6);
            }

            Map<String, String> sent = new LinkedHashMap<>();
            Element dl = page.selectFirst("dl.sent");
            assertNotNull(dl, "the values sent are listed");
            for (Element dt : dl.select("dt")) {
                sent.put(dt.text(), dt.nextElementSibling().text());
            }
            assertEquals(note.text(), sent);
            for (String feature : BankNotes.FEATURES) {
                assertEquals(
                        note.text().get(feature),
                        inputLabelled(page, feature).attr("value"),
                        "the form keeps " + feature);
            }
            assertNoExternalResourceAndNoScript(page);
        }
    }

    @Test
    void aBadValueIs400ShownNextToItsFieldKeepingWhatWasTypedAndTheOtherValues() {
        Map<String, String> typed = genuineWith("variance", "abc");
        Http.Response response = http.postForm("/", form(typed), "Accept", BROWSER_ACCEPT);
        assertEquals(400, response.status());
        Document page = response.html();

        Element input = inputLabelled(page, "variance");
        assertEquals("abc", input.attr("value"));
        Element error = page.getElementById("variance-error");
        assertNotNull(error, "variance-error");
        assertTrue(error.text().contains("abc"), error::text);
        assertEquals(input.parent(), error.parent(), "the error sits next to its input");
        assertTrue(input.attr("aria-describedby").contains("variance-error"));
        assertEquals("true", input.attr("aria-invalid"));
        for (String other : List.of("skewness", "curtosis", "entropy")) {
            assertEquals(typed.get(other), inputLabelled(page, other).attr("value"), other + " kept");
            assertNull(page.getElementById(other + "-error"), other + " has no error");
        }
        assertNull(page.getElementById("predicted"), "no prediction for bad input");
        assertNoExternalResourceAndNoScript(page);
    }

    @Test
    void everyBadFieldIsShownAtOnceWithMarkupEscaped() {
        Map<String, String> typed = genuineWith("variance", "<b>1</b>");
        typed.put("entropy", "");
        Http.Response response = http.postForm("/", form(typed));
        assertEquals(400, response.status());
        Document page = response.html();
        assertNotNull(page.getElementById("variance-error"));
        assertNotNull(page.getElementById("entropy-error"));
        assertEquals("<b>1</b>", inputLabelled(page, "variance").attr("value"));
        assertTrue(page.select("b").isEmpty(), "what was typed is escaped, not markup");
        assertTrue(Http.textOf(page, "#errors").contains("2"), "the summary counts the bad values");
    }

    @Test
    void anUnknownFieldIsShownNotDropped() {
        Map<String, String> typed = new LinkedHashMap<>(BankNotes.genuine().text());
        typed.put("colour", "red");
        Http.Response response = http.postForm("/", form(typed));
        assertEquals(200, response.status(), "ignored, as on every route");
        assertTrue(
                Http.textOf(response.html(), "#warnings")
                        .contains("'colour' is not an input of the model; it was" + " ignored"),
                response.text());
    }

    @Test
    void anotherContentTypeIs415() {
        http.post("/", "application/json", BankNotes.genuine().json().toString().getBytes(StandardCharsets.UTF_8))
                .problem(415);
    }

    @Test
    void theFormPageLoadsNoExternalResourceAndHasNoScript() {
        Document page = http.get("/").html();
        assertNoExternalResourceAndNoScript(page);
        assertFalse(page.select("link[rel=stylesheet]").isEmpty(), "the page has its own stylesheet");
        for (Element link : page.select("link[href]")) {
            assertEquals(200, http.get(link.attr("href")).status(), link.attr("href") + " is served");
        }
    }

    @Test
    void aValueBeyondFloatRangeIsShownNextToItsFieldKeepingWhatWasTyped() {
        Http.Response response = http.postForm("/", form(genuineWith("variance", "1e300")), "Accept", BROWSER_ACCEPT);
        assertEquals(400, response.status());
        Document page = response.html();
        assertNotNull(page.getElementById("variance-error"), page::html);
        assertEquals("1e300", inputLabelled(page, "variance").attr("value"));
    }

    @Test
    void aBodyThatIsNotValidUtf8Is400() {
        http.postForm("/", "variance=%FF&skewness=1&curtosis=1&entropy=1").problem(400);
    }

    @Test
    void aFormBodyOverTheFourMebibyteLimitIs413() {
        String big = form(BankNotes.genuine().text()) + "&note=" + "a".repeat(4 << 20);
        http.fresh().postForm("/", big).problem(413);
    }

    @Test
    void aFormOverTheContainersFormLimitsIsA4xxNeverA500() {
        String big = form(BankNotes.genuine().text()) + "&note=" + "a".repeat(300_000);
        Http.Response large = http.fresh().postForm("/", big);
        assertTrue(large.status() >= 400 && large.status() < 500, () -> "answered " + large.status());
        StringBuilder many = new StringBuilder(form(BankNotes.genuine().text()));
        for (int i = 0; i < 2_000; i++) {
            many.append("&k").append(i).append("=1");
        }
        Http.Response fields = http.fresh().postForm("/", many.toString());
        assertTrue(fields.status() >= 400 && fields.status() < 500, () -> "answered " + fields.status());
    }
}
