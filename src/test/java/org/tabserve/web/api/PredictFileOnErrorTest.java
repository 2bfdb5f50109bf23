package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.rows.field.OnError;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;

/**
 * {@code POST /predict_file} with {@code ?on_error=row|reject}, on real rows with empty text cells: rows 1 to 13 of
 * {@code penguins.csv} ({@code fixtures/penguins/empty-sex.csv}), five of them with an empty {@code sex}, which the
 * served penguins species model ({@code species-zipmap.onnx}) cannot take missing. With {@code on_error=row} every
 * answer format (JSON, CSV, the upload page and its download) has all 13 rows in file order, each bad one with its
 * error in its place and each good one as scikit-learn answered it ({@code species-zipmap.expected.json}); by default
 * the upload is refused whole, and the refusal tells the way on; a bad {@code on_error} is a 400 naming it. The
 * query is read as on every batch route: a repeated parameter is a 400 naming it, a bare one is sent and empty.
 */
class PredictFileOnErrorTest {

    private static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");
    /** The data rows whose sex is empty, counted from 0 as every error counts rows. */
    private static final List<Integer> BAD_ROWS = List.of(3, 8, 9, 10, 11);

    private static final int ROWS = 13;

    @RegisterExtension
    static final Http http = Http.startingTheApp(
            "--model", PENGUINS.resolve("species-zipmap.onnx").toAbsolutePath().toString());

    private static byte[] csv() throws IOException {
        return Files.readAllBytes(PENGUINS.resolve("empty-sex.csv"));
    }

    /** scikit-learn's answers, by data row of penguins.csv (the same numbers as the test file's). */
    private static Map<Integer, JsonNode> expected() throws IOException {
        Map<Integer, JsonNode> rows = new HashMap<>();
        Http.JSON
                .readTree(PENGUINS.resolve("species-zipmap.expected.json").toFile())
                .path("rows")
                .forEach(row -> rows.put(row.path("row").asInt(), row));
        return rows;
    }

    @Test
    void theJsonAnswerHasEveryRowInFileOrderEachBadOneWithItsErrorsInItsPlace() throws IOException {
        Map<Integer, JsonNode> expected = expected();
        JsonNode predictions = http.upload("/predict_file?on_error=row", Multipart.csv(csv()))
                .json()
                .get("predictions");
        assertEquals(ROWS, predictions.size(), "one entry per row: " + predictions);
        for (int row = 1; row <= ROWS; row++) {
            JsonNode entry = predictions.get(row - 1);
            if (BAD_ROWS.contains(row - 1)) {
                assertEquals(List.of("errors"), fieldNames(entry), "row " + row + ": " + entry);
                JsonNode error = entry.path("errors").get(0);
                assertEquals("sex", error.path("field").asText());
                assertEquals(row - 1, error.path("row").asInt(), "its entry's place");
                assertTrue(error.path("message").asText().contains("missing"), error.toString());
            } else {
                assertFalse(entry.has("errors"), "row " + row);
                assertEquals(
                        expected.get(row).path("label").asText(),
                        entry.path("label").asText(),
                        "row " + row);
                assertProbabilities(expected.get(row), entry.path("probabilities"), "row " + row);
            }
        }
    }

    @Test
    void theCsvAnswerHasALastErrorColumnEmptyForScoredRows() throws IOException {
        Map<Integer, JsonNode> expected = expected();
        Http.Response response = http.upload("/predict_file?format=csv&on_error=row", Multipart.csv(csv()));
        assertEquals(200, response.status(), response::text);
        assertInPlace(response.text(), expected);
    }

