package org.tabserve.web.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.ConformalCards;
import org.tabserve.launcher.TabserveServer;

/**
 * The Open Inference Protocol's {@code coverage} in each model's document: a regressor and a classifier carded with a
 * calibration answer an infer request that asks for a coverage with the outputs it adds ({@code interval_lower} and
 * {@code interval_upper}, or {@code prediction_set}; then {@code coverage} and {@code novelty_p_value}), and request and
 * answer conform to the document the server serves for that model, which names the parameter and each of those
 * outputs.
 */
class CoverageOpenApiConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static TabserveServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ConformalCards.serve(dir, false);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String infer(int columns, double... data) {
        StringBuilder values = new StringBuilder();
        for (double d : data) {
            values.append(values.length() == 0 ? "" : ",").append(d);
        }
        return "{\"inputs\": [{\"name\": \"float_input\", \"shape\": [" + data.length / columns + ", " + columns
                + "], \"datatype\": \"FP32\", \"data\": [" + values + "]}], \"parameters\": {\"coverage\": 0.9}}";
    }

    private static List<String> names(String answer) throws Exception {
        List<String> names = new ArrayList<>();
        JSON.readTree(answer)
                .path("outputs")
                .forEach(o -> names.add(o.path("name").asText()));
        return names;
    }

    /** The names of the outputs the document's infer answer may carry. */
    private static List<String> documented(OpenApiExchanges api) {
        List<String> names = new ArrayList<>();
        JsonNode schemas = api.document().path("components").path("schemas");
        JsonNode outputs = schemas.path("V2InferResponse")
                .path("properties")
                .path("outputs")
                .path("items");
        for (JsonNode each : outputs.has("oneOf")
                ? outputs.path("oneOf")
                : JSON.createArrayNode().add(outputs)) {
            String ref = each.path("$ref").asText();
            JsonNode schema = schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
            names.add(schema.at("/properties/name/enum/0").asText());
        }
        return names;
    }

    @Test
    void aRegressorsIntervalOutputsConformToItsDocument() throws Exception {
        OpenApiExchanges api = OpenApiExchanges.of(server, "/models/entropy/openapi.json");
        String answer = api.postJson(
                        "/v2/models/entropy/infer",
                        infer(3, 3.6216, 8.6661, -2.8073, -1.3971, 3.3191, -1.3927),
                        200,
                        true)
                .body();
        assertEquals(
                List.of("variable", "interval_lower", "interval_upper", "coverage", "novelty_p_value"), names(answer));
        assertTrue(documented(api).containsAll(names(answer)), documented(api) + " names " + names(answer));
        JsonNode coverage =
                api.document().at("/components/schemas/V2InferRequest/properties/parameters/properties/coverage");
        assertEquals("number", coverage.path("type").asText(), coverage.toString());
    }

    @Test
    void aClassifiersSetOutputConformsToItsDocument() throws Exception {
        OpenApiExchanges api = OpenApiExchanges.of(server, "/models/forged/openapi.json");
        String answer = api.postJson("/v2/models/forged/infer", infer(2, 8.6661, -2.8073, 0.0, 0.0), 200, true)
                .body();
        assertTrue(names(answer).containsAll(List.of("prediction_set", "coverage")), answer);
        assertTrue(documented(api).containsAll(names(answer)), documented(api) + " names " + names(answer));
    }
}
