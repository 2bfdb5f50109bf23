package org.tabserve.rows.answerjson;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import org.tabserve.model.answer.FieldValue;

/**
 * Writes any answer field's value as JSON, by its kind ({@link FieldValue}): a text as a string, a number as a number
 * (a whole one without a fraction), a flag as a boolean, texts as an array, named numbers and a struct as an object
 * (a struct's members left out by the row not written), records as an array of objects.
 */
public final class FieldJson {

    private FieldJson() {}

    /** Writes {@code "key": value} into the object being written. */
    public static void writeField(JsonGenerator json, String key, FieldValue value) throws IOException {
        json.writeFieldName(key);
        write(json, value);
    }

    /**
     * Writes {@code value} alone.
     *
     * @return {@code json}
     */
    public static JsonGenerator write(JsonGenerator json, FieldValue value) throws IOException {
        return switch (value.kind()) {
            case TEXT -> {
                json.writeString(((FieldValue.Text) value).text());
                yield json;
            }
            case NUMBER -> {
                Number number = ((FieldValue.Number) value).number();
                if (number instanceof Double || number instanceof Float) {
                    json.writeNumber(number.doubleValue());
                } else {
                    json.writeNumber(number.longValue());
                }
                yield json;
            }
            case FLAG -> {
                json.writeBoolean(((FieldValue.Flag) value).flag());
                yield json;
            }
            case TEXTS -> {
                json.writeStartArray();
                for (String text : ((FieldValue.Texts) value).texts()) {
                    json.writeString(text);
                }
                json.writeEndArray();
                yield json;
            }
            case NAMED_NUMBERS -> {
                FieldValue.NamedNumbers named = (FieldValue.NamedNumbers) value;
                json.writeStartObject();
                List<String> names = named.names();
                for (int i = 0; i < names.size(); i++) {
                    json.writeNumberField(names.get(i), named.numbers().get(i));
                }
                json.writeEndObject();
                yield json;
            }
            case STRUCT -> writeStruct(json, (FieldValue.Struct) value);
            case RECORDS -> {
                json.writeStartArray();
                for (FieldValue.Struct record : ((FieldValue.Records) value).records()) {
                    writeStruct(json, record);
                }
                json.writeEndArray();
                yield json;
            }
        };
    }

    private static JsonGenerator writeStruct(JsonGenerator json, FieldValue.Struct struct) throws IOException {
        json.writeStartObject();
        for (FieldValue.Member member : struct.members()) {
            if (member.value() != null) {
                writeField(json, member.name(), member.value());
            }
        }
        json.writeEndObject();
        return json;
    }
}
