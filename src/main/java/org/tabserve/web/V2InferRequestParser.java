package org.tabserve.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.tabserve.model.ModelSignature;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads Open Inference Protocol (KServe v2) inference requests: the model's one input as a tensor {@code [N, F]}
 * with its {@code shape}, {@code datatype} and {@code data} (flat or nested, row-major), the optional {@code id}
 * and the optional list of requested {@code outputs}. FP32 is the model's type; FP64, INT32 and INT64 are taken when
 * every value converts exactly to a float32.
 */
final class V2InferRequestParser {

    /** The element types accepted for the model's float32 input. */
    static final List<String> DATATYPES = List.of("FP32", "FP64", "INT32", "INT64");
    /** What tabserve answers for every row: the predicted label, and every class's probability. */
    static final List<String> OUTPUTS = List.of(V2Json.LABEL_OUTPUT, V2Json.PROBABILITIES_OUTPUT);

    /**
     * A parsed inference request.
     *
     * @param id      the caller's request id, to echo, or null
     * @param rows    the input tensor's rows, each value exactly a float32
     * @param outputs the outputs to return, in the caller's order; all of {@link #OUTPUTS} when none were named
     */
    record V2InferRequest(String id, double[][] rows, List<String> outputs) {
    }

    private static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private final ModelSignature signature;
    private final int maxRows;

    V2InferRequestParser(ModelSignature signature, int maxRows) {
        this.signature = signature;
        this.maxRows = maxRows;
    }

    /**
     * @throws HttpProblem 400 naming what is wrong (malformed JSON, missing or unknown input, bad shape, datatype or
     *                     value), 413 for more rows than the server takes in one request
     */
    V2InferRequest parse(InputStream body) throws IOException {
        JsonNode root = readTree(body);
        if (!root.isObject()) {
            throw HttpProblem.badRequest("the body must be a JSON object with \"inputs\", got " + describe(root));
        }
        String id = null;
        JsonNode idNode = root.get("id");
        if (idNode != null) {
            if (!idNode.isTextual()) {
                throw HttpProblem.badRequest("\"id\" must be a string, got " + describe(idNode));
            }
            id = idNode.textValue();
        }
        requireObjectIfPresent(root.get("parameters"), "\"parameters\"");
        double[][] rows = rows(input(root.get("inputs")));
        return new V2InferRequest(id, rows, outputs(root.get("outputs")));
    }

    private static JsonNode readTree(InputStream body) throws IOException {
        try (JsonParser parser = Json.FACTORY.createParser(body)) {
            JsonNode root = Json.MAPPER.readTree(parser);
            if (root == null || root.isMissingNode()) {
                throw HttpProblem.badRequest("the body is empty; send an inference request "
                        + "{\"inputs\": [{\"name\", \"shape\", \"datatype\", \"data\"}]}");
            }
            if (parser.nextToken() != null) {
                throw HttpProblem.badRequest("unexpected content after the JSON object");
            }
            return root;
        } catch (JsonProcessingException | CharConversionException e) {
            throw Json.malformed(e);
        }
    }

