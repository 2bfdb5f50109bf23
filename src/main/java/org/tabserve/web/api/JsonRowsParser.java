package org.tabserve.web.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import org.tabserve.model.Batch;
import org.tabserve.model.Feature;
import org.tabserve.model.ModelSignature;
import org.tabserve.web.http.FieldProblem;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads prediction requests in JSON, streaming: one object of named features, or {@code {"instances": [...]}} whose
 * items are such objects or arrays of values in {@link ModelSignature#features()} order, and checks them into a
 * {@link Batch}; each value is read as {@link JsonCells} reads JSON values for every JSON route.
 */
final class JsonRowsParser {

    /**
     * What a request held.
     *
     * @param cells the values as sent, one array per row in {@link ModelSignature#features()} order: {@code null},
     *              a {@code Number}, a {@code String} or a {@code Boolean} (only {@code Double}s for a numbers-only
     *              model); range warnings read the numbers as sent, not as the model's floats hold them
     * @param rows  the same rows, checked against the signature
     * @param batch whether the caller sent a batch ({@code instances}) rather than one object
     */
    record ParsedRows(List<Object[]> cells, Batch rows, boolean batch) {
    }

    private static final String INSTANCES = "instances";

    private final ModelSignature signature;
    private final JsonCells reader;
    private final List<Feature> features;
    private final int maxRows;

    JsonRowsParser(ModelSignature signature, int maxRows) {
        this.signature = signature;
        this.reader = JsonCells.of(signature);
        this.features = reader.features();
        this.maxRows = maxRows;
    }

    /**
     * @throws HttpProblem 400 for malformed JSON or bad fields (all of them listed), 413 for too many rows
     */
    ParsedRows parse(InputStream body) throws IOException {
        try (JsonParser parser = Json.FACTORY.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw HttpProblem.badRequest("the body is empty; send a JSON object of features, e.g. "
                        + reader.example() + ", or {\"instances\": [...]}");
            }
            if (first != JsonToken.START_OBJECT) {
                throw HttpProblem.badRequest("the body must be a JSON object, got " + Json.describe(first));
            }
            JsonCells.Rows rows = reader.rows();
            Object[] top = reader.absentRow();
            List<String> topNames = new ArrayList<>();
            boolean instances = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (INSTANCES.equals(name)) {
                    instances(parser, value, rows);
                    instances = true;
                } else {
                    topNames.add(name);
                    field(parser, value, name, top, null, rows);
                }
            }
            if (parser.nextToken() != null) {
                throw HttpProblem.badRequest("unexpected content after the JSON object");
            }
            if (!instances) {
                rows.add(top);
                rows.requireAll(top, null);
                return new ParsedRows(rows.cells(), rows.check(false), false);
            }
            if (!topNames.isEmpty()) {
                throw HttpProblem.badRequest("send either \"instances\" or the features " + topNames
                        + " at the top level, not both");
            }
            return new ParsedRows(rows.cells(), rows.check(true), true);
        } catch (JsonProcessingException | CharConversionException e) {
            throw Json.malformed(e);
        }
    }

    /** Reads the instances array: each item an object of named values or an array of values in feature order. */
    private void instances(JsonParser parser, JsonToken token, JsonCells.Rows rows) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw HttpProblem.badRequest("\"instances\" must be an array of objects or arrays, got " + Json.describe(token));
        }
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            int row = rows.size();
            if (row >= maxRows) {
                throw HttpProblem.tooLarge("more than " + maxRows + " instances in one request; send fewer or use /predict_file");
            }
            Object[] cells = reader.absentRow();
            rows.add(cells);
            if (item == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    field(parser, parser.nextToken(), name, cells, row, rows);
                }
                rows.requireAll(cells, row);
            } else if (item == JsonToken.START_ARRAY) {
                int length = 0;
                JsonToken value;
                while ((value = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (length < cells.length) {
                        cells[length] = reader.read(parser, value, features.get(length), row, rows);
                    } else {
                        parser.skipChildren();
                    }
                    length++;
                }
                countProblems(length, row, rows);
            } else {
                rows.error(new FieldProblem(INSTANCES, "instance " + row + " must be an object of features or an "
                        + "array of " + features.size() + " values, got " + Json.describe(item), row));
                parser.skipChildren();
            }
        }
    }

    /** Stores a named value in its feature's place, or names the field the model does not have. */
    private void field(JsonParser parser, JsonToken token, String name, Object[] cells, Integer row,
                       JsonCells.Rows rows) throws IOException {
        Integer position = reader.position(name);
        if (position == null) {
            rows.error(new FieldProblem(name, "unknown feature '" + name + "'; the model's features are "
                    + signature.featureNames(), row));
            parser.skipChildren();
            return;
        }
        cells[position] = reader.read(parser, token, features.get(position), row, rows);
    }

    /** An array instance must hold exactly one value per feature; names each missing feature or extra position. */
    private void countProblems(int length, int row, JsonCells.Rows rows) {
        if (length == features.size()) {
            return;
        }
        List<String> names = signature.featureNames();
        String counts = "instance " + row + " has " + length + " values; the model takes " + names.size()
                + " in this order: " + names;
        for (int i = length; i < names.size(); i++) {
            rows.error(new FieldProblem(names.get(i), "missing value for feature '" + names.get(i) + "': " + counts, row));
        }
        for (int i = names.size(); i < length; i++) {
            rows.error(new FieldProblem("[" + i + "]", "unexpected value at position " + (i + 1) + ": " + counts, row));
        }
    }
}