    @Test
    void theUploadPageShowsEachBadRowsErrorInItsPlaceAndItsDownloadCarriesTheErrorColumn() throws IOException {
        // The form sends the choice as a field beside the file: its box "answer the other rows".
        Http.Response response =
                http.upload("/predict_file?format=html", Multipart.csv(csv()).text(OnError.PARAMETER, "row"));
        assertEquals(200, response.status(), response::text);
        Document page = response.html();
        assertTrue(
                page.getElementById("refused").text().startsWith("5 of the 13 rows were not scored"),
                page.getElementById("refused").text());
        assertTrue(
                page.getElementById("summary").text().startsWith("8 rows scored"),
                page.getElementById("summary").text());
        List<Element> rows = page.select("#preview tbody tr");
        assertEquals(10, rows.size(), "the first ten rows, good and bad, in file order");
        for (int i = 0; i < rows.size(); i++) {
            Element row = rows.get(i);
            int number = i; // counted from 0, as the errors count rows
            assertEquals(String.valueOf(number), row.selectFirst("th").text());
            Element error = row.selectFirst("td.row-error");
            assertEquals(BAD_ROWS.contains(number), error != null, "row " + number);
            if (error != null) {
                assertTrue(error.text().startsWith("sex: "), error.text());
                assertTrue(row.hasClass("refused"));
            } else {
                assertEquals(expected().get(number + 1).path("label").asText(), row.attr("data-label"));
            }
        }
        String href = page.getElementById("download-link").attr("href");
        String download =
                new String(Base64.getDecoder().decode(href.substring(href.indexOf(',') + 1)), StandardCharsets.UTF_8);
        assertInPlace(download, expected());
    }

    @Test
    void byDefaultTheUploadIsRefusedWholeAndEveryAnswerFormatTellsTheWayOn() throws IOException {
        JsonNode problem = http.upload("/predict_file", Multipart.csv(csv())).problem(400);
        assertTrue(problem.path("detail").asText().endsWith(OnError.HINT), problem.toString());
        List<Integer> rows = new java.util.ArrayList<>();
        problem.path("errors").forEach(e -> rows.add(e.path("row").asInt()));
        assertEquals(BAD_ROWS, rows);
        Http.Response asCsv = http.upload("/predict_file?format=csv&on_error=reject", Multipart.csv(csv()));
        assertEquals(400, asCsv.status());
        assertTrue(asCsv.text().contains(OnError.HINT), asCsv.text());
        // The page's user has the form's tick box, not a query string (issue 39, item 1): the page names the box.
        Http.Response page =
                http.upload("/predict_file?format=html&on_error=reject", Multipart.csv(csv()), "Accept", "text/html");
        assertEquals(400, page.status());
        assertTrue(
                page.text().contains("tick &quot;" + UploadView.ON_ERROR_BOX + "&quot;")
                        || page.text().contains("tick \"" + UploadView.ON_ERROR_BOX + "\""),
                page.text());
        // Its words never send a person to a query string; the link that answers the other rows (issue 79) opens
        // the form with the box ticked, which is the form's own address.
        assertFalse(org.jsoup.Jsoup.parse(page.text()).text().contains("?on_error"), page.text());
        assertEquals(
                "/?on_error=row#upload",
                org.jsoup.Jsoup.parse(page.text())
                        .getElementById("answer-the-other-rows")
                        .attr("href"));
        assertTrue(
                java.nio.file.Files.readString(java.nio.file.Path.of("webapp/WEB-INF/templates/form.html"))
                        .contains(">" + UploadView.ON_ERROR_BOX + "</label>"),
                "the form's tick box has the label the page names");
    }

    @Test
    void aBadOnErrorIsA400NamingIt() throws IOException {
        Http.Response response = http.upload("/predict_file?on_error=skip", Multipart.csv(csv()));
        assertEquals(List.of(OnError.PARAMETER), response.errorFields(400));
        assertTrue(response.text().contains("'skip'"), response.text());
        Http.Response field = http.upload("/predict_file", Multipart.csv(csv()).text(OnError.PARAMETER, "all"));
        assertEquals(List.of(OnError.PARAMETER), field.errorFields(400));
    }