    /** Finds the model's one input among {@code inputs}, refusing unknown, repeated or missing ones. */
    private JsonNode input(JsonNode inputs) {
        String expected = signature.inputName();
        if (inputs == null || !inputs.isArray()) {
            throw HttpProblem.badRequest("\"inputs\" must be an array holding the input '" + expected + "', got "
                    + (inputs == null ? "nothing" : describe(inputs)));
        }
        JsonNode found = null;
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode input = inputs.get(i);
            if (!input.isObject()) {
                throw HttpProblem.badRequest("inputs[" + i + "] must be an object, got " + describe(input));
            }
            JsonNode name = input.get("name");
            if (name == null || !name.isTextual()) {
                throw HttpProblem.badRequest("inputs[" + i + "] needs a \"name\" string; the model's input is '"
                        + expected + "'");
            }
            if (!name.textValue().equals(expected)) {
                throw HttpProblem.badRequest("unknown input '" + name.textValue() + "'; the model has one input, '"
                        + expected + "'");
            }
            if (found != null) {
                throw HttpProblem.badRequest("input '" + expected + "' is given more than once");
            }
            requireObjectIfPresent(input.get("parameters"), "inputs[" + i + "].parameters");
            found = input;
        }
        if (found == null) {
            throw HttpProblem.badRequest("missing input '" + expected + "' (FP32, shape [-1, "
                    + signature.featureCount() + "])");
        }
        return found;
    }

    private double[][] rows(JsonNode input) {
        String name = signature.inputName();
        int features = signature.featureCount();
        long[] shape = shape(input.get("shape"), name);
        String datatype = datatype(input.get("datatype"), name);
        if (shape.length != 2 || shape[1] != features) {
            throw HttpProblem.badRequest("input '" + name + "' must have shape [N, " + features + "] (one row of "
                    + features + " features " + signature.featureNames() + " per item), got " + text(shape));
        }
        if (shape[0] == 0) {
            throw HttpProblem.badRequest("input '" + name + "' has no rows: shape " + text(shape));
        }
        JsonNode data = input.get("data");
        if (data == null || !data.isArray()) {
            throw HttpProblem.badRequest("input '" + name + "' needs \"data\": an array of numbers, flat or nested "
                    + "in row-major order, got " + (data == null ? "nothing" : describe(data)));
        }
        List<JsonNode> values = flatten(data, shape, name);
        BigInteger expected = BigInteger.valueOf(shape[0]).multiply(BigInteger.valueOf(features));
        if (!expected.equals(BigInteger.valueOf(values.size()))) {
            throw HttpProblem.badRequest("input '" + name + "' has shape " + text(shape) + ", which needs "
                    + expected + " values, but its data has " + values.size());
        }
        if (shape[0] > maxRows) {
            throw HttpProblem.tooLarge("input '" + name + "' has " + shape[0] + " rows; at most " + maxRows
                    + " are taken in one request");
        }
        double[][] rows = new double[(int) shape[0]][features];
        for (int i = 0; i < values.size(); i++) {
            rows[i / features][i % features] = value(values.get(i), datatype, name, i);
        }
        return rows;
    }

    private static long[] shape(JsonNode shape, String name) {
        if (shape == null || !shape.isArray()) {
            throw HttpProblem.badRequest("input '" + name + "' needs \"shape\": an array of dimensions, got "
                    + (shape == null ? "nothing" : describe(shape)));
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode dim = shape.get(i);
            if (!dim.isIntegralNumber() || !dim.canConvertToLong() || dim.longValue() < 0) {
                throw HttpProblem.badRequest("input '" + name + "': shape[" + i + "] must be a whole number >= 0, got "
                        + dim);
            }
            dims[i] = dim.longValue();
        }
        return dims;
    }

    private static String datatype(JsonNode datatype, String name) {
        if (datatype == null || !datatype.isTextual()) {
            throw HttpProblem.badRequest("input '" + name + "' needs \"datatype\", one of " + DATATYPES);
        }
        String type = datatype.textValue();
        if (!DATATYPES.contains(type)) {
            throw HttpProblem.badRequest("input '" + name + "' has datatype '" + type + "'; the model takes FP32 ("
                    + "also accepted: FP64, INT32 and INT64 whose values are exactly float32)");
        }
        return type;
    }

    /**
     * The data's values in row-major order: a flat array of numbers, or arrays nested exactly as the shape says.
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
                    + ", but " + path + " is " + (node.isArray() ? "an array of " + node.size() : describe(node))
                    + " where an array of " + shape[depth] + " belongs");
        }
        for (int i = 0; i < node.size(); i++) {
            nest(node.get(i), shape, depth + 1, path + "[" + i + "]", name, out);
        }
    }

    /** One value as the float32 the model takes, refusing any that would change on the way. */
    static double value(JsonNode node, String datatype, String name, int index) {
        String where = "input '" + name + "': data value " + index;
        if (!node.isNumber()) {
            throw HttpProblem.badRequest(where + " must be a number, got " + describe(node));
        }
        switch (datatype) {
            case "FP32" -> {
                float value = (float) node.doubleValue();
                if (!Float.isFinite(value)) {
                    throw HttpProblem.badRequest(where + " (" + node + ") is outside the FP32 range");
                }
                return value;
            }
            case "FP64" -> {
                double value = node.doubleValue();
                float rounded = (float) value;
                if (!Double.isFinite(value) || rounded != value) {
                    throw HttpProblem.badRequest(where + " (" + node + ") is not exactly a float32, which the model "
                            + "takes; send it as FP32 to have it rounded");
                }
                return rounded;
            }
            default -> {
                if (!node.isIntegralNumber()) {
                    throw HttpProblem.badRequest(where + " (" + node + ") is not a whole number, as " + datatype
                            + " requires");
                }
                BigInteger value = node.bigIntegerValue();
                boolean int32 = datatype.equals("INT32");
                if (value.compareTo(int32 ? INT32_MIN : INT64_MIN) < 0 || value.compareTo(int32 ? INT32_MAX : INT64_MAX) > 0) {
                    throw HttpProblem.badRequest(where + " (" + node + ") is outside the " + datatype + " range");
                }
                float rounded = value.floatValue();
                if (new BigDecimal(rounded).toBigIntegerExact().compareTo(value) != 0) {
                    throw HttpProblem.badRequest(where + " (" + node + ") is not exactly a float32, which the model "
                            + "takes (whole numbers are exact up to 16777216)");
                }
                return rounded;
            }
        }
    }

    private static List<String> outputs(JsonNode outputs) {
        if (outputs == null) {
            return OUTPUTS;
        }
        if (!outputs.isArray()) {
            throw HttpProblem.badRequest("\"outputs\" must be an array of {\"name\": ...}, got " + describe(outputs));
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < outputs.size(); i++) {
            JsonNode output = outputs.get(i);
            JsonNode name = output.isObject() ? output.get("name") : null;
            if (name == null || !name.isTextual()) {
                throw HttpProblem.badRequest("outputs[" + i + "] must be an object with a \"name\" string, one of "
                        + OUTPUTS);
            }
            requireObjectIfPresent(output.get("parameters"), "outputs[" + i + "].parameters");
            if (!OUTPUTS.contains(name.textValue())) {
                throw HttpProblem.badRequest("unknown output '" + name.textValue() + "'; the model's outputs are "
                        + OUTPUTS);
            }
            if (!seen.add(name.textValue())) {
                throw HttpProblem.badRequest("output '" + name.textValue() + "' is requested more than once");
            }
            names.add(name.textValue());
        }
        return List.copyOf(names);
    }

    private static void requireObjectIfPresent(JsonNode node, String what) {
        if (node != null && !node.isObject()) {
            throw HttpProblem.badRequest(what + " must be an object, got " + describe(node));
        }
    }

    private static String text(long[] shape) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            text.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return text.append(']').toString();
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case NUMBER -> "a number";
            default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
