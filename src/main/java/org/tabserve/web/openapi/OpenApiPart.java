package org.tabserve.web.openapi;

import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.List;
import java.util.Map;

/**
 * One protocol's share of the OpenAPI document, so that each protocol's package describes its own routes and the
 * {@link OpenApiDocument} that assembles them names none.
 */
public interface OpenApiPart {

    /**
     * The tags this part introduces (Swagger UI's sections), in the order the document lists them; by default none:
     * the part adds its routes to another part's section.
     */
    default List<Tag> tags() {
        return List.of();
    }

    /**
     * Adds this part's routes and the schemas they refer to, for the model the document describes.
     *
     * @param schemas the document's schemas by name; a part may refer to another part's schemas and to the shared
     *                ones ({@link OpenApi#FEATURES}, {@link OpenApi#FEATURE_ROW}, {@link OpenApi#PROBLEM})
     */
    @SuppressWarnings("rawtypes") // swagger-core's Components holds raw schemas
    void addTo(DescribedModel model, Paths paths, Map<String, Schema> schemas);
}
