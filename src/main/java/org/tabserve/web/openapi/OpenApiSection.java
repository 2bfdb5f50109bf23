package org.tabserve.web.openapi;

import io.swagger.v3.oas.models.tags.Tag;
import java.util.List;

/**
 * A part of the OpenAPI document that introduces one section (Swagger UI's tag) for its routes: the section is
 * declared here once, so that each protocol's part only adds its routes and schemas.
 */
public abstract class OpenApiSection implements OpenApiPart {

    private final Tag tag;

    /** @param description what the section says under its name; null for none */
    protected OpenApiSection(String name, String description) {
        this.tag = new Tag().name(name).description(description);
    }

    @Override
    public final List<Tag> tags() {
        return List.of(tag);
    }
}
