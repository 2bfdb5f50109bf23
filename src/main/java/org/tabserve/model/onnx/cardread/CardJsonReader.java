package org.tabserve.model.onnx.cardread;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The card's JSON, parsed strictly and read field by field, so that every reader of a card value refuses a bad one
 * in the same words: the metadata key, then the field and what it must be.
 */
public final class CardJsonReader {

    /** Without Jackson's thread-local buffers, which would outlive an undeploy on the container's threads. */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.nonRecyclingPool())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Turns one card value's JSON tree into its type; throws {@link IllegalArgumentException} saying what is wrong. */
    interface Parser<T> {
        T parse(JsonNode node);
    }

    private CardJsonReader() {}

    /**
     * @return {@code raw} parsed by {@code parser}; empty when there is no value, or when the parser returns null
     * @throws IllegalArgumentException naming {@code key} when the value is not JSON or not what the parser expects
     */
    static <T> Optional<T> parse(String key, Optional<String> raw, Parser<T> parser) {
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(parser.parse(JSON.readTree(raw.get())));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata '" + key + "' is not valid JSON: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("metadata '" + key + "' is invalid: " + e.getMessage());
        }
    }

    /** Reads a little JSON of each kind a card holds, so that databind's classes are loaded; never throws. */
    public static void warm() {
        try {
            plain(JSON.readTree("{\"a\":[1,2.5,\"b\",true,null,{\"c\":{}}]}"));
        } catch (JsonProcessingException | RuntimeException e) {
            // the card's own read meets it, and says what is wrong
        }
    }

    /** A JSON object as plain Java values, in the card's order. */
    static Map<String, Object> plain(JsonNode node) {
        return JSON.convertValue(node, new TypeReference<LinkedHashMap<String, Object>>() {});
    }

    static ArrayNode emptyArray() {
        return JSON.createArrayNode();
    }

    static JsonNode array(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("'" + field + "' must be an array");
        }
        return value;
    }

    static List<Double> numbers(JsonNode node, String field, int limit) {
        List<Double> out = new ArrayList<>();
        CardLimits.check("'" + field + "'", array(node, field).size(), limit);
        for (JsonNode value : array(node, field)) {
            if (!value.isNumber()) {
                throw new IllegalArgumentException("'" + field + "' must hold numbers only");
            }
            out.add(value.asDouble());
        }
        return out;
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' must be text");
        }
        return value.asText();
    }

    static double number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException("'" + field + "' must be a number");
        }
        return value.asDouble();
    }

    /** A whole number of at least 0. */
    static long count(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new IllegalArgumentException("'" + field + "' must be a whole number of at least 0");
        }
        return value.asLong();
    }
}
