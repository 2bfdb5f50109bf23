package org.tabserve.model.onnx;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.tabserve.model.Background;
import org.tabserve.model.Calibration;
import org.tabserve.model.CardKeys;
import org.tabserve.model.CategoryCounts;
import org.tabserve.model.ClassMetrics;
import org.tabserve.model.Evaluation;
import org.tabserve.model.FeatureHistogram;
import org.tabserve.model.FeatureStats;
import org.tabserve.model.RegressionEvaluation;
import org.tabserve.model.RocCurve;
import org.tabserve.model.SkippedRows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the card's values out of ONNX metadata, failing with the key's name when a value is not what
 * {@link CardKeys} documents.
 *
 * <p>Why it is longer than 300 lines: it has one reader per key of the card format, each checking its value's shape
 * and limits, and they share the JSON helpers and the one error wording; split by key, one format's reader would be
 * spread over several classes that must stay in step.
 */
final class CardReader {

    /** The newest card format this reader understands. */
    static final int SUPPORTED_CARD_VERSION = 1;

    /** Without Jackson's thread-local buffers, which would outlive an undeploy on the container's threads. */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.nonRecyclingPool()).build())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Map<String, String> metadata;

    CardReader(Map<String, String> metadata) {
        this.metadata = metadata;
        Optional<String> version = text(CardKeys.CARD_VERSION);
        if (version.isPresent()) {
            int found;
            try {
                found = Integer.parseInt(version.get().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(CardKeys.CARD_VERSION + " must be an integer, found '" + version.get() + "'");
            }
            if (found > SUPPORTED_CARD_VERSION) {
                throw new IllegalArgumentException("card version " + found + " is newer than the newest supported, "
                        + SUPPORTED_CARD_VERSION + "; upgrade tabserve");
            }
        }
    }

    Optional<String> text(String key) {
        return Optional.ofNullable(metadata.get(key)).map(String::strip).filter(s -> !s.isEmpty());
    }

    Optional<List<String>> stringList(String key) {
        return stringList(key, Integer.MAX_VALUE);
    }

    /** A list of at most {@code limit} strings (see {@link CardLimits}). */
    Optional<List<String>> stringList(String key, int limit) {
        return parse(key, node -> {
            if (!node.isArray()) {
                throw new IllegalArgumentException("expected a JSON array of strings");
            }
            CardLimits.check("the list", node.size(), limit);
            List<String> out = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isTextual() && !item.isNumber()) {
                    throw new IllegalArgumentException("expected a JSON array of strings");
                }
                out.add(item.asText());
            }
            return out;
        });
    }

    Optional<Map<String, String>> stringMap(String key) {
        return parse(key, node -> {
            if (!node.isObject()) {
                throw new IllegalArgumentException("expected a JSON object of strings");
            }
            CardLimits.check("the object", node.size(), CardLimits.CLASSES);
            Map<String, String> out = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> {
                if (!e.getValue().isTextual()) {
                    throw new IllegalArgumentException("expected a JSON object of strings; '" + e.getKey() + "' is not a string");
                }
                out.put(e.getKey(), e.getValue().asText());
            });
            return out;
        });
    }

    Optional<Map<String, Object>> object(String key) {
        return parse(key, node -> JSON.convertValue(node, new TypeReference<LinkedHashMap<String, Object>>() { }));
    }

    Optional<Map<String, FeatureStats>> featureStats() {
        return parse(CardKeys.FEATURE_STATS, node -> {
            if (!node.isObject()) {
                throw new IllegalArgumentException("expected a JSON object from feature name to {min, max, mean}");
            }
            Map<String, FeatureStats> out = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> out.put(e.getKey(), new FeatureStats(
                    number(e.getValue(), "min"), number(e.getValue(), "max"), number(e.getValue(), "mean"))));
            return out;
        });
    }

    Optional<Evaluation> evaluation() {
        return parse(CardKeys.METRICS, node -> {
            if (!node.isObject()) {
                throw new IllegalArgumentException("expected a JSON object");
            }
            if (!node.has("accuracy") && node.has("mae")) {
                return null; // a regressor's metrics: no classes, no confusion matrix
            }
            CardLimits.check("'per_class'", node.path("per_class").size(), CardLimits.CLASSES);
            JsonNode matrix = node.path("confusion_matrix");
            CardLimits.check("'confusion_matrix' 'labels'", matrix.path("labels").size(), CardLimits.MATRIX_LABELS);
            CardLimits.check("'confusion_matrix' 'counts'", matrix.path("counts").size(), CardLimits.MATRIX_LABELS);
            for (JsonNode row : matrix.path("counts")) {
                CardLimits.check("a row of 'confusion_matrix' 'counts'", row.size(), CardLimits.MATRIX_LABELS);
            }
            Map<String, ClassMetrics> perClass = new LinkedHashMap<>();
            node.path("per_class").fields().forEachRemaining(e -> perClass.put(e.getKey(), new ClassMetrics(
                    number(e.getValue(), "precision"), number(e.getValue(), "recall"),
                    number(e.getValue(), "f1"), (int) number(e.getValue(), "support"))));
            List<String> labels = new ArrayList<>();
            matrix.path("labels").forEach(l -> labels.add(l.asText()));
            List<List<Integer>> counts = new ArrayList<>();
            matrix.path("counts").forEach(row -> {
                List<Integer> r = new ArrayList<>();
                row.forEach(c -> r.add(c.asInt()));
                counts.add(r);
            });
            return new Evaluation(node.path("method").asText(""), (int) number(node, "rows"),
                    number(node, "accuracy"), perClass, labels, counts,
                    node.has("roc") ? roc(node.get("roc")) : null,
                    node.has("calibration") ? calibration(node.get("calibration")) : null);
        });
    }

    private static RocCurve roc(JsonNode roc) {
        if (!roc.isObject()) {
            throw new IllegalArgumentException("'roc' must be an object");
        }
        JsonNode auc = roc.get("auc");
        if (auc != null && !auc.isNumber()) {
            throw new IllegalArgumentException("'auc' must be a number");
        }
        return new RocCurve(text(roc, "positive_class"), auc == null ? null : auc.asDouble(),
                roc.has("rows") ? (long) number(roc, "rows") : 0, roc.path("note").asText(""),
                numbers(roc, "fpr", CardLimits.POINTS), numbers(roc, "tpr", CardLimits.POINTS));
    }

    private static Calibration calibration(JsonNode calibration) {
        if (!calibration.isObject()) {
            throw new IllegalArgumentException("'calibration' must be an object");
        }
        List<Long> counts = new ArrayList<>();
        CardLimits.check("'counts'", array(calibration, "counts").size(), CardLimits.BINS);
        for (JsonNode count : array(calibration, "counts")) {
            if (!count.canConvertToLong() || !count.isIntegralNumber()) {
                throw new IllegalArgumentException("'counts' must be whole numbers");
            }
            counts.add(count.asLong());
        }
        return new Calibration(text(calibration, "positive_class"), numbers(calibration, "predicted", CardLimits.BINS),
                numbers(calibration, "observed", CardLimits.BINS), counts);
    }

    /** A regressor's metrics, or nothing when the card has none or a classifier's. */
    Optional<RegressionEvaluation> regressionEvaluation() {
        return parse(CardKeys.METRICS, node -> {
            if (!node.isObject()) {
                throw new IllegalArgumentException("expected a JSON object");
            }
            if (node.has("accuracy") || !node.has("mae")) {
                return null;
            }
            FeatureHistogram residuals = null;
            if (node.has("residual_histogram")) {
                JsonNode histogram = node.get("residual_histogram");
                List<Integer> counts = new ArrayList<>();
                CardLimits.check("'residual_histogram' 'counts'", array(histogram, "counts").size(), CardLimits.BINS);
                for (JsonNode count : array(histogram, "counts")) {
                    if (!count.canConvertToInt() || !count.isIntegralNumber()) {
                        throw new IllegalArgumentException("'residual_histogram' counts must be whole numbers");
                    }
                    counts.add(count.asInt());
                }
                residuals = new FeatureHistogram(numbers(histogram, "edges", CardLimits.BINS + 1),
                        Map.of(RegressionEvaluation.RESIDUALS, counts));
            }
            JsonNode points = node.path("points");
            return new RegressionEvaluation(node.path("method").asText(""), (long) number(node, "rows"),
                    number(node, "mae"), number(node, "rmse"), number(node, "r2"), residuals,
                    points.has("actual") ? numbers(points, "actual", CardLimits.POINTS) : List.of(),
                    points.has("predicted") ? numbers(points, "predicted", CardLimits.POINTS) : List.of());
        });
    }

    /** The rows the card's figures leave out, per data file ({@link CardKeys#SKIPPED_ROWS}). */
    Optional<List<SkippedRows>> skippedRows() {
        return parse(CardKeys.SKIPPED_ROWS, node -> {
            if (!node.isArray()) {
                throw new IllegalArgumentException("expected a JSON array of {file, rows, skipped, reasons}");
            }
            CardLimits.check("the list", node.size(), CardLimits.CLASSES);
            List<SkippedRows> out = new ArrayList<>();
            for (JsonNode file : node) {
                if (!file.isObject()) {
                    throw new IllegalArgumentException("expected a JSON array of {file, rows, skipped, reasons}");
                }
                JsonNode reasons = file.has("reasons") ? array(file, "reasons") : JSON.createArrayNode();
                CardLimits.check("'reasons'", reasons.size(), SkippedRows.MAX_REASONS);
                List<SkippedRows.Reason> kept = new ArrayList<>();
                for (JsonNode reason : reasons) {
                    kept.add(new SkippedRows.Reason(count(reason, "row"), text(reason, "field"),
                            text(reason, "message")));
                }
                long rows = count(file, "rows");
                long skipped = count(file, "skipped");
                if (skipped > rows) {
                    throw new IllegalArgumentException("'skipped' is more than 'rows'");
                }
                out.add(new SkippedRows(file.has("file") ? text(file, "file") : "", rows, skipped, kept));
            }
            return out;
        });
    }

    /** A whole number of at least 0. */
    private static long count(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new IllegalArgumentException("'" + field + "' must be a whole number of at least 0");
        }
        return value.asLong();
    }

    Optional<Map<String, CategoryCounts>> categories() {
        return parse(CardKeys.CATEGORIES, node -> {
            if (!node.isObject()) {
                throw new IllegalArgumentException("expected a JSON object from feature name to {counts}");
            }
            Map<String, CategoryCounts> out = new LinkedHashMap<>();
            int[] drawn = {0};
            node.fields().forEachRemaining(e -> {
                JsonNode series = e.getValue().path("counts");
                if (!series.isObject()) {
                    throw new IllegalArgumentException("'" + e.getKey() + "' needs counts: {label: {category: count}}");
                }
                CardLimits.check("'" + e.getKey() + "' counts", series.size(), CardLimits.CLASSES);
                for (JsonNode categories : series) {
                    CardLimits.check("'" + e.getKey() + "' categories", categories.size(), CardLimits.CATEGORIES);
                    drawn[0] += categories.size();
                }
                CardLimits.check("the categories in all", drawn[0], CardLimits.DRAWN_COUNTS);
                Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
                series.fields().forEachRemaining(s -> {
                    if (!s.getValue().isObject()) {
                        throw new IllegalArgumentException("'" + e.getKey() + "' counts of '" + s.getKey()
                                + "' must be an object from category to count");
                    }
                    Map<String, Long> categories = new LinkedHashMap<>();
                    s.getValue().fields().forEachRemaining(c -> {
                        if (!c.getValue().isIntegralNumber() || !c.getValue().canConvertToLong()) {
                            throw new IllegalArgumentException("'" + e.getKey() + "' counts must be whole numbers");
                        }
                        categories.put(c.getKey(), c.getValue().asLong());
                    });
                    counts.put(s.getKey(), categories);
                });
                out.put(e.getKey(), new CategoryCounts(counts));
            });
            return out;
        });
    }

    private static JsonNode array(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("'" + field + "' must be an array");
        }
        return value;
    }

    private static List<Double> numbers(JsonNode node, String field) {
        return numbers(node, field, Integer.MAX_VALUE);
    }

    private static List<Double> numbers(JsonNode node, String field, int limit) {
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

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' must be text");
        }
        return value.asText();
    }

    Optional<Map<String, FeatureHistogram>> histograms() {
        return parse(CardKeys.HISTOGRAMS, node -> {
            if (!node.isObject()) {
                throw new IllegalArgumentException("expected a JSON object from feature name to {edges, counts}");
            }
            Map<String, FeatureHistogram> out = new LinkedHashMap<>();
            int[] drawn = {0};
            node.fields().forEachRemaining(e -> {
                CardLimits.check("'" + e.getKey() + "' edges", e.getValue().path("edges").size(), CardLimits.BINS + 1);
                CardLimits.check("'" + e.getKey() + "' counts", e.getValue().path("counts").size(), CardLimits.CLASSES);
                for (JsonNode bins : e.getValue().path("counts")) {
                    CardLimits.check("'" + e.getKey() + "' counts of a class", bins.size(), CardLimits.BINS);
                    drawn[0] += bins.size();
                }
                CardLimits.check("the histograms in all", drawn[0], CardLimits.DRAWN_COUNTS);
                List<Double> edges = new ArrayList<>();
                e.getValue().path("edges").forEach(edge -> {
                    if (!edge.isNumber()) {
                        throw new IllegalArgumentException("'" + e.getKey() + "' edges must be numbers");
                    }
                    edges.add(edge.asDouble());
                });
                Map<String, List<Integer>> counts = new LinkedHashMap<>();
                e.getValue().path("counts").fields().forEachRemaining(c -> {
                    List<Integer> bins = new ArrayList<>();
                    c.getValue().forEach(n -> {
                        if (!n.canConvertToInt()) {
                            throw new IllegalArgumentException("'" + e.getKey() + "' counts must be integers");
                        }
                        bins.add(n.asInt());
                    });
                    counts.put(c.getKey(), bins);
                });
                out.put(e.getKey(), new FeatureHistogram(edges, counts));
            });
            return out;
        });
    }

    Optional<Map<String, List<Map<String, Object>>>> examples() {
        return parse(CardKeys.EXAMPLES, node -> {
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
                    row.fields().forEachRemaining(v -> values.put(v.getKey(), v.getValue().isTextual()
                            ? v.getValue().asText() : v.getValue().isNull() ? null : number(row, v.getKey())));
                    rows.add(values);
                }
                out.put(e.getKey(), rows);
            });
            return out;
        });
    }

    /** The background sample ({@link CardKeys#BACKGROUND}); its columns and types are checked against the model later. */
    Optional<Background> background() {
        return parse(CardKeys.BACKGROUND, node -> {
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
                        cells.add(cell.isIntegralNumber() && cell.canConvertToLong() ? (Object) cell.asLong()
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
        });
    }

    private static double number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException("'" + field + "' must be a number");
        }
        return value.asDouble();
    }

    private interface Parser<T> {
        T parse(JsonNode node);
    }

    private <T> Optional<T> parse(String key, Parser<T> parser) {
        Optional<String> raw = text(key);
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
}
