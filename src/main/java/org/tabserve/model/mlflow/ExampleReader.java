package org.tabserve.model.mlflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the input example that MLmodel's {@code saved_input_example_info} names ({@code artifact_path}, usually
 * {@code input_example.json}) as rows of cells, in the layouts MLflow writes: a dataframe as pandas' {@code split}
 * ({@code {"columns": [...], "data": [[...]]}}), {@code values} ({@code {"data": [[...]]}} or a bare array of rows) or
 * {@code records} ({@code [{"x": 1}, …]}), wrapped in {@code {"inputs": …, "params": …}} when it has params; an
 * {@code ndarray} of rows (bare, or under {@code inputs}); a {@code json_object} of one row or a list of them. Other
 * layouts (sparse matrices, nested objects) give no example; a file past its bound or not JSON is refused.
 */
final class ExampleReader {

    private static final String FIELD = "saved_input_example_info.artifact_path";

    private ExampleReader() {}

    static Optional<MlflowExample> read(
            Map<String, Object> mlmodel,
            InsideDirectory directory,
            Optional<MlflowSignature> signature,
            MlflowLimits limits) {
        Map<String, Object> info = MlmodelYaml.mapping(mlmodel, "MLmodel", "saved_input_example_info");
        if (info == null) {
            return Optional.empty();
        }
        String type = MlmodelYaml.text(info, "saved_input_example_info", "type");
        String orient = MlmodelYaml.text(info, "saved_input_example_info", "pandas_orient");
        Path file = directory.file(FIELD, MlmodelYaml.text(info, "saved_input_example_info", "artifact_path"));
        byte[] bytes = InsideDirectory.read(FIELD, file, limits.maxExampleBytes());
        Object json = new BoundedJson(FIELD, limits.maxExampleBytes(), limits.maxNesting(), limits.maxExampleCells())
                .read(bytes);
        List<String> named = signature
                .map(s -> s.inputs().columns().stream().map(MlflowColumn::name).toList())
                .orElse(List.of());
        Object data = json;
        if (json instanceof Map<?, ?> wrapper
                && wrapper.containsKey("inputs")
                && !wrapper.containsKey("data")
                && !wrapper.containsKey("columns")) {
            data = wrapper.get("inputs");
        }
        if (type == null) {
            return Optional.empty();
        }
        Optional<MlflowExample> example = switch (type) {
            case "dataframe" -> dataframe(data, orient, named, limits);
            case "ndarray" -> data instanceof List<?> rows ? positional(rows, named, limits) : Optional.empty();
            case "json_object" -> records(data, limits);
            default -> Optional.empty();
        };
        return example;
    }

    private static Optional<MlflowExample> dataframe(
            Object data, String orient, List<String> named, MlflowLimits limits) {
        if ("records".equals(orient)) {
            return records(data, limits);
        }
        if (data instanceof List<?> rows) {
            return positional(rows, named, limits);
        }
        if (!(data instanceof Map<?, ?> split) || !(split.get("data") instanceof List<?> rows)) {
            throw new MlflowFormatException(FIELD + ": a dataframe example holds no data array");
        }
        if (!(split.get("columns") instanceof List<?> columns)) {
            return positional(rows, named, limits);
        }
        List<String> names = new ArrayList<>();
        for (Object column : columns) {
            names.add(String.valueOf(column));
        }
        return Optional.of(new MlflowExample(names, table(rows, names.size())));
    }

    /** Rows of cells without column names: the signature's names when they fit, else positions as MLflow gives. */
    private static Optional<MlflowExample> positional(List<?> rows, List<String> named, MlflowLimits limits) {
        if (rows.isEmpty() || !(rows.get(0) instanceof List<?> first)) {
            return Optional.empty();
        }
        int width = first.size();
        if (width > limits.maxColumns()) {
            throw new MlflowFormatException(FIELD + ": a row has more than " + limits.maxColumns() + " cells");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            names.add(named.size() == width ? named.get(i) : String.valueOf(i));
        }
        return Optional.of(new MlflowExample(names, table(rows, width)));
    }

    /** A JSON object of one row, or a list of them: the columns in the order first met. */
    private static Optional<MlflowExample> records(Object data, MlflowLimits limits) {
        List<?> objects = data instanceof Map<?, ?> one ? List.of(one) : data instanceof List<?> many ? many : null;
        if (objects == null || objects.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Integer> columns = new LinkedHashMap<>();
        for (Object row : objects) {
            if (!(row instanceof Map<?, ?> cells)) {
                return Optional.empty();
            }
            for (Object key : cells.keySet()) {
                columns.putIfAbsent(String.valueOf(key), columns.size());
            }
            if (columns.size() > limits.maxColumns()) {
                throw new MlflowFormatException(FIELD + ": a row has more than " + limits.maxColumns() + " cells");
            }
        }
        List<List<Object>> rows = new ArrayList<>();
        for (Object row : objects) {
            List<Object> cells = new ArrayList<>();
            for (String column : columns.keySet()) {
                cells.add(cell(((Map<?, ?>) row).get(column), rows.size()));
            }
            rows.add(cells);
        }
        return Optional.of(new MlflowExample(List.copyOf(columns.keySet()), rows));
    }

    private static List<List<Object>> table(List<?> rows, int width) {
        List<List<Object>> table = new ArrayList<>();
        for (Object row : rows) {
            if (!(row instanceof List<?> cells) || cells.size() != width) {
                throw new MlflowFormatException(FIELD + ": row " + (table.size() + 1) + " does not hold one cell for"
                        + " each of the " + width + " columns");
            }
            List<Object> kept = new ArrayList<>(width);
            for (Object cell : cells) {
                kept.add(cell(cell, table.size()));
            }
            table.add(kept);
        }
        return table;
    }

    private static Object cell(Object cell, int row) {
        if (cell instanceof List<?> || cell instanceof Map<?, ?>) {
            throw new MlflowFormatException(FIELD + ": row " + (row + 1) + " holds a cell that is not a single value");
        }
        return cell;
    }
}
