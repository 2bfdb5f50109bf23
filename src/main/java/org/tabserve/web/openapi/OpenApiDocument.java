package org.tabserve.web.openapi;

import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.Task;

/**
 * The OpenAPI 3.0 document of every tabserve route for one served model, assembled from the part each protocol
 * contributes ({@link OpenApiPart}), so that its schemas carry the model's real features, its class labels or a
 * regressor's answer, and one v2 tensor per model input. The root document ({@code /openapi.json}) describes the
 * default model on the root routes; each model's own ({@code /models/{name}/openapi.json}) describes its routes under
 * {@code /models/{name}}. Both list the routes shared by every model (the index, the repository extension, health,
 * metrics), so that every model is reached from either without the document naming models that come and go.
 */
public final class OpenApiDocument {

    private final String serverVersion;
    private final List<OpenApiPart> parts;
    private final OpenApiSecurity security;

    /**
     * @param parts    each protocol's part, in the order the document lists their tags and routes
     * @param security the credentials the server takes, which the document declares
     */
    public OpenApiDocument(String serverVersion, List<OpenApiPart> parts, OpenApiSecurity security) {
        this.serverVersion = serverVersion;
        this.parts = List.copyOf(parts);
        this.security = security;
    }

    /**
     * Builds the document for a model and writes it as JSON or YAML.
     *
     * @return the document in UTF-8, written straight to bytes (no String copy of a large card's text on the way)
     */
    public byte[] write(DescribedModel model, boolean yaml) {
        // swagger-core's mappers are static in this web app; by default their buffers go to thread-locals of the
        // deploying thread, which outlives the web app and would keep its class loader alive after an undeploy. Set
        // before the build, as DerivedSchemas' ModelConverters reads annotations' values with the same mapper.
        io.swagger.v3.core.util.Json.mapper().getFactory().setRecyclerPool(JsonRecyclerPools.nonRecyclingPool());
        io.swagger.v3.core.util.Yaml.mapper().getFactory().setRecyclerPool(JsonRecyclerPools.nonRecyclingPool());
        OpenAPI api = build(model);
        try {
            return yaml
                    ? io.swagger.v3.core.util.Yaml.pretty().writeValueAsBytes(api)
                    : io.swagger.v3.core.util.Json.pretty().writeValueAsBytes(api);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the OpenAPI document", e);
        }
    }

    @SuppressWarnings("rawtypes") // swagger-core's Components holds raw schemas
    OpenAPI build(DescribedModel model) {
        Paths paths = new Paths();
        Map<String, Schema> schemas = new LinkedHashMap<>();
        OpenApi.addSharedSchemas(model, schemas);
        List<Tag> tags = new ArrayList<>();
        for (OpenApiPart part : parts) {
            tags.addAll(part.tags());
            part.addTo(model, paths, schemas);
        }
        OpenAPI api = new OpenAPI()
                .openapi("3.0.3")
                .info(new Info()
                        .title("tabserve: " + model.card().name())
                        .version(serverVersion)
                        .description(description(model)))
                .tags(tags)
                .paths(paths)
                .components(new Components().schemas(schemas));
        security.addTo(api);
        return api;
    }

    /** What the document is about: which model on which routes, its features and what it predicts. */
    private static String description(DescribedModel model) {
        ModelCard card = model.card();
        return (model.base().isEmpty()
                        ? "Predictions from the default model, '" + model.name()
                                + "', on the root routes (each served model has its own document at "
                                + "/models/{name}/openapi.json; GET /api/models lists them): "
                        : "Predictions from model '" + model.name() + "' on its routes under " + model.base() + ": ")
                + card.name()
                + (card.version().isEmpty() ? "" : " version " + card.version())
                + (card.description().isEmpty() ? "" : ": " + card.description().replaceAll("\\.$", ""))
                + ". Features, in the model's order: " + model.featuresText() + "; "
                + (model.signature().task() == Task.REGRESSION
                        ? "it predicts a number (regression)"
                        : "classes: " + model.classesText())
                + ".";
    }
}
