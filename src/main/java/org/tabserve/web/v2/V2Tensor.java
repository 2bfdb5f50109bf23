package org.tabserve.web.v2;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ValueType;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.WebConfig;

/**
 * One input tensor of an Open Inference Protocol request, checked against the model's input: its {@code shape}
 * ({@code [N, 1]} or {@code [N]} for a column input, {@code [N, F]} for a wide one), its {@code datatype} (one of
 * {@link V2Values#datatypes(ValueType)}) and its {@code data}, flat or nested as the shape says, in row-major order, with
 * exactly the values the shape needs. Its values are not read here: {@link V2Values} reads each.
 *
 * @param datatype the tensor's datatype, one the input takes
 * @param values   the data's values in row-major order, {@code rows} times the input's width
 * @param rows     the tensor's first dimension
 */
record V2Tensor(String datatype, V2Request.Values values, int rows) {

    /**
     * Checks a JSON input tensor's shape, datatype and length against the model's input.
     *
     * @param maxRows the most rows one request may hold
     * @throws HttpProblem 400 naming what is wrong, 413 for more rows than {@code maxRows}
     */
    static V2Tensor read(JsonNode tensor, ModelInput input, int maxRows) {
        return read(new Json(tensor), input, maxRows);
    }

    /**
     * Checks an input tensor's shape, datatype and length against the model's input, whichever transport carried it.
     *
     * @param maxRows the most rows one request may hold
     * @throws HttpProblem 400 naming what is wrong, 413 for more rows than {@code maxRows}
     */
    static V2Tensor read(V2Request.Input tensor, ModelInput input, int maxRows) {
        String name = input.name();
        long[] shape = tensor.shape(name);
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw HttpProblem.badRequest(dimension(name, i, Long.toString(shape[i])));
            }
        }
        String datatype = datatype(tensor.datatype(), input);
        int width = input.width();
        boolean fits = width == 1
                ? shape.length == 1 || (shape.length == 2 && shape[1] == 1)
                : shape.length == 2 && shape[1] == width;
        if (!fits) {
            throw HttpProblem.badRequest("input '" + name + "' must have shape "
                    + (width == 1
                            ? "[N, 1] or [N]" + " (one " + input.type().v2Name() + " value per row)"
                            : "[N, " + width + "] (one row of " + width + " features "
                                    + input.features().stream()
                                            .map(Feature::name)
                                            .toList() + " per item)")
                    + ", got " + text(shape));
        }
        if (shape[0] == 0) {
            throw HttpProblem.badRequest("input '" + name + "' has no rows: shape " + text(shape));
        }
        V2Request.Values values = tensor.values(shape, name);
        BigInteger expected = BigInteger.valueOf(shape[0]).multiply(BigInteger.valueOf(input.width()));
        if (!expected.equals(BigInteger.valueOf(values.size()))) {
            throw HttpProblem.badRequest("input '" + name + "' has shape " + text(shape) + ", which needs " + expected
                    + " values, but its data has " + values.size());
        }
        if (shape[0] > maxRows) {
            throw HttpProblem.tooLarge("input '" + name + "' has " + shape[0] + " rows; at most " + maxRows
                    + " are taken in one request; " + WebConfig.raisedBy(WebConfig.MAX_BATCH_ROWS));
        }
        return new V2Tensor(datatype, values, (int) shape[0]);
    }

    /** The message for a dimension that is no whole number {@code >= 0}, the same on every transport. */
    private static String dimension(String name, int index, String got) {
        return "input '" + name + "': shape[" + index + "] must be a whole number >= 0, got " + got;
    }

    private static String datatype(String type, ModelInput input) {
        List<String> allowed = V2Values.datatypes(input.type());
        if (type == null) {
            throw HttpProblem.badRequest("input '" + input.name() + "' needs \"datatype\", one of " + allowed);
        }
        if (!allowed.contains(type)) {
            throw HttpProblem.badRequest("input '" + input.name() + "' has datatype '" + type + "'; the model takes "
                    + allowed.get(0)
                    + (allowed.size() == 1
                            ? ""
                            : " (also accepted: " + String.join(", ", allowed.subList(1, allowed.size()))
                                    + " whose values are exactly " + what(input.type()) + ")"));
        }
        return type;
    }

    private static String what(ValueType type) {
        return switch (type) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case INT32 -> "int32";
            default -> "int64";
        };
    }

    /**
     * An input tensor of a JSON body ({@code {"name", "shape", "datatype", "data"}}): its shape's dimensions must be
     * whole numbers, its data a flat array or arrays nested exactly as the shape says.
     */
    record Json(JsonNode tensor) implements V2Request.Input {

        @Override
        public String name() {
            JsonNode name = tensor.get("name");
            return name == null ? null : name.textValue();
        }

        @Override
        public long[] shape(String name) {
            JsonNode shape = tensor.get("shape");
            if (shape == null || !shape.isArray()) {
                throw HttpProblem.badRequest("input '" + name + "' needs \"shape\": an array of dimensions, got "
                        + (shape == null ? "nothing" : V2Values.describe(shape)));
            }
            long[] dims = new long[shape.size()];
            for (int i = 0; i < dims.length; i++) {
                JsonNode dim = shape.get(i);
                if (!dim.isIntegralNumber() || !dim.canConvertToLong() || dim.longValue() < 0) {
                    throw HttpProblem.badRequest(dimension(name, i, dim.toString()));
                }
                dims[i] = dim.longValue();
            }
            return dims;
        }

        @Override
        public String datatype() {
            JsonNode datatype = tensor.get("datatype");
            return datatype == null || !datatype.isTextual() ? null : datatype.textValue();
        }

        @Override
        public V2Request.Values values(long[] shape, String name) {
            JsonNode data = tensor.get("data");
            if (data == null || !data.isArray()) {
                throw HttpProblem.badRequest("input '" + name + "' needs \"data\": an array of values, flat or nested "
                        + "in row-major order, got " + (data == null ? "nothing" : V2Values.describe(data)));
            }
            return V2Request.Values.of(flatten(data, shape, name));
        }
    }

    /**
     * The data's values in row-major order: a flat array, or arrays nested exactly as the shape says.
     */
    private static List<JsonNode> flatten(JsonNode data, long[] shape, String name) {
        List<JsonNode> values = new ArrayList<>();
        boolean nested = false;
        for (JsonNode item : data) {
            nested |= item.isArray();
        }
        if (!nested) {
            data.forEach(values::add);
            return values;
        }
        nest(data, shape, 0, "data", name, values);
        return values;
    }

    private static void nest(JsonNode node, long[] shape, int depth, String path, String name, List<JsonNode> out) {
        if (depth == shape.length) {
            if (node.isArray()) {
                throw HttpProblem.badRequest("input '" + name + "': " + path + " is nested deeper than the shape "
                        + text(shape) + " allows");
            }
            out.add(node);
            return;
        }
        if (!node.isArray() || node.size() != shape[depth]) {
            throw HttpProblem.badRequest("input '" + name + "': nested data must follow the shape " + text(shape)
                    + ", but " + path + " is "
                    + (node.isArray() ? "an array of " + node.size() : V2Values.describe(node))
                    + " where an array of " + shape[depth] + " belongs");
        }
        for (int i = 0; i < node.size(); i++) {
            nest(node.get(i), shape, depth + 1, path + "[" + i + "]", name, out);
        }
    }

    private static String text(long[] shape) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            text.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return text.append(']').toString();
    }
}
