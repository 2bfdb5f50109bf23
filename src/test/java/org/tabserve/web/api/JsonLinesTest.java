package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;

/**
 * JSON Lines ({@code application/x-ndjson}) in, on {@code /predict_file} and {@code /invocations}: the bodies are
 * pandas' own ({@code to_json(orient="records", lines=True)}, made with the CSV pandas writes of the same rows by
 * {@code fixtures/make_jsonl_bodies.py}), and each answer must be byte for byte what the same rows sent as CSV get;
 * bad lines get the CSV's treatment (a 400 naming the row and the field, or with {@code on_error=row} an answer in
 * their place), and a line past the row limit a 413.
 */
class JsonLinesTest {

    private static final Path DIR = Path.of("src/test/resources/org/tabserve/fixtures/jsonl");
    private static final String JSON_LINES = "application/x-ndjson";

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    private static byte[] fixture(String name) throws Exception {
        return Files.readAllBytes(DIR.resolve(name));
    }

    private static Multipart jsonLines(byte[] body, String fileName, String contentType) {
        return new Multipart().file("file", fileName, contentType, body);
    }

    @Test
    void anUploadOfJsonLinesIsAnsweredAsTheSameRowsInCsvInEveryAnswerFormat() throws Exception {
        byte[] csv = fixture("banknotes.csv");
        byte[] lines = fixture("banknotes.jsonl");
        for (String query : new String[] {"", "?format=csv", "?on_error=row", "?format=csv&on_error=row"}) {
            Http.Response fromCsv = http.upload("/predict_file" + query, Multipart.csv(csv));
            // Named by its media type, and by its name alone (curl sends a file as application/octet-stream).
            for (Multipart upload : new Multipart[] {
                jsonLines(lines, "rows.txt", JSON_LINES), jsonLines(lines, "rows.jsonl", "application/octet-stream")
            }) {
                Http.Response fromLines = http.upload("/predict_file" + query, upload);
                assertEquals(200, fromLines.status(), fromLines.text());
                assertArrayEquals(fromCsv.body(), fromLines.body(), query + ": " + fromLines.text());
            }
        }
        assertEquals(
                196,
                http.upload("/predict_file", Multipart.csv(csv))
                        .json()
                        .get("predictions")
                        .size());
        Http.Response page = http.upload("/predict_file?format=html", jsonLines(lines, "rows.jsonl", JSON_LINES));
        assertEquals(200, page.status(), page.text());
        assertTrue(page.text().contains("rows.jsonl"), "the page names the file");
    }

    @Test
    void invocationsAnswersJsonLinesAsMlflowAnswersTheCsv() throws Exception {
        Http.Response fromCsv = http.post("/invocations", "text/csv", fixture("banknotes.csv"));
        Http.Response fromLines = http.post("/invocations", JSON_LINES, fixture("banknotes.jsonl"));
        assertEquals(200, fromLines.status(), fromLines.text());
        assertArrayEquals(fromCsv.body(), fromLines.body(), fromLines.text());
        assertEquals(196, fromLines.json().get("predictions").size());
    }

    /** The penguins pipeline: text columns and measurements pandas wrote as null, which the pipeline imputes. */
    @Test
    void textCellsAndPandasNullsAreReadAsTheCsvsCells() throws Exception {
        try (TabserveServer server = TabserveServer.startReady(
                "--model",
                Path.of("src/test/resources/org/tabserve/fixtures/penguins/species-zipmap.onnx")
                        .toAbsolutePath()
                        .toString())) {
            Http penguins = new Http(server);
            byte[] lines = fixture("penguins.jsonl");
            for (String query : new String[] {"", "?format=csv"}) {
                Http.Response fromCsv =
                        penguins.upload("/predict_file" + query, Multipart.csv(fixture("penguins.csv")));
                Http.Response fromLines =
                        penguins.upload("/predict_file" + query, jsonLines(lines, "penguins.jsonl", JSON_LINES));
                assertEquals(200, fromLines.status(), fromLines.text());
                assertArrayEquals(fromCsv.body(), fromLines.body(), query + ": " + fromLines.text());
            }
            assertArrayEquals(
                    penguins.post("/invocations", "text/csv", fixture("penguins.csv"))
                            .body(),
                    penguins.post("/invocations", JSON_LINES, lines).body());
        }
    }

    private static final String GOOD = "{\"variance\":3.6,\"skewness\":8.6,\"curtosis\":-2.8,\"entropy\":-0.4}";

