package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The form offers "How sure" for a model whose card has a conformal calibration, and says the answer's interval or
 * prediction set in words ("Between 1.2 and 3.4 with 90 % coverage: ranges made this way...", "Genuine or forged:
 * the prediction set at 90 % coverage holds more than one class..."); a
 * model without calibration offers nothing. The card page says which rows calibrated the model and the coverage
 * they had.
 */
@ExtendWith(ConformalServer.class)
class FormCoverageTest {

    static TabserveServer server;
    static Http http;

    @BeforeAll
    static void start(TabserveServer shared) throws Exception {
        server = shared;
        http = new Http(server);
    }

    @Test
    void aRegressorsIntervalIsSaidInWords() {
        Document page = Jsoup.parse(
                http.postForm("/models/entropy/", "variance=3.6216&skewness=8.6661" + "&curtosis=-2.8073&coverage=0.9")
                        .text());
        String words = Http.textOf(page, "#sureness");
        assertTrue(
                words.matches("Between -?[0-9.]+ and -?[0-9.]+ with 90 % coverage: ranges made this way hold the true"
                        + " value for at least 90 % of new rows like the calibration rows\\..*"),
                words);
        assertEquals("0.9", page.selectFirst("#coverage option[selected]").attr("value"), "the choice stays");
    }

    @Test
    void aClassifiersSetIsSaidInItsDisplayNames() {
        Document sure = Jsoup.parse(http.postForm("/models/forged/", "skewness=8.6661&curtosis=-2.8073&coverage=0.8")
                .text());
        assertTrue(
                Http.textOf(sure, "#sureness")
                        .startsWith("Genuine: the prediction set at 80 % coverage holds this class alone."),
                Http.textOf(sure, "#sureness"));
        Document unsure = Jsoup.parse(http.postForm("/models/forged/", "skewness=0&curtosis=0&coverage=0.95")
                .text());
        assertTrue(
                Http.textOf(unsure, "#sureness")
                        .startsWith("Genuine or forged: the prediction set at 95 % coverage holds more than one class"),
                Http.textOf(unsure, "#sureness"));
    }

    @Test
    void theCardPageSaysWhichRowsCalibratedTheModelAndHowOftenTheyWereCovered() {
        String page = Jsoup.parse(http.get("/models/entropy/card").text()).text();
        assertTrue(
                page.contains("calibration.csv, 457 rows (the calibration rows must not be rows the model was"
                        + " trained on"),
                page);
        assertTrue(page.matches("(?s).*0\\.9\\d* asked: 0\\.90\\d* covered, mean width 2\\.6\\d*.*"), page);
    }

    @Test
    void onlyACalibratedModelOffersACoverageAndNothingIsSaidUnasked() {
        assertTrue(Jsoup.parse(http.get("/models/forged/").text()).selectFirst("#coverage") != null);
        assertTrue(Jsoup.parse(http.get("/models/plain/").text()).selectFirst("#coverage") == null);
        Document unasked = Jsoup.parse(
                http.postForm("/models/forged/", "skewness=0&curtosis=0").text());
        assertTrue(unasked.selectFirst("#predicted") != null, unasked::html);
        assertFalse(unasked.selectFirst("#sureness") != null, unasked::html);
    }
}