    /**
     * The query is read as every batch route reads it ({@code RequestParameters.query}): a repeated parameter is a 400
     * naming it (issue 47: it counted by its last value), for {@code on_error} and {@code format} alike.
     */
    @Test
    void aRepeatedParameterIsA400NamingItAsOnEveryBatchRoute() throws IOException {
        assertEquals(
                List.of(OnError.PARAMETER),
                http.upload("/predict_file?on_error=reject&on_error=row", Multipart.csv(csv()))
                        .errorFields(400));
        assertEquals(
                List.of("format"),
                http.upload("/predict_file?format=json&format=csv&on_error=row", Multipart.csv(csv()))
                        .errorFields(400));
        // The same repeated on_error on another batch route, MLflow's, is read the same way.
        String rows = "{\"dataframe_records\": [{\"island\": \"Biscoe\", \"bill_length_mm\": 45.2,"
                + " \"bill_depth_mm\": 14.8, \"flipper_length_mm\": 212, \"body_mass_g\": 5200, \"sex\": null}]}";
        Http.Response invocations = http.post(
                "/invocations?on_error=reject&on_error=row", "application/json", rows.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(OnError.PARAMETER), invocations.errorFields(400));
    }

    /** A name with no {@code =} is sent, and empty: a 400 naming it, on this route as on every batch route. */
    @Test
    void aBareParameterIsA400NamingIt() throws IOException {
        Http.Response onError = http.upload("/predict_file?on_error", Multipart.csv(csv()));
        assertEquals(List.of(OnError.PARAMETER), onError.errorFields(400));
        // Also when the form's field says "row": the query names the parameter, so it is the query's value.
        Http.Response besideField =
                http.upload("/predict_file?on_error", Multipart.csv(csv()).text(OnError.PARAMETER, "row"));
        assertEquals(List.of(OnError.PARAMETER), besideField.errorFields(400));
        Http.Response format = http.upload("/predict_file?format", Multipart.csv(csv()));
        assertEquals(List.of("format"), format.errorFields(400));
        Http.Response unknown = http.upload("/predict_file?format=xml", Multipart.csv(csv()));
        assertEquals(List.of("format"), unknown.errorFields(400));
        assertTrue(unknown.text().contains("'xml'"), unknown.text());
        String rows = "{\"dataframe_records\": [{\"island\": \"Biscoe\"}]}";
        Http.Response invocations =
                http.post("/invocations?on_error", "application/json", rows.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(OnError.PARAMETER), invocations.errorFields(400));
    }

    /** A CSV answer with on_error=row: every row in order, the bad ones with empty answers and their error. */
    private static void assertInPlace(String text, Map<Integer, JsonNode> expected) throws IOException {
        List<CSVRecord> records = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(new StringReader(text))
                .getRecords();
        List<String> header = records.get(0).getParser().getHeaderNames();
        assertEquals("error", header.get(header.size() - 1), "the last column: " + header);
        assertEquals(ROWS, records.size());
        List<CSVRecord> sent = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(new StringReader(new String(csv(), StandardCharsets.UTF_8)))
                .getRecords();
        for (int row = 1; row <= ROWS; row++) {
            CSVRecord record = records.get(row - 1);
            assertEquals(header.size(), record.size(), "row " + row + " has every column");
            assertEquals(sent.get(row - 1).get("species"), record.get("species"), "the input echoed");
            if (BAD_ROWS.contains(row - 1)) {
                assertEquals("", record.get("label"));
                assertEquals("", record.get("probability_Adelie"));
                assertTrue(record.get("error").startsWith("sex: "), record.get("error"));
            } else {
                assertEquals("", record.get("error"), "row " + row);
                assertEquals(expected.get(row).path("label").asText(), record.get("label"), "row " + row);
                for (Iterator<Map.Entry<String, JsonNode>> it =
                                expected.get(row).path("probabilities").fields();
                        it.hasNext(); ) {
                    Map.Entry<String, JsonNode> p = it.next();
                    assertEquals(
                            p.getValue().asDouble(),
                            Double.parseDouble(record.get("probability_" + p.getKey())),
                            1e-5,
                            "row " + row + " " + p.getKey());
                }
            }
        }
    }

    private static void assertProbabilities(JsonNode expected, JsonNode actual, String where) {
        assertEquals(expected.path("probabilities").size(), actual.size(), where);
        expected.path("probabilities")
                .fields()
                .forEachRemaining(p -> assertEquals(
                        p.getValue().asDouble(),
                        actual.path(p.getKey()).asDouble(Double.NaN),
                        1e-5,
                        where + " " + p.getKey()));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
