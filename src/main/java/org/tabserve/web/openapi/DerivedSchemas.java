package org.tabserve.web.openapi;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.converter.ResolvedSchema;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.media.Schema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The document's static schemas (the shapes that do not depend on the model), derived by swagger-core's
 * {@link ModelConverters} from records annotated with {@code @Schema}, so that only the per-model parts (features,
 * classes, fields by type) are built by hand. A record nested in another is written in place, as the document always
 * had it; a property that names one of the document's own schemas ({@code @Schema(ref = "...")}) stays a reference.
 * The records are schemas only: their components are named as the JSON keys (snake_case where the keys are).
 */
public final class DerivedSchemas {

    private static final String REF = "#/components/schemas/";
    /** Each record's schema, derived once, as JSON. */
    private static final Map<Class<?>, byte[]> DERIVED = new ConcurrentHashMap<>();

    private DerivedSchemas() {}

    /** @return the schema of {@code type}, a fresh one on each call, which the caller may add to */
    public static Schema<?> of(Class<?> type) {
        try {
            return Json.mapper().readValue(DERIVED.computeIfAbsent(type, DerivedSchemas::derive), Schema.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schema derived from " + type.getName(), e);
        }
    }

    /** @return the schema of {@code type} as JSON: deriving one takes milliseconds, a copy from its JSON far less */
    @SuppressWarnings("rawtypes") // swagger-core's resolved schemas are raw
    private static byte[] derive(Class<?> type) {
        ResolvedSchema resolved =
                ModelConverters.getInstance().resolveAsResolvedSchema(new AnnotatedType(type).resolveAsRef(false));
        try {
            return Json.mapper().writeValueAsBytes(inline(resolved.schema, resolved.referencedSchemas));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the schema derived from " + type.getName(), e);
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema inline(Schema schema, Map<String, Schema> nested) {
        if (schema == null) {
            return null;
        }
        String ref = schema.get$ref();
        if (ref != null && ref.startsWith(REF) && nested.containsKey(ref.substring(REF.length()))) {
            return inline(nested.get(ref.substring(REF.length())), nested);
        }
        if (schema.getProperties() != null) {
            Map<String, Schema> properties = schema.getProperties();
            properties.replaceAll((name, property) -> inline(property, nested));
            if (schema.getRequired() != null) { // swagger-core sorts them; the document lists them as the properties
                List<String> required = schema.getRequired();
                schema.setRequired(
                        properties.keySet().stream().filter(required::contains).toList());
            }
        }
        schema.setItems(inline(schema.getItems(), nested));
        if (schema.getAdditionalProperties() instanceof Schema values) {
            // swagger-core gives a map's values the map property's own description: a map's words are its own
            clearDescription(values, schema.getDescription());
            schema.setAdditionalProperties(inline(values, nested));
        }
        return schema;
    }

    @SuppressWarnings("rawtypes")
    private static void clearDescription(Schema values, String description) {
        if (description != null && description.equals(values.getDescription())) {
            values.setDescription(null);
            if (values.getAdditionalProperties() instanceof Schema inner) {
                clearDescription(inner, description);
            }
        }
    }
}
