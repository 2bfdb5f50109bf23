package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;

/**
 * The CSV upload serves every penguins fixture (text columns, missing measurements, an int64 column, labels kept only
 * in the graph, a regressor) as scikit-learn answered: each fixture's {@code inputs.csv} is uploaded to the WAR
 * serving that model, and every row of the JSON and the CSV answers is compared with {@code expected.json} (labels
 * equal, probabilities within 1e-5, a regressor's {@code value} within 1e-5 relative).
 */
public class TypedModelsCsvTest {

    private static final Path DIR = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "species-zipmap",
                "species-nozipmap",
                "species-labels-in-graph",
                "body-mass-regressor",
                "int64-column"
            })
    void everyRowOfTheUploadIsAnsweredAsScikitLearnDid(String name) throws Exception {
        JsonNode expected =
                Http.JSON.readTree(DIR.resolve(name + ".expected.json").toFile());
        List<JsonNode> rows = new ArrayList<>();
        expected.path("rows").forEach(row -> {
            if (row.path("unknown").isEmpty()) { // inputs.csv holds exactly these rows, in this order
                rows.add(row);
            }
        });
        byte[] csv = Files.readAllBytes(DIR.resolve(name + ".inputs.csv"));
        boolean regression = expected.path("task").asText().equals("regression");
        try (TabserveServer server = TabserveServer.startReady(
                "--model", DIR.resolve(name + ".onnx").toAbsolutePath().toString())) {
            Http http = new Http(server);

            JsonNode predictions =
                    http.upload("/predict_file", Multipart.csv(csv)).json().get("predictions");
            assertEquals(rows.size(), predictions.size(), name + ": one answer per row");
            for (int r = 0; r < rows.size(); r++) {
                String where = name + " row " + rows.get(r).path("row").asInt();
                JsonNode answer = predictions.get(r);
                assertEquals(
                        0,
                        answer.path("warnings").findValues("message").stream()
                                .filter(m -> m.asText().contains("has not seen '"))
                                .count(),
                        where + ": no unknown category");
                if (regression) {
                    assertClose(
                            rows.get(r).path("value").asDouble(),
                            answer.path("value").asDouble(),
                            where);
                    assertTrue(!answer.has("label"), where);
                } else {
                    assertEquals(
                            rows.get(r).path("label").asText(),
                            answer.path("label").asText(),
                            where);
                    assertProbabilities(rows.get(r), answer.path("probabilities"), where);
                }
            }

            Http.Response response = http.upload("/predict_file", Multipart.csv(csv), "Accept", "text/csv");
            assertEquals(200, response.status(), response::text);
            List<CSVRecord> records = CSVFormat.DEFAULT
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get()
                    .parse(new StringReader(response.text()))
                    .getRecords();
            List<String> header =
                    records.isEmpty() ? List.of() : records.get(0).getParser().getHeaderNames();
            String[] inputHeader = new String(csv, java.nio.charset.StandardCharsets.UTF_8)
                    .lines()
                    .findFirst()
                    .orElseThrow()
                    .split(",");
            assertEquals(List.of(inputHeader), header.subList(0, inputHeader.length), "the input columns come first");
            assertEquals(rows.size(), records.size(), name + ": one CSV line per row");
            if (regression) {
                assertEquals(List.of("value"), header.subList(inputHeader.length, header.size()));
            } else {
                assertEquals("label", header.get(inputHeader.length));
            }
            for (int r = 0; r < rows.size(); r++) {
                String where = name + " CSV row " + rows.get(r).path("row").asInt();
                CSVRecord record = records.get(r);
                for (Iterator<Map.Entry<String, JsonNode>> it =
                                rows.get(r).path("inputs").fields();
                        it.hasNext(); ) {
                    Map.Entry<String, JsonNode> input = it.next();
                    if (input.getValue().isTextual()) {
                        assertEquals(input.getValue().asText(), record.get(input.getKey()), where + ": echoed");
                    }
                }
                if (regression) {
                    assertClose(rows.get(r).path("value").asDouble(), Double.parseDouble(record.get("value")), where);
                } else {
                    assertEquals(rows.get(r).path("label").asText(), record.get("label"), where);
                    for (Iterator<Map.Entry<String, JsonNode>> it =
                                    rows.get(r).path("probabilities").fields();
                            it.hasNext(); ) {
                        Map.Entry<String, JsonNode> p = it.next();
                        assertEquals(
                                p.getValue().asDouble(),
                                Double.parseDouble(record.get("probability_" + p.getKey())),
                                1e-5,
                                where + " " + p.getKey());
                    }
                }
            }
        }
    }

    private static void assertProbabilities(JsonNode expected, JsonNode actual, String where) {
        assertEquals(expected.path("probabilities").size(), actual.size(), where);
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        expected.path("probabilities").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            assertEquals(
                    p.getValue().asDouble(),
                    actual.path(p.getKey()).asDouble(Double.NaN),
                    1e-5,
                    where + " " + p.getKey());
        }
    }

    public static void assertClose(double expected, double actual, String where) {
        assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), where);
    }

    public static JsonNode fixture(String name) throws IOException {
        return Http.JSON.readTree(DIR.resolve(name + ".expected.json").toFile());
    }
}
