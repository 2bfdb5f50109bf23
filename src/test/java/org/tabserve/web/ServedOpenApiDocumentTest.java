package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.web.openapi.DescribedModel;
import org.tabserve.web.openapi.OpenApiDocument;
import org.tabserve.web.openapi.OpenApiSecurity;

/**
 * The OpenAPI document as the listener assembles it from each protocol's part, pinned: for the bundled model and every
 * penguins fixture (text, integer and missing inputs, labels kept in the graph, a regressor, a fixed batch), on the
 * root routes and (for two) under {@code /models/{name}}, the JSON and the YAML written are, as trees, the JSON files
 * under src/test/resources, recorded from the document as one class built it before each protocol wrote its own part.
 * Trees, not text: the order of the paths and schemas (JSON objects) is free; the order of the tags is not. A
 * deliberate change of the document rewrites the files with {@code -Dtabserve.openapi.record=true}; their diff then
 * shows what changed.
 */
class ServedOpenApiDocumentTest {

    private static final Path EXPECTED = Path.of("src/test/resources/org/tabserve/web/openapi");
    private static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");
    /** The document as the listener wires it, every protocol's part in place. */
    private static final OpenApiDocument DOCUMENT =
            TabserveRoutes.openApiDocument("0.0.0-pinned", OpenApiSecurity.OPEN);

    /** Each model, and whether its document under /models/{name} is pinned too (it differs only in the base). */
    static Stream<Arguments> documents() {
        List<Arguments> documents = new ArrayList<>();
        documents.add(Arguments.of("model", Path.of("model.onnx"), true));
        for (String name : List.of(
                "species-zipmap",
                "species-nozipmap",
                "species-labels-in-graph",
                "body-mass-regressor",
                "int64-column",
                "fixed-batch-4")) {
            documents.add(Arguments.of(name, PENGUINS.resolve(name + ".onnx"), name.equals("body-mass-regressor")));
        }
        return documents.stream();
    }

    @ParameterizedTest
    @MethodSource("documents")
    void theJsonAndTheYamlAreThePinnedDocument(String name, Path file, boolean underModels) throws IOException {
        try (Model model = OnnxModelLoader.load(file)) {
            for (String base : underModels ? List.of("", "/models/" + name) : List.of("")) {
                Path expected = EXPECTED.resolve(name + (base.isEmpty() ? "" : ".models") + ".openapi.json");
                DescribedModel described = new DescribedModel(
                        name,
                        base,
                        model.signature(),
                        model.card(),
                        model.valueOutput().orElse(null));
                byte[] json = DOCUMENT.write(described, false);
                if (Boolean.getBoolean("tabserve.openapi.record")) {
                    Files.write(expected, json);
                }
                JsonNode pinned = new ObjectMapper().readTree(Files.readAllBytes(expected));
                assertEquals(pinned, new ObjectMapper().readTree(json), expected + " as JSON");
                byte[] yaml = DOCUMENT.write(described, true);
                assertEquals(pinned, new YAMLMapper().readTree(yaml), expected + " as YAML");
            }
        }
    }
}
