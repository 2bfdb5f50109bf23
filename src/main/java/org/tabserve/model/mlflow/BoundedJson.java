package org.tabserve.model.mlflow;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a small JSON document (a signature's text, an input example) into plain Java values ({@link List}, {@link
 * LinkedHashMap}, {@link String}, {@link Long}, {@link Double}, {@link Boolean}, null) token by token, within Jackson's
 * {@link StreamReadConstraints} (length, nesting, number and text sizes) and a budget of values counted before each is
 * kept, so that no document costs more memory than its bounds allow.
 */
final class BoundedJson {

    private final JsonFactory factory;
    private final int maxValues;
    private final String field;
    private int values;

    /**
     * @param field     what the document is, for the refusal (e.g. {@code signature.inputs})
     * @param maxBytes  its largest length
     * @param maxNesting its deepest nesting
     * @param maxValues the most values kept, all levels together
     */
    BoundedJson(String field, long maxBytes, int maxNesting, int maxValues) {
        this.field = field;
        this.maxValues = maxValues;
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxDocumentLength(maxBytes)
                        .maxNestingDepth(maxNesting)
                        .maxNumberLength(400)
                        .maxStringLength(64 * 1024)
                        .maxNameLength(64 * 1024)
                        .build())
                .build();
    }

    Object read(byte[] bytes) {
        try (JsonParser parser = factory.createParser(bytes)) {
            return readWhole(parser);
        } catch (IOException e) {
            throw refusal(e);
        }
    }

    Object read(String text) {
        try (JsonParser parser = factory.createParser(text)) {
            return readWhole(parser);
        } catch (IOException e) {
            throw refusal(e);
        }
    }

    private Object readWhole(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            throw new MlflowFormatException(field + " is empty");
        }
        Object value = value(parser, first);
        if (parser.nextToken() != null) {
            throw new MlflowFormatException(field + " holds more than one JSON value");
        }
        return value;
    }

    private Object value(JsonParser parser, JsonToken token) throws IOException {
        if (++values > maxValues) {
            throw new MlflowFormatException(field + " holds more than " + maxValues + " values");
        }
        return switch (token) {
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    list.add(value(parser, t));
                }
                yield list;
            }
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName();
                    if (map.containsKey(name)) {
                        throw new MlflowFormatException(field + " gives one key twice in an object");
                    }
                    map.put(name, value(parser, parser.nextToken()));
                }
                yield map;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT ->
                parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? parser.getDoubleValue()
                        : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new MlflowFormatException(field + " holds a JSON token it cannot read");
        };
    }

    /** Jackson's refusal in our words: its messages may quote the document. */
    private MlflowFormatException refusal(IOException e) {
        if (e instanceof StreamConstraintsException) {
            String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            String bound = message.contains("nesting")
                    ? "nests deeper than its bound"
                    : message.contains("document length")
                            ? "is longer than its bound"
                            : "holds a number or text past its bound";
            return new MlflowFormatException(field + " " + bound, e);
        }
        String where = "";
        if (e instanceof JsonProcessingException processing && processing.getLocation() != null) {
            JsonLocation location = processing.getLocation();
            where = " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
        }
        return new MlflowFormatException(field + " is not well-formed JSON" + where, e);
    }
}