    @Test
    void aBadLineRefusesTheUploadNamingItsRowAndFieldOrIsAnsweredInItsPlace() throws Exception {
        byte[] body = String.join(
                        "\n",
                        GOOD,
                        "{\"variance\":\"high\",\"skewness\":8.6,\"curtosis\":-2.8,\"entropy\":-0.4}",
                        "[1, 2, 3, 4]",
                        "{\"variance\":3.6,\"skewness\":8.6,\"curtosis\":-2.8,\"entropy\":-0.4,\"colour\":\"green\"}",
                        "{\"variance\":3.6,\"skewness\":8.6,\"curtosis\":-2.8,\"entropy\":",
                        GOOD,
                        "")
                .getBytes(StandardCharsets.UTF_8);
        Http.Response refused = http.upload("/predict_file", jsonLines(body, "rows.jsonl", JSON_LINES));
        assertEquals(400, refused.status(), refused.text());
        JsonNode errors = refused.problem(400).get("errors");
        assertEquals(4, errors.size(), refused.text());
        assertEquals("variance", errors.get(0).get("field").asText());
        assertEquals(1, errors.get(0).get("row").asInt(), "the second line's row, counted from 0");
        assertEquals(
                "'variance' must be a finite decimal number, got 'high'",
                errors.get(0).get("message").asText());
        assertEquals(2, errors.get(1).get("row").asInt());
        assertTrue(
                errors.get(1).get("message").asText().startsWith("line 3 is not a JSON object but an array"),
                refused.text());
        assertTrue(
                errors.get(2)
                        .get("message")
                        .asText()
                        .startsWith("line 4 has the key 'colour', which the first"
                                + " line has not; its keys are [variance, skewness, curtosis, entropy]"),
                refused.text());
        assertTrue(errors.get(3).get("message").asText().startsWith("line 5 is not JSON"), refused.text());

        JsonNode inPlace = http.upload("/predict_file?on_error=row", jsonLines(body, "rows.jsonl", JSON_LINES))
                .json()
                .get("predictions");
        assertEquals(6, inPlace.size(), inPlace.toString());
        for (int row : new int[] {0, 5}) {
            assertTrue(inPlace.get(row).has("label"), inPlace.toString());
        }
        for (int row = 1; row <= 4; row++) {
            assertTrue(inPlace.get(row).has("errors") && !inPlace.get(row).has("label"), inPlace.toString());
        }
        Http.Response mlflow = http.post("/invocations?on_error=row", JSON_LINES, body);
        assertEquals(200, mlflow.status(), mlflow.text());
        assertEquals(
                "[\"0\",null,null,null,null,\"0\"]"
                        .replace(
                                "\"0\"", mlflow.json().get("predictions").get(0).toString()),
                mlflow.json().get("predictions").toString());
    }

    @Test
    void aByteOrderMarkIsDroppedAsTheCsvsIs() {
        Http.Response answer =
                http.post("/invocations", JSON_LINES, ("\uFEFF" + GOOD + "\r\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(200, answer.status(), answer.text());
        assertEquals(1, answer.json().get("predictions").size());
    }

    @Test
    void aLineLongerThanARowMayBeIsRefusedWith413() throws Exception {
        String longLine = "{\"variance\":3.6,\"skewness\":8.6,\"curtosis\":-2.8,\"entropy\":-0.4,\"note\":\""
                + "x".repeat(1 << 20) + "\"}\n";
        Http.Response refused = http.upload(
                "/predict_file",
                jsonLines(
                        (GOOD.replace("}", ",\"note\":\"\"}") + "\n" + longLine).getBytes(StandardCharsets.UTF_8),
                        "rows.jsonl",
                        JSON_LINES));
        assertEquals(413, refused.status(), refused.text());
        assertTrue(
                refused.problem(413).get("detail").asText().contains("line 2 of the JSON Lines is longer than"),
                refused.text());
    }

    @Test
    void anEmptyBodyOrAFirstLineWithoutTheFeaturesIsRefusedNamingWhatIsMissing() throws Exception {
        Http.Response empty = http.post("/invocations", JSON_LINES, "\n\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, empty.status(), empty.text());
        assertTrue(empty.problem(400).get("detail").asText().contains("the JSON Lines has no rows"), empty.text());
        Http.Response missing = http.post(
                "/invocations", JSON_LINES, "{\"variance\":1,\"skewness\":2}\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, missing.status(), missing.text());
        assertTrue(missing.text().contains("the first line of the JSON Lines has no key 'curtosis'"), missing.text());
    }
}
