package org.tabserve.model.onnx.cardread;

import static org.tabserve.model.onnx.cardread.CardJsonReader.array;
import static org.tabserve.model.onnx.cardread.CardJsonReader.count;
import static org.tabserve.model.onnx.cardread.CardJsonReader.number;
import static org.tabserve.model.onnx.cardread.CardJsonReader.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.card.SkippedRows;
import org.tabserve.model.signature.Background;

/**
 * Reads the rows a card carries: examples per class ({@link CardKeys#EXAMPLES}), the background sample ({@link
 * CardKeys#BACKGROUND}) and the rows its figures left out ({@link CardKeys#SKIPPED_ROWS}).
 */
final class CardRows {

    private CardRows() {}

    static Map<String, List<Map<String, Object>>> examples(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object from class label to a list of rows");
        }
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        CardLimits.check("the object", node.size(), CardLimits.CLASSES);
        int[] rowsInAll = {0};
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isArray()) {
                throw new IllegalArgumentException("'" + e.getKey() + "' must be a list of rows");
            }
            CardLimits.check("'" + e.getKey() + "'", e.getValue().size(), CardLimits.EXAMPLES_PER_CLASS);
            rowsInAll[0] += e.getValue().size();
            CardLimits.check("the examples in all", rowsInAll[0], CardLimits.EXAMPLES);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (JsonNode row : e.getValue()) {
                if (!row.isObject()) {
                    throw new IllegalArgumentException("each example of '" + e.getKey() + "' must be an object");
                }
                // Numbers for number features, text for text features, null for a missing value.
                Map<String, Object> values = new LinkedHashMap<>();
                row.fields()
                        .forEachRemaining(v -> values.put(
                                v.getKey(),
                                v.getValue().isTextual()
                                        ? v.getValue().asText()
                                        : v.getValue().isNull() ? null : number(row, v.getKey())));
                rows.add(values);
            }
            out.put(e.getKey(), rows);
        });
        return out;
    }

    /** The background sample ({@link CardKeys#BACKGROUND}); its columns and types are checked against the model later. */
    static Background background(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object {seed, sampled_from, size, columns, rows}");
        }
        JsonNode columns = array(node, "columns");
        CardLimits.check("'columns'", columns.size(), Integer.MAX_VALUE);
        List<String> names = new ArrayList<>();
        for (JsonNode column : columns) {
            if (!column.isTextual()) {
                throw new IllegalArgumentException("'columns' must hold text only");
            }
            names.add(column.asText());
        }
        JsonNode rows = array(node, "rows");
        CardLimits.check("'rows'", rows.size(), CardLimits.BACKGROUND_ROWS);
        if (count(node, "size") != rows.size()) {
            throw new IllegalArgumentException("'size' is " + count(node, "size") + " but 'rows' has " + rows.size());
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("'rows' is empty");
        }
        List<List<Object>> values = new ArrayList<>();
        for (JsonNode row : rows) {
            if (!row.isArray() || row.size() != names.size()) {
                throw new IllegalArgumentException("row " + values.size() + " of 'rows' must be an array of "
                        + names.size() + " values, one per column");
            }
            List<Object> cells = new ArrayList<>(names.size());
            for (JsonNode cell : row) {
                if (cell.isNull()) {
                    cells.add(null);
                } else if (cell.isTextual()) {
                    cells.add(cell.asText());
                } else if (cell.isBoolean()) {
                    cells.add(cell.asBoolean());
                } else if (cell.isNumber()) {
                    cells.add(
                            cell.isIntegralNumber() && cell.canConvertToLong()
                                    ? (Object) cell.asLong()
                                    : (Object) cell.asDouble());
                } else {
                    throw new IllegalArgumentException("row " + values.size() + " of 'rows' holds "
                            + cell.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                            + "; a value is a number, text, a boolean or null");
                }
            }
            values.add(cells);
        }
        return new Background(names, values, node.has("seed") ? count(node, "seed") : 0, count(node, "sampled_from"));
    }

    /** The rows the card's figures leave out, per data file ({@link CardKeys#SKIPPED_ROWS}). */
    static List<SkippedRows> skippedRows(JsonNode node) {
        if (!node.isArray()) {
            throw new IllegalArgumentException("expected a JSON array of {file, rows, skipped, reasons}");
        }
        CardLimits.check("the list", node.size(), CardLimits.CLASSES);
        List<SkippedRows> out = new ArrayList<>();
        for (JsonNode file : node) {
            if (!file.isObject()) {
                throw new IllegalArgumentException("expected a JSON array of {file, rows, skipped, reasons}");
            }
            JsonNode reasons = file.has("reasons") ? array(file, "reasons") : CardJsonReader.emptyArray();
            CardLimits.check("'reasons'", reasons.size(), SkippedRows.MAX_REASONS);
            List<SkippedRows.Reason> kept = new ArrayList<>();
            for (JsonNode reason : reasons) {
                kept.add(new SkippedRows.Reason(count(reason, "row"), text(reason, "field"), text(reason, "message")));
            }
            long rows = count(file, "rows");
            long skipped = count(file, "skipped");
            if (skipped > rows) {
                throw new IllegalArgumentException("'skipped' is more than 'rows'");
            }
            out.add(new SkippedRows(file.has("file") ? text(file, "file") : "", rows, skipped, kept));
        }
        return out;
    }
}
