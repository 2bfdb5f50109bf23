package org.tabserve.rows.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;

/**
 * Issue 61, finding 10: fields the model does not take are named once and counted, on every route and in every
 * request format, so that a body of 100,000 of them (1.1 MB, answered with 8.7 MB of warnings, one a field) gets an
 * answer of a few kilobytes: the first {@value RowWarnings#NAMED_IGNORED} each in the warning they always had, and one
 * more, on the next field, counting the rest. A missing feature's error names at most as many.
 */
class RowWarningsTest {

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    private static final String ROW = "\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44";
    /** Fields a form sends: Jetty reads at most 1,000 form keys. */
    private static final int FORM_FIELDS = 900;
    /** The most bytes an answer of one or a few rows and its warnings takes, whatever was ignored. */
    private static final int SMALL_ANSWER = 16 << 10;

    /** {@code "x0": 0, "x1": 0, ...}: {@code n} fields the model does not take. */
    private static String unknownFields(int n) {
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < n; i++) {
            fields.append(", \"x").append(i).append("\": 0");
        }
        return fields.toString();
    }

    /** Checks the warnings name x0 to x19 one each, then count the rest on x20. */
    private static void namedOnceAndCounted(JsonNode warnings, int ignored, String where) {
        assertEquals(RowWarnings.NAMED_IGNORED + 1, warnings.size(), where + ": " + warnings);
        for (int i = 0; i < RowWarnings.NAMED_IGNORED; i++) {
            assertEquals("x" + i, warnings.get(i).get("feature").asText(), where);
            assertEquals(
                    "'x" + i + "' is not an input of the model; it was ignored",
                    warnings.get(i).get("message").asText(),
                    where);
        }
        JsonNode rest = warnings.get(RowWarnings.NAMED_IGNORED);
        assertEquals("x20", rest.get("feature").asText(), where);
        assertEquals(
                String.format(
                        java.util.Locale.ROOT,
                        "'x20' and %,d more fields are not inputs of the model; they were ignored (%,d ignored in all,"
                                + " the first 20 named above)",
                        ignored - 21,
                        ignored),
                rest.get("message").asText(),
                where);
    }

    @Test
    void aRowOfAHundredThousandUnknownFieldsIsAnsweredWithTheFirstTwentyNamedAndTheRestCounted() {
        String body = "{" + ROW + unknownFields(100_000) + "}";
        assertTrue(body.length() > 1_000_000, body.length() + " bytes");
        Http.Response answer = http.postJson("/api/predict", body);
        assertEquals(200, answer.status(), answer.text());
        assertTrue(answer.body().length < SMALL_ANSWER, answer.body().length + " bytes answered");
        namedOnceAndCounted(answer.json().get("warnings"), 100_000, "a lone row");
    }

    @Test
    void everyRouteAndFormatNamesTheIgnoredFieldsOnceAndCountsTheRest() {
        int n = 5_000; // within a CSV row's 10,000 cells
        Http.Response batch =
                http.postJson("/api/predict", "{\"instances\": [{" + ROW + unknownFields(n) + "}, {" + ROW + "}]}");
        StringBuilder header = new StringBuilder("variance,skewness,curtosis,entropy");
        StringBuilder line = new StringBuilder("3.6,8.6,-2.8,-0.44");
        StringBuilder form = new StringBuilder("variance=3.6&skewness=8.6&curtosis=-2.8&entropy=-0.44");
        StringBuilder columns = new StringBuilder("\"variance\", \"skewness\", \"curtosis\", \"entropy\"");
        StringBuilder values = new StringBuilder("3.6, 8.6, -2.8, -0.44");
        for (int i = 0; i < n; i++) {
            header.append(",x").append(i);
            line.append(",0");
            if (i < FORM_FIELDS) {
                form.append("&x").append(i).append("=0");
            }
            columns.append(", \"x").append(i).append('"');
            values.append(", 0");
        }
        byte[] csv = (header + "\n" + line + "\n" + line + "\n").getBytes(StandardCharsets.UTF_8);
        Http.Response upload = http.upload(
                "/predict_file",
                new Multipart().file("file", "rows.csv", "text/csv", csv),
                "Accept",
                "application/json");
        Http.Response formAnswer = http.postForm("/predict", form.toString());
        Http.Response invocations = http.postJson(
                "/invocations",
                "{\"dataframe_split\": {\"columns\": [" + columns + "], \"data\": [[" + values + "]]}}");
        Http.Response invocationsCsv = http.post("/invocations", "text/csv", csv);
        for (var answer : List.of(
                List.of("a JSON batch", batch),
                List.of("a CSV upload", upload),
                List.of("a form", formAnswer),
                List.of("MLflow's dataframe_split", invocations),
                List.of("MLflow's CSV", invocationsCsv))) {
            String where = (String) answer.get(0);
            Http.Response response = (Http.Response) answer.get(1);
            assertEquals(200, response.status(), where + ": " + response.text());
            assertTrue(response.body().length < SMALL_ANSWER, where + ": " + response.body().length + " bytes");
            namedOnceAndCounted(response.json().get("warnings"), response == formAnswer ? FORM_FIELDS : n, where);
        }
    }

    @Test
    void aMissingFeaturesErrorNamesAtMostTwentyOfTheFieldsIgnored() {
        Http.Response refused =
                http.postJson("/api/predict", "{" + ROW.replace("\"entropy\"", "\"x\"") + unknownFields(1_000) + "}");
        String message =
                refused.problem(400).get("errors").get(0).get("message").asText();
        assertTrue(
                message.startsWith("missing value for feature 'entropy'; the fields the model does not take were"
                        + " ignored: 'x', 'x0', 'x1', "),
                message);
        assertTrue(message.endsWith(", 'x18', … (981 more)"), message);
    }
}
