package org.tabserve.web.openapi;

import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import org.tabserve.model.answer.FieldType;

/**
 * The OpenAPI schema of an answer field's type ({@link FieldType}), for a field an answer's document has no words of
 * its own for: every document builds such a field's schema here, from its type alone.
 */
public final class FieldSchemas {

    private FieldSchemas() {}

    /** @return the schema of a value of {@code type} */
    public static Schema<?> of(FieldType type) {
        return switch (type.kind()) {
            case TEXT -> new StringSchema();
            case NUMBER ->
                ((FieldType.Number) type).whole() ? new IntegerSchema() : new NumberSchema().format("double");
            case FLAG -> new BooleanSchema();
            case TEXTS -> new ArraySchema().items(new StringSchema());
            case NAMED_NUMBERS -> {
                FieldType.NamedNumbers named = (FieldType.NamedNumbers) type;
                ObjectSchema object = new ObjectSchema();
                if (named.names() == null) {
                    yield object.additionalProperties(new NumberSchema().format("double"));
                }
                named.names().forEach(name -> object.addProperty(name, new NumberSchema().format("double")));
                yield object.additionalProperties(false);
            }
            case STRUCT -> struct((FieldType.Struct) type);
            case RECORDS -> new ArraySchema().items(struct(((FieldType.Records) type).of()));
        };
    }

    private static Schema<?> struct(FieldType.Struct type) {
        ObjectSchema object = new ObjectSchema();
        for (FieldType.Member member : type.members()) {
            object.addProperty(member.name(), of(member.type()));
            if (!member.optional()) {
                object.addRequiredItem(member.name());
            }
        }
        return object.additionalProperties(false);
    }
}
