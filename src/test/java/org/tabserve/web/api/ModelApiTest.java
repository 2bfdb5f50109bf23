package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;

/** {@code GET /api/model}: the served model's signature and card, over real HTTP. */
class ModelApiTest {

    @RegisterExtension
    static final Http http = Http.startingTheApp();

    private static JsonNode model;

    @BeforeAll
    static void start() throws Exception {
        model = http.get("/api/model").json();
    }

    @Test
    void namesTheModelAndItsProducerTribuo() {
        assertEquals("banknote-authenticator", model.path("name").asText());
        assertEquals("Tribuo", model.path("producer").asText());
        assertFalse(model.path("description").asText().isBlank());
    }

    @Test
    void statesTheSha256OfTheServedModelFile() {
        assertEquals(BankNotes.sha256(BankNotes.MODEL), model.path("sha256").asText());
    }

    @Test
    void listsTheFeaturesInSignatureOrderWithTheirTrainingMinMaxAndMean() throws IOException {
        List<String> names = new ArrayList<>();
        model.path("input")
                .path("features")
                .forEach(f -> names.add(f.path("name").asText()));
        assertEquals(BankNotes.FEATURES, names, "the data's column order, which the graph takes");
        assertFalse(model.path("input").path("name").asText().isBlank(), "the input tensor's name");

        // Training rows are a subset of the data: their min/max lie within the data's, their mean between them.
        Map<String, double[]> dataRange = new TreeMap<>();
        try (CSVParser csv = CSVParser.parse(
                BankNotes.DATA,
                StandardCharsets.UTF_8,
                CSVFormat.DEFAULT
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .get())) {
            for (CSVRecord record : csv) {
                for (String f : BankNotes.FEATURES) {
                    double v = Double.parseDouble(record.get(f));
                    dataRange.merge(f, new double[] {v, v}, (a, b) ->
                            new double[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
                }
            }
        }
        for (JsonNode feature : model.path("input").path("features")) {
            String name = feature.path("name").asText();
            double min = feature.path("min").asDouble(Double.NaN);
            double max = feature.path("max").asDouble(Double.NaN);
            double mean = feature.path("mean").asDouble(Double.NaN);
            assertTrue(
                    feature.path("min").isNumber()
                            && feature.path("max").isNumber()
                            && feature.path("mean").isNumber(),
                    feature::toString);
            assertTrue(min < mean && mean < max, feature::toString);
            assertTrue(
                    min >= dataRange.get(name)[0] && max <= dataRange.get(name)[1],
                    () -> feature + " within the data's range");
        }
    }

    @Test
    void listsTheClassesWithTheirDisplayNames() {
        assertEquals(
                Http.JSON
                        .createArrayNode()
                        .add(Http.JSON.createObjectNode().put("label", "0").put("display_name", "genuine"))
                        .add(Http.JSON.createObjectNode().put("label", "1").put("display_name", "forged")),
                model.path("classes"));
        assertFalse(model.path("class_display_note").asText().isBlank(), "the card says where the names come from");
        assertEquals("probabilities", model.path("output_kind").asText());
    }

    @Test
    void reportsHeldOutAccuracyOfOne() {
        JsonNode metrics = model.path("metrics");
        assertEquals(1.0, metrics.path("accuracy").asDouble(-1), 0.0);
        assertEquals(412, metrics.path("rows").asInt());
    }

    @Test
    void statesTheSha256AndRowCountOfTheTrainingData() {
        JsonNode data = model.path("data");
        assertEquals(BankNotes.sha256(BankNotes.DATA), data.path("sha256").asText());
        assertEquals(1372, data.path("rows").asInt());
        assertEquals("BankNote_Authentication.csv", data.path("file").asText());
        assertEquals(BankNotes.FEATURES, Http.JSON.convertValue(data.path("columns"), List.class));
        assertEquals("class", data.path("label_column").asText());
        assertEquals(
                960 + 412,
                data.path("training_rows").asInt() + data.path("held_out_rows").asInt());
    }

    @Test
    void agreesWithHealthReadyOnTheModel() {
        JsonNode ready = http.get("/health/ready").json();
        assertEquals(model.path("name").asText(), ready.path("model").asText());
        assertEquals(model.path("sha256").asText(), ready.path("sha256").asText());
    }

    @Test
    void rejectsPostWith405() {
        Http.Response response = http.postJson("/api/model", "{}");
        response.problem(405);
        assertEquals("GET, HEAD, OPTIONS", response.header("Allow").orElse(""));
    }

    @Test
    void reportsMetricsInTheCardsDocumentedShape() {
        JsonNode metrics = model.path("metrics");
        assertEquals(229, metrics.at("/per_class/0/support").asInt(), metrics::toString);
        assertEquals(List.of("0", "1"), Http.JSON.convertValue(metrics.at("/confusion_matrix/labels"), List.class));
        assertEquals(
                List.of(List.of(229, 0), List.of(0, 183)),
                Http.JSON.convertValue(metrics.at("/confusion_matrix/counts"), List.class));
    }
}
