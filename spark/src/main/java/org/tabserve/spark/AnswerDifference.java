package org.tabserve.spark;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where a row's answer column ({@link ResultColumns}) differs from the server's JSON answer for the same row: every
 * field the column has, numbers to every digit, and nothing left out of either.
 */
final class AnswerDifference {

    private AnswerDifference() {}

    /** @return the first difference, or null when the answers are the same */
    static String of(Row answer, JsonNode expected) {
        if (answer == null) {
            return "no answer, the server's is " + expected;
        }
        for (StructField field : answer.schema().fields()) {
            String name = field.name();
            Object value = answer.get(answer.fieldIndex(name));
            String difference = value(name, value, expected.get(name));
            if (difference != null) {
                return difference;
            }
        }
        return null;
    }

    private static String value(String path, Object value, JsonNode expected) {
        if (value == null || expected == null || expected.isNull()) {
            return (value == null) == (expected == null || expected.isNull())
                    ? null
                    : path + ": " + value + " here, " + expected + " from the server";
        }
        if (value instanceof Row row) {
            return struct(path, row, expected);
        }
        if (value instanceof scala.collection.Map<?, ?> map) {
            return map(path, scala.jdk.javaapi.CollectionConverters.asJava(map), expected);
        }
        if (value instanceof scala.collection.Seq<?> seq) {
            List<Object> items = new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(seq));
            if (items.size() != expected.size()) {
                return path + ": " + items + " here, " + expected + " from the server";
            }
            for (int i = 0; i < items.size(); i++) {
                String difference = value(path + "[" + i + "]", items.get(i), expected.get(i));
                if (difference != null) {
                    return difference;
                }
            }
            return null;
        }
        boolean same = value instanceof Double d
                ? expected.isNumber() && d == expected.doubleValue()
                : value instanceof Boolean b
                        ? expected.isBoolean() && b == expected.booleanValue()
                        : expected.isValueNode() && value.toString().equals(expected.asText());
        return same ? null : path + ": " + value + " here, " + expected + " from the server";
    }

    /** A struct: each of its fields, and for the probabilities (one field per class) no class more on the server. */
    private static String struct(String path, Row row, JsonNode expected) {
        StructType schema = row.schema();
        for (StructField field : schema.fields()) {
            String difference =
                    value(path + "." + field.name(), row.get(row.fieldIndex(field.name())), expected.get(field.name()));
            if (difference != null) {
                return difference;
            }
        }
        if (path.endsWith("probabilities") && expected.size() != schema.size()) {
            return path + ": " + schema.size() + " classes here, " + expected.size() + " from the server";
        }
        return null;
    }

    private static String map(String path, Map<?, ?> map, JsonNode expected) {
        if (map.size() != expected.size()) {
            return path + ": " + map + " here, " + expected + " from the server";
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String difference = value(path + "." + entry.getKey(), map.get(entry.getKey()), entry.getValue());
            if (difference != null) {
                return difference;
            }
        }
        return null;
    }
}
