package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tabserve.cli.ConformalServer;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;

/**
 * Issue 51, item 4, on the form: an empty prediction set is told as what is true of it (no class's probability
 * reaches the level the coverage needs; the top class's probability), not as novelty while the row's novelty p-value
 * says it is as usual as any; and a coverage is worded so that nobody reads it as the answer's probability.
 */
@ExtendWith(ConformalServer.class)
class HonestSurenessTest {

    static TabserveServer server;
    static Http http;

    @BeforeAll
    static void start(TabserveServer shared) throws Exception {
        server = shared;
        http = new Http(server);
    }

    @Test
    void anEmptySetSaysWhichProbabilityIsMissingAndNotNoveltyForAUsualRow() {
        String row = "skewness=0&curtosis=0";
        var json = http.postJson("/models/forged/api/predict", "{\"skewness\": 0, \"curtosis\": 0, \"coverage\": 0.5}")
                .json();
        assertTrue(json.path("prediction_set").isEmpty(), "an empty set at 0.5: " + json);
        assertFalse(json.path("novelty").path("novel").asBoolean(), "a usual row: " + json);
        Document page = Jsoup.parse(
                http.postForm("/models/forged/", row + "&coverage=0.5").text());
        String words = Http.textOf(page, "#sureness");
        // Before: "No class fits at 50 %: the model has seen few rows like this one." for a row as usual as any.
        assertFalse(words.contains("seen few rows"), words);
        assertTrue(
                words.matches("The prediction set at 50 % coverage is empty: no class's probability reaches the level"
                        + " that coverage needs \\(at least [0-9.]+ %( for \\w+)?\\); the top class, (genuine|forged),"
                        + " has [0-9.]+ %\\..*"),
                words);
        assertFalse(words.contains("unlike the rows"), "novelty only when its p-value says so: " + words);
    }

    @Test
    void aCoverageIsNotWordedAsTheAnswersProbability() {
        Document page = Jsoup.parse(http.postForm("/models/forged/", "skewness=8.6661&curtosis=-2.8073&coverage=0.9")
                .text());
        String words = Http.textOf(page, "#sureness");
        // Before: "Genuine, at 90 %.", read beside the probability bars as a 90 % chance.
        assertFalse(words.matches("(?s).*, at 90 %.*"), words);
        assertTrue(words.contains("not this answer's probability"), words);
    }
}
