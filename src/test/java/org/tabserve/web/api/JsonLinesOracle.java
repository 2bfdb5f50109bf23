package org.tabserve.web.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tabserve.model.signature.ModelSignature;

/**
 * A plain reading of simple JSON Lines bodies for {@link RequestParsersFuzzTest#jsonLines}, written apart from the
 * server's reader: lines split at {@code \n}, each parsed by its own default Jackson parser. It answers only for
 * bodies it is sure of (every line an object of the first line's keys, the features' values plain finite numbers
 * the model takes, the others numbers, strings or null); for anything else it says nothing.
 */
final class JsonLinesOracle {

    private static final JsonFactory PLAIN = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonLinesOracle() {}

    /** @return the rows' feature values in the model's order, when the body is one this reading is sure of */
    static Optional<double[][]> read(byte[] body) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        List<String> features = RequestParsersFuzzTest.FEATURES;
        List<double[]> rows = new ArrayList<>();
        List<String> keys = null;
        for (String line : text.split("\n", -1)) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Double> values = new LinkedHashMap<>();
            if (!object(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line, values)) {
                return Optional.empty();
            }
            if (keys == null) {
                keys = List.copyOf(values.keySet());
            }
            if (!keys.containsAll(values.keySet())
                    || !values.keySet().containsAll(keys)
                    || !keys.containsAll(features)) {
                return Optional.empty();
            }
            double[] row = new double[features.size()];
            for (int i = 0; i < row.length; i++) {
                Double value = values.get(features.get(i));
                if (value == null || ModelSignature.valueProblem(features.get(i), value) != null) {
                    return Optional.empty();
                }
                row[i] = value;
            }
            rows.add(row);
        }
        return rows.isEmpty() || rows.size() > RequestParsersFuzzTest.MAX_ROWS
                ? Optional.empty()
                : Optional.of(rows.toArray(double[][]::new));
    }

    /** Reads one line's object into {@code values} (a number's value, else null); false when it is not simple. */
    private static boolean object(String line, Map<String, Double> values) throws IOException {
        try (JsonParser json = PLAIN.createParser(line)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String key = json.currentName();
                JsonToken value = json.nextToken();
                if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
                    values.put(key, Double.parseDouble(json.getText()));
                } else if (value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NULL) {
                    values.put(key, null);
                } else {
                    return false;
                }
            }
            return json.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
