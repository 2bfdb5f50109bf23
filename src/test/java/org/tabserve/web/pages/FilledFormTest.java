package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cardmaking.CardFile;
import org.tabserve.cardmaking.CardFileTest;
import org.tabserve.cli.FixtureCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.model.Model;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.testing.Http;

/**
 * The form of a carded model as first shown: filled with values the model takes, so that it answers as it stands; from
 * the card's first example, or, for a card without examples, with typical values of the data (a whole number's median
 * rounded, the most frequent text); and its suggestions are their values, never a word of the template.
 */
class FilledFormTest {

    private static final String BROWSER = "text/html";

    @TempDir
    Path cards;

    /** The form's values as a browser sends them: every input's and select's. */
    private static Map<String, String> values(Document page) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Element field : page.select("form#predict input, form#predict select")) {
            Element chosen = field.tagName().equals("select") ? field.selectFirst("option[selected]") : field;
            values.put(field.attr("name"), chosen == null ? "" : chosen.attr("value"));
        }
        return values;
    }

    private static String encode(Map<String, String> values) {
        List<String> pairs = new ArrayList<>();
        values.forEach((k, v) -> pairs.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return String.join("&", pairs);
    }

    /** Posts the form as shown and requires an answer. */
    private static Document submitAsShown(Http http, Document form) {
        Http.Response answer = http.postForm("/", encode(values(form)), "Accept", BROWSER);
        assertEquals(200, answer.status(), answer::text);
        assertNotNull(answer.html().getElementById("predicted"), answer::text);
        assertNull(answer.html().getElementById("errors"));
        return answer.html();
    }

    @Test
    void aCardedFormIsFilledWithTheCardsFirstExampleAndItsSuggestionsAreTheirValues() throws Exception {
        Path carded = FixtureCards.card(cards, "int64-column", "sex", "--class-names", "0=female,1=male");
        try (TabserveServer server = TabserveServer.startReady("--model", carded.toString())) {
            Http http = new Http(server);
            Document form = http.get("/", "Accept", BROWSER).html();
            Element shown = form.selectFirst(".examples a[aria-current]");
            assertNotNull(shown, "the example the form is filled with is marked");
            assertTrue(Http.textOf(form, "#filled-note").contains("“" + shown.text() + "”"), form.text());
            for (String part : shown.attr("title").split(", ")) {
                String[] nameValue = part.split(" ", 2);
                assertEquals(nameValue[1], values(form).get(nameValue[0]), nameValue[0]);
            }
            for (Element option : form.select("option")) {
                assertTrue(
                        option.text().isEmpty()
                                || option.text().equals(option.attr("value"))
                                || option.attr("value").isEmpty(),
                        option.outerHtml());
            }
            assertTrue(form.select("datalist option").size() > 0, "the fixture has suggestions to check");
            submitAsShown(http, form);
        }
    }

    @Test
    void aCardWithoutExamplesFillsTheMedianOfWholeNumbersAndTheMostFrequentText() throws Exception {
        Path carded = FixtureCards.card(cards, "int64-column", "sex");
        Map<String, String> metadata;
        try (Model model = OnnxModelLoader.load(carded)) {
            metadata = new HashMap<>(model.card().metadata());
        }
        assertNotNull(metadata.remove(CardKeys.EXAMPLES), "the card command writes examples");
        Path noExamples = cards.resolve("int64-column-no-examples.onnx");
        CardFile.write(CardFileTest.FIXTURES.resolve("int64-column.onnx"), metadata, noExamples, false);

        try (TabserveServer server = TabserveServer.startReady("--model", noExamples.toString())) {
            Http http = new Http(server);
            Document form = http.get("/", "Accept", BROWSER).html();
            assertTrue(Http.textOf(form, "#filled-note").contains("typical values"), form.text());
            Map<String, String> values = values(form);

            List<String> lines = Files.readAllLines(cards.resolve("int64-column.labelled.csv"));
            List<String> header = List.of(lines.get(0).split(","));
            for (String text : List.of("species", "island")) {
                Map<String, Integer> counts = new HashMap<>();
                lines.subList(1, lines.size())
                        .forEach(l -> counts.merge(l.split(",")[header.indexOf(text)], 1, Integer::sum));
                String mostFrequent = Collections.max(counts.entrySet(), Map.Entry.comparingByValue())
                        .getKey();
                assertEquals(mostFrequent, values.get(text), text + ": the data's most frequent value");
            }
            for (String whole : List.of("flipper_length_mm", "body_mass_kg")) {
                List<Long> data = new ArrayList<>(lines.subList(1, lines.size()).stream()
                        .map(l -> Long.parseLong(l.split(",")[header.indexOf(whole)]))
                        .sorted()
                        .toList());
                double median = (data.get((data.size() - 1) / 2) + data.get(data.size() / 2)) / 2.0;
                long filled = Long.parseLong(values.get(whole)); // a whole number, not a mean such as 200.9
                double bin = (data.get(data.size() - 1) - data.get(0)) / 16.0; // the card's histogram bins
                assertEquals(
                        median, filled, Math.max(1, bin), whole + ": the data's median, from the card's histogram");
            }
            for (String decimal : List.of("bill_length_mm", "bill_depth_mm")) {
                double mean = lines.subList(1, lines.size()).stream()
                        .mapToDouble(l -> Double.parseDouble(l.split(",")[header.indexOf(decimal)]))
                        .average()
                        .orElseThrow();
                assertEquals(mean, Double.parseDouble(values.get(decimal)), 1e-3, decimal + ": the data's mean");
            }
            submitAsShown(http, form);
        }
    }
}
