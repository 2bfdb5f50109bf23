package org.tabserve.web.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.tags.Tag;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;

/**
 * The assembler puts together what each part contributes, in the parts' order, with the schemas every part may refer
 * to; it names no protocol itself. The served document as the listener wires it is pinned by the web package's
 * {@code ServedOpenApiDocumentTest}.
 */
class OpenApiDocumentTest {

    private static final ModelCard CARD = ModelCard.builder("iris", "2")
            .description("Flowers.")
            .producer("tests")
            .classDisplayNames(Map.of("0", "setosa"))
            .build();
    private static final ModelSignature SIGNATURE =
            ModelSignature.floatClassifier("x", List.of("petal", "sepal"), List.of("0", "1"), OutputKind.PROBABILITIES);

    /** A part that adds one route under the model's base and one schema, in a section of its own. */
    private record Part(String tag, String route) implements OpenApiPart {
        @Override
        public List<Tag> tags() {
            return List.of(new Tag().name(tag));
        }

        @Override
        @SuppressWarnings("rawtypes")
        public void addTo(DescribedModel model, Paths paths, Map<String, Schema> schemas) {
            paths.addPathItem(
                    model.base() + route,
                    new PathItem()
                            .get(OpenApi.operation(tag, tag, "a route", null)
                                    .responses(OpenApi.responses(
                                            OpenApi.ok(OpenApi.JSON, OpenApi.ref(tag), "fine"),
                                            OpenApi.problems(400)))));
            schemas.put(tag, new StringSchema());
        }
    }

    private static final OpenApiDocument DOCUMENT = new OpenApiDocument(
            "1.2.3", List.of(new Part("first", "/one"), new Part("second", "/two")), OpenApiSecurity.OPEN);

    /**
     * Issue 78, item 2: Swagger UI's "Authorize" needs the document's schemes. An open server's declares the bearer
     * token (its labels and admin routes take one) and asks it of no route; a server with keys and an issuer declares
     * the issuer's discovery too and asks one of them of every route but health's.
     */
    @Test
    void theDocumentDeclaresTheCredentialsTheServerTakesAndAsksThemWhereTheyAreNeeded() throws IOException {
        DescribedModel model = new DescribedModel("iris", "", SIGNATURE, CARD, null);
        ObjectMapper json = new ObjectMapper();
        JsonNode open = json.readTree(DOCUMENT.write(model, false));
        assertEquals("http", open.at("/components/securitySchemes/bearer/type").asText());
        assertEquals(
                "bearer", open.at("/components/securitySchemes/bearer/scheme").asText());
        assertTrue(open.at("/components/securitySchemes/oidc").isMissingNode(), open.toString());
        assertTrue(open.path("security").isMissingNode(), "an open server asks no credential: " + open);

        OpenApiDocument locked = new OpenApiDocument(
                "1.2.3",
                List.of(new Part("first", "/one"), new Part("health", "/health/ready")),
                new OpenApiSecurity(
                        true,
                        java.util.Optional.of("https://issuer.example/realms/ml/"),
                        path -> path.startsWith("/health")));
        JsonNode document = json.readTree(locked.write(model, false));
        assertEquals(
                "openIdConnect",
                document.at("/components/securitySchemes/oidc/type").asText());
        assertEquals(
                "https://issuer.example/realms/ml/.well-known/openid-configuration",
                document.at("/components/securitySchemes/oidc/openIdConnectUrl").asText());
        assertEquals(
                "[{\"bearer\":[]},{\"oidc\":[]}]", document.path("security").toString());
        assertTrue(document.at("/paths/~1one/get/security").isMissingNode(), "the document's own applies");
        assertEquals("[]", document.at("/paths/~1health~1ready/get/security").toString(), "health answers everyone");
    }

    @Test
    void theDocumentIsThePartsInTheirOrderWithTheSharedSchemas() {
        OpenAPI api = DOCUMENT.build(new DescribedModel("iris", "", SIGNATURE, CARD, null));
        assertEquals(
                List.of("first", "second"),
                api.getTags().stream().map(Tag::getName).toList());
        assertEquals(List.of("/one", "/two"), List.copyOf(api.getPaths().keySet()));
        for (String schema :
                List.of("first", "second", OpenApi.FEATURES, OpenApi.FEATURE_ROW, OpenApi.PROBLEM, "FieldProblem")) {
            assertNotNull(api.getComponents().getSchemas().get(schema), schema);
        }
        assertEquals(
                List.of("petal", "sepal"),
                api.getComponents().getSchemas().get(OpenApi.FEATURES).getRequired());
        assertEquals("tabserve: iris", api.getInfo().getTitle());
        assertEquals("1.2.3", api.getInfo().getVersion());
        assertTrue(
                api.getInfo()
                        .getDescription()
                        .startsWith("Predictions from the default model, 'iris', on the root" + " routes"),
                api.getInfo().getDescription());
        assertTrue(
                api.getInfo()
                        .getDescription()
                        .endsWith("iris version 2: Flowers. Features, in the model's order: "
                                + "petal (float), sepal (float); classes: 0 = setosa, 1."),
                api.getInfo().getDescription());
    }

    @Test
    void aModelsOwnDocumentHasItsRoutesUnderItsBase() {
        OpenAPI api = DOCUMENT.build(new DescribedModel("iris", "/models/iris", SIGNATURE, CARD, null));
        assertEquals(
                List.of("/models/iris/one", "/models/iris/two"),
                List.copyOf(api.getPaths().keySet()));
        assertTrue(
                api.getInfo()
                        .getDescription()
                        .startsWith("Predictions from model 'iris' on its routes under " + "/models/iris: "),
                api.getInfo().getDescription());
    }

    @Test
    void theYamlIsTheJsonsTree() throws IOException {
        DescribedModel model = new DescribedModel("iris", "", SIGNATURE, CARD, null);
        JsonNode json = new ObjectMapper().readTree(DOCUMENT.write(model, false));
        assertEquals(json, new YAMLMapper().readTree(DOCUMENT.write(model, true)));
        assertEquals("3.0.3", json.path("openapi").asText());
        assertEquals(
                "#/components/schemas/Problem",
                json.at("/paths/~1one/get/responses/400/content/" + "application~1problem+json/schema/$ref")
                        .asText());
    }
}
