package org.tabserve.web.openapi;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.launcher.TabserveServer;

/**
 * The OpenAPI document describes the bodies pandas sends to {@code /api/predict} (issue 51, item 2): pandas' own
 * {@code to_json(orient="records")} and {@code orient="split"} (with and without the index) of the real exporter's
 * {@code kg-as-text} pipeline conform to it (its text input as text), and so do the answers.
 */
class PandasOpenApiTest {

    private static final Path PANDAS = Path.of("src/test/resources/org/tabserve/fixtures/pandas");
    private static TabserveServer server;
    private static OpenApiExchanges api;

    @BeforeAll
    static void start() throws Exception {
        server = TabserveServer.startReady(
                "--model", "src/test/resources/org/tabserve/fixtures/penguins/kg-as-text.onnx");
        api = OpenApiExchanges.of(server);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"kg-as-text.records.json", "kg-as-text.split.json", "kg-as-text.split-index.json"})
    void pandasBodiesAndTheirAnswersConformToTheDocument(String file) throws Exception {
        // The records hold body_mass_kg as pandas' int64 (numbers), which the server takes as text for this text input
        // and says so, but the document types as a string: as pandas writes a str column, so that only the shape is
        // on trial here.
        String body =
                Files.readString(PANDAS.resolve(file)).replaceAll("\"body_mass_kg\":(\\d+)", "\"body_mass_kg\":\"$1\"");
        api.assertValidJsonRequest("/api/predict", body);
        api.postJson("/api/predict", body, 200, true);
    }
}
