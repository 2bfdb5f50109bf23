package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.cli.ConformalCards;
import org.tabserve.cli.ConformalServer;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * {@code "coverage"} on {@code POST /api/predict} (and every model's own route) answers how sure each answer is from
 * the card's split-conformal calibration ({@code card --calibration}): on the bank-note fixtures' test rows, which
 * neither trained nor calibrated the models, a regressor's intervals and a classifier's prediction sets cover the
 * truth as often as asked, within 3 points, at 0.8, 0.9 and 0.95. A bad coverage, or one asked of a model without
 * calibration, is a 400 naming {@code coverage}; a row far from every calibration row is flagged novel and counted.
 */
@ExtendWith(ConformalServer.class)
class CoverageApiTest {

    static TabserveServer server;
    static Http http;
    static List<String[]> test;

    @BeforeAll
    static void start(TabserveServer shared) throws Exception {
        server = shared;
        http = new Http(server);
        test = ConformalCards.testRows();
    }

    /** The test rows as {@code instances} of the given columns (indices into the CSV's five). */
    private static String instances(double coverage, int... columns) {
        StringBuilder body = new StringBuilder("{\"coverage\": " + coverage + ", \"instances\": [");
        for (int r = 0; r < test.size(); r++) {
            body.append(r == 0 ? "[" : ", [");
            for (int c = 0; c < columns.length; c++) {
                body.append(c == 0 ? "" : ", ").append(test.get(r)[columns[c]]);
            }
            body.append(']');
        }
        return body.append("]}").toString();
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.8, 0.9, 0.95})
    void aRegressorsIntervalsCoverTheTestRowsAsOftenAsAsked(double coverage) {
        JsonNode predictions = http.postJson("/models/entropy/api/predict", instances(coverage, 0, 1, 2))
                .json()
                .path("predictions");
        assertEquals(test.size(), predictions.size());
        int covered = 0;
        for (int r = 0; r < test.size(); r++) {
            JsonNode row = predictions.get(r);
            JsonNode interval = row.path("interval");
            assertEquals(coverage, interval.path("coverage").asDouble(), row::toString);
            double value = row.path("value").asDouble();
            if (!interval.path("clipped").asBoolean()) { // else an end was brought in to the card's target range
                assertEquals(
                        value - interval.path("lower").asDouble(),
                        interval.path("upper").asDouble() - value,
                        1e-9,
                        "the interval is the value ± q: " + row);
            }
            double truth = Double.parseDouble(test.get(r)[3]);
            covered += interval.path("lower").asDouble() <= truth
                            && truth <= interval.path("upper").asDouble()
                    ? 1
                    : 0;
        }
        assertCoverage(coverage, covered);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.8, 0.9, 0.95})
    void aClassifiersPredictionSetsHoldTheTrueClassAsOftenAsAsked(double coverage) {
        JsonNode predictions = http.postJson("/models/forged/api/predict", instances(coverage, 1, 2))
                .json()
                .path("predictions");
        int covered = 0;
        int pairs = 0;
        for (int r = 0; r < test.size(); r++) {
            JsonNode row = predictions.get(r);
            assertEquals(coverage, row.path("coverage").asDouble(), row::toString);
            List<String> set = Http.JSON.convertValue(row.path("prediction_set"), List.class);
            covered += set.contains(test.get(r)[4]) ? 1 : 0;
            pairs += set.size() == 2 ? 1 : 0;
        }
        assertCoverage(coverage, covered);
        assertTrue(pairs > 0 && pairs < test.size(), "a weak classifier is unsure of some rows only: " + pairs);
    }

    private static void assertCoverage(double coverage, int covered) {
        double empirical = (double) covered / test.size();
        assertEquals(
                coverage,
                empirical,
                0.03,
                () -> String.format(
                        Locale.ROOT, "asked %.2f, covered %d of %d test rows", coverage, covered, test.size()));
    }

    @Test
    void theQueryAsksAsTheBodyDoesAndOneRowGainsItsIntervalAndNovelty() {
        String row = "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073}";
        JsonNode inBody = http.postJson("/api/predict", row.replace("}", ", \"coverage\": 0.9}"))
                .json();
        JsonNode inQuery =
                http.postJson("/models/entropy/api/predict?coverage=0.9", row).json();
        assertEquals(inBody, inQuery);
        assertTrue(inBody.path("interval").has("lower"), inBody::toString);
        assertFalse(inBody.path("novelty").path("novel").asBoolean(), inBody::toString);
        assertFalse(http.postJson("/api/predict", row).json().has("interval"), "asked for nothing, given nothing");
    }

    @Test
    void aRowUnlikeEveryCalibrationRowIsFlaggedAndCounted() {
        JsonNode far = http.postJson(
                        "/models/forged/api/predict?coverage=0.9", "{\"skewness\": 400, \"curtosis\": -300}")
                .json();
        JsonNode novelty = far.path("novelty");
        assertTrue(novelty.path("novel").asBoolean(), far::toString);
        assertTrue(novelty.path("p_value").asDouble() < 0.01, far::toString);
        JsonNode card = http.get("/models/forged/api/model").json().path("conformal");
        assertTrue(card.path("novelty").path("novel_rows").asLong() >= 1, card::toString);
        assertTrue(
                card.path("novelty").path("checked_rows").asLong()
                        >= card.path("novelty").path("novel_rows").asLong(),
                card::toString);
        String metrics = http.get("/metrics").text();
        assertTrue(
                metrics.lines()
                        .anyMatch(l -> l.startsWith("tabserve_novel_rows_total{model=\"forged\"}")
                                && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 1),
                metrics);
    }

    @Test
    void anUploadsCsvAnswerAndThePagesDownloadGainTheIntervalColumnsAndItsJsonAnswerTheIntervals() throws Exception {
        String csv = Files.readString(ConformalCards.TEST_ROWS);
        List<String> lines = http.upload(
                        "/models/entropy/predict_file?coverage=0.9&format=csv", org.tabserve.testing.Multipart.csv(csv))
                .text()
                .lines()
                .toList();
        assertEquals(
                "variance,skewness,curtosis,entropy,class,value,lower,upper,coverage,novelty_p_value,novel",
                lines.get(0));
        assertEquals(test.size() + 1, lines.size());
        String[] first = lines.get(1).split(",");
        JsonNode json = http.upload(
                        "/models/entropy/predict_file?coverage=0.9", org.tabserve.testing.Multipart.csv(csv))
                .json()
                .path("predictions");
        if (!json.get(0).path("interval").path("clipped").asBoolean()) {
            assertEquals(
                    Double.parseDouble(first[5]) - Double.parseDouble(first[6]),
                    Double.parseDouble(first[7]) - Double.parseDouble(first[5]),
                    1e-9,
                    lines.get(1));
        }
        assertEquals(first[6], json.get(0).path("interval").path("lower").asText());
        String page = http.upload(
                        "/models/entropy/predict_file?coverage=0.9&format=html",
                        org.tabserve.testing.Multipart.csv(csv))
                .text();
        String uri = org.jsoup.Jsoup.parse(page).selectFirst("#download-link").attr("href");
        String download = new String(
                java.util.Base64.getDecoder().decode(uri.substring(uri.indexOf(',') + 1)),
                java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(lines.get(0), download.lines().findFirst().orElseThrow(), "the page's download has the columns");
    }

    @Test
    void mlflowsAnswerGainsColumnsAskedInParamsOrTheQuery() throws Exception {
        JsonNode regression = http.postJson(
                        "/models/entropy/invocations",
                        "{\"dataframe_split\": {\"columns\":"
                                + " [\"variance\", \"skewness\", \"curtosis\"], \"data\": [[3.6216, 8.6661, -2.8073]]},"
                                + " \"params\": {\"coverage\": 0.9}}")
                .json()
                .path("predictions")
                .get(0);
        assertTrue(
                regression.path("lower").asDouble()
                        < regression.path("prediction").asDouble(),
                regression::toString);
        assertEquals(0.9, regression.path("coverage").asDouble());
        JsonNode set = http.post(
                        "/models/forged/invocations?coverage=0.95",
                        "text/csv",
                        "skewness,curtosis\n8.6661,-2.8073\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .json()
                .path("predictions")
                .get(0);
        assertTrue(set.path("prediction_set").isArray(), set::toString);
        assertEquals("0", set.path("prediction").asText(), set::toString);
        JsonNode bad = http.postJson(
                        "/models/entropy/invocations", "{\"inputs\": [[1, 2, 3]], \"params\":" + " {\"coverage\": 2}}")
                .problem(400);
        assertEquals("params.coverage", bad.path("errors").get(0).path("field").asText(), bad::toString);
    }

    @Test
    void theCardShowsNominalAgainstEmpiricalCoverageOnItsCalibrationRows() {
        JsonNode conformal = http.get("/models/entropy/api/model").json().path("conformal");
        assertEquals("calibration.csv", conformal.path("file").asText(), conformal::toString);
        assertEquals(457, conformal.path("rows").asLong());
        assertEquals(3, conformal.path("checks").size(), conformal::toString);
        for (JsonNode check : conformal.path("checks")) {
            assertTrue(
                    check.path("empirical").asDouble() >= check.path("coverage").asDouble(), check::toString);
            assertTrue(check.path("mean_width").asDouble() > 0, check::toString);
        }
        assertTrue(http.get("/models/plain/api/model").json().path("conformal").isMissingNode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "0.3", "\"high\"", "null"})
    void aBadCoverageInTheBodyIsA400NamingIt(String coverage) {
        JsonNode problem = http.postJson(
                        "/api/predict",
                        "{\"variance\": 1, \"skewness\": 2, \"curtosis\": 3," + " \"coverage\": " + coverage + "}")
                .problem(400);
        assertEquals("coverage", problem.path("errors").get(0).path("field").asText(), problem::toString);
        assertTrue(problem.path("detail").asText().contains("0.5 to 0.99"), problem::toString);
    }

    @Test
    void aBadCoverageInTheQueryIsA400NamingIt() {
        JsonNode problem = http.postJson(
                        "/api/predict?coverage=ninety", "{\"variance\": 1, \"skewness\": 2," + " \"curtosis\": 3}")
                .problem(400);
        assertEquals("coverage", problem.path("errors").get(0).path("field").asText(), problem::toString);
    }

    @Test
    void aModelWithoutCalibrationSaysHowToMakeOne() {
        JsonNode problem = http.postJson("/models/plain/api/predict?coverage=0.9", ModelDirectory.NOTE)
                .problem(400);
        assertEquals("coverage", problem.path("errors").get(0).path("field").asText(), problem::toString);
        assertTrue(problem.path("detail").asText().contains("--calibration"), problem::toString);
    }
}
