package org.tabserve.web.v2;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.tabserve.model.Batch;
import org.tabserve.model.Feature;
import org.tabserve.model.FieldError;
import org.tabserve.model.ModelException;
import org.tabserve.model.ModelInput;
import org.tabserve.model.ModelSignature;
import org.tabserve.model.ValueType;
import org.tabserve.rows.FieldProblem;
import org.tabserve.rows.JsonText;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Open Inference Protocol (KServe v2) inference requests into a checked {@link Batch}: one tensor per model
 * input, named as the graph's input, with its {@code shape} ({@code [N, 1]} or {@code [N]} for a column input,
 * {@code [N, F]} for a wide one), {@code datatype} and {@code data} (flat or nested, row-major), the optional
 * {@code id} and the optional list of requested {@code outputs}.
 *
 * <p>Each input takes the datatypes of {@link #datatypes(ValueType)}: BYTES (JSON strings) for text, BOOL (JSON
 * booleans), INT64/INT32 (whole numbers within the declared type), FP32/FP64. Values are never converted between
 * kinds: a string in numeric data, a number in BYTES data, or a datatype of another kind than the input's is a 400
 * naming the input. A number input also takes the other numeric datatypes when every value is exactly of the input's
 * type (an FP32 input: FP64, INT32 and INT64 values that are exactly a float32). {@code null} is a missing value,
 * taken for the features that may be missing (it becomes NaN). Then {@link Batch#of} checks the values as every
 * route does (categories, integer ranges, text length).
 */
public final class V2InferRequestParser {

    /** What a classifier answers for every row: the predicted label, and every class's probability. */
    public static final List<String> CLASSIFIER_OUTPUTS = List.of(V2Json.LABEL_OUTPUT, V2Json.PROBABILITIES_OUTPUT);

    /**
     * A parsed inference request.
     *
     * @param id      the caller's request id, to echo, or null
     * @param batch   the input tensors' rows, checked against the model's signature
     * @param outputs the outputs to return, in the caller's order; all of the model's when none were named
     */
    public record V2InferRequest(String id, Batch batch, List<String> outputs) {
    }

    private static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    /** Whole numbers up to this magnitude are exact in a double. */
    private static final BigInteger DOUBLE_EXACT = BigInteger.ONE.shiftLeft(53);

    private final ModelSignature signature;
    private final List<String> modelOutputs;
    private final int maxRows;
    /** Each input's first feature's index in a row of {@link ModelSignature#features()}. */
    private final Map<String, Integer> offsets = new HashMap<>();
    /** Each feature's input, to name it in errors. */
    private final Map<String, ModelInput> inputOf = new HashMap<>();

    /**
     * @param signature the model's signature
     * @param outputs   the model's outputs as the protocol names them: {@link #CLASSIFIER_OUTPUTS}, or a regressor's
     *                  one output
     * @param maxRows   the most rows one request may hold
     */
    V2InferRequestParser(ModelSignature signature, List<String> outputs, int maxRows) {
        this.signature = signature;
        this.modelOutputs = List.copyOf(outputs);
        this.maxRows = maxRows;
        int offset = 0;
        for (ModelInput input : signature.inputs()) {
            offsets.put(input.name(), offset);
            offset += input.width();
            input.features().forEach(f -> inputOf.put(f.name(), input));
        }
    }

    /** For a classifier: its outputs are {@link #CLASSIFIER_OUTPUTS}. */
    public V2InferRequestParser(ModelSignature signature, int maxRows) {
        this(signature, CLASSIFIER_OUTPUTS, maxRows);
    }

    /**
     * The datatypes an input of this type takes, the input's own first: number inputs also take the other numeric
     * datatypes whose values are exactly of the input's type.
     */
    public static List<String> datatypes(ValueType type) {
        return switch (type) {
            case FLOAT -> List.of("FP32", "FP64", "INT32", "INT64");
            case DOUBLE -> List.of("FP64", "FP32", "INT32", "INT64");
            case INT64 -> List.of("INT64", "INT32");
            case INT32 -> List.of("INT32", "INT64");
            case STRING -> List.of("BYTES");
            case BOOL -> List.of("BOOL");
        };
    }

    /** The shape the protocol's metadata gives an input: {@code -1} rows, then its columns as the graph has them. */
    public static List<Long> shape(ModelInput input) {
        return input.rank() == 1 ? List.of(-1L) : List.of(-1L, (long) input.width());
    }

    /**
     * @throws HttpProblem 400 naming what is wrong (malformed JSON, missing or unknown input, bad shape, datatype or
     *                     value, with every bad value listed), 413 for more rows than the server takes in one request
     */
    public V2InferRequest parse(InputStream body) throws IOException {
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
        Map<String, JsonNode> inputs = inputs(root.get("inputs"));
        List<Object[]> rows = null;
        String rowsFrom = null;
        for (ModelInput input : signature.inputs()) {
            Tensor tensor = tensor(inputs.get(input.name()), input);
            int count = tensor.rows();
            if (rows == null) {
                rows = new ArrayList<>(count);
                for (int r = 0; r < count; r++) {
                    rows.add(new Object[signature.featureCount()]);
                }
                rowsFrom = input.name();
            } else if (rows.size() != count) {
                throw HttpProblem.badRequest("input '" + input.name() + "' has " + count + " rows but input '"
                        + rowsFrom + "' has " + rows.size() + "; every input needs one value per row");
            }
            fill(tensor, input, rows);
        }
        List<String> outputs = outputs(root.get("outputs"));
        return new V2InferRequest(id, batch(rows), outputs);
    }

    private static JsonNode readTree(InputStream body) throws IOException {
        try (JsonParser parser = JsonText.parser(body)) {
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
            throw JsonText.malformed(e);
        }
    }

    private List<String> inputNames() {
        return signature.inputs().stream().map(ModelInput::name).toList();
    }

    /** The model's inputs by name, refusing unknown, repeated or missing ones. */
    private Map<String, JsonNode> inputs(JsonNode inputs) {
        if (inputs == null || !inputs.isArray()) {
            throw HttpProblem.badRequest("\"inputs\" must be an array holding " + expectedInputs() + ", got "
                    + (inputs == null ? "nothing" : describe(inputs)));
        }
        Map<String, JsonNode> found = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode input = inputs.get(i);
            if (!input.isObject()) {
                throw HttpProblem.badRequest("inputs[" + i + "] must be an object, got " + describe(input));
            }
            JsonNode name = input.get("name");
            if (name == null || !name.isTextual()) {
                throw HttpProblem.badRequest("inputs[" + i + "] needs a \"name\" string; the model's inputs are "
                        + inputNames());
            }
            if (!offsets.containsKey(name.textValue())) {
                throw HttpProblem.badRequest("unknown input '" + name.textValue() + "'; " + (signature.inputs().size() == 1
                        ? "the model has one input, '" + signature.inputName() + "'"
                        : "the model's inputs are " + inputNames()));
            }
            if (found.containsKey(name.textValue())) {
                throw HttpProblem.badRequest("input '" + name.textValue() + "' is given more than once");
            }
            requireObjectIfPresent(input.get("parameters"), "inputs[" + i + "].parameters");
            found.put(name.textValue(), input);
        }
        List<String> missing = new ArrayList<>();
        for (ModelInput input : signature.inputs()) {
            if (!found.containsKey(input.name())) {
                missing.add("'" + input.name() + "' (" + input.type().v2Name() + ", shape " + shape(input) + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw HttpProblem.badRequest("missing input" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + (signature.inputs().size() > 1 ? "; the model takes one tensor per input: " + inputNames() : ""));
        }
        return found;
    }

    private String expectedInputs() {
        return signature.inputs().size() == 1 ? "the input '" + signature.inputName() + "'"
                : "the model's inputs " + inputNames();
    }

    /** An input tensor whose shape, datatype and number of values fit the model's input. */
    private record Tensor(String datatype, List<JsonNode> values, int rows) {
    }

    /** Checks an input tensor's shape, datatype and length against the model's input. */
    private Tensor tensor(JsonNode tensor, ModelInput input) {
        String name = input.name();
        long[] shape = shape(tensor.get("shape"), name);
        String datatype = datatype(tensor.get("datatype"), input);
        int width = input.width();
        boolean fits = width == 1 ? shape.length == 1 || (shape.length == 2 && shape[1] == 1)
                : shape.length == 2 && shape[1] == width;
        if (!fits) {
            throw HttpProblem.badRequest("input '" + name + "' must have shape " + (width == 1 ? "[N, 1] or [N]"
                    + " (one " + input.type().v2Name() + " value per row)" : "[N, " + width + "] (one row of " + width
                    + " features " + input.features().stream().map(Feature::name).toList() + " per item)")
                    + ", got " + text(shape));
        }
        if (shape[0] == 0) {
            throw HttpProblem.badRequest("input '" + name + "' has no rows: shape " + text(shape));
        }
        JsonNode data = tensor.get("data");
        if (data == null || !data.isArray()) {
            throw HttpProblem.badRequest("input '" + name + "' needs \"data\": an array of values, flat or nested "
                    + "in row-major order, got " + (data == null ? "nothing" : describe(data)));
        }
        List<JsonNode> values = flatten(data, shape, name);
        BigInteger expected = BigInteger.valueOf(shape[0]).multiply(BigInteger.valueOf(input.width()));
        if (!expected.equals(BigInteger.valueOf(values.size()))) {
            throw HttpProblem.badRequest("input '" + name + "' has shape " + text(shape) + ", which needs "
                    + expected + " values, but its data has " + values.size());
        }
        if (shape[0] > maxRows) {
            throw HttpProblem.tooLarge("input '" + name + "' has " + shape[0] + " rows; at most " + maxRows
                    + " are taken in one request");
        }
        return new Tensor(datatype, values, (int) shape[0]);
    }

    /** Puts an input tensor's values into the rows' cells for its features. */
    private void fill(Tensor tensor, ModelInput input, List<Object[]> rows) {
        String datatype = tensor.datatype();
        List<JsonNode> values = tensor.values();
        int width = input.width();
        int offset = offsets.get(input.name());
        for (int i = 0; i < values.size(); i++) {
            Feature feature = input.features().get(i % width);
            rows.get(i / width)[offset + i % width] = cell(values.get(i), datatype, input, feature, i);
        }
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

    private static String datatype(JsonNode datatype, ModelInput input) {
        List<String> allowed = datatypes(input.type());
        if (datatype == null || !datatype.isTextual()) {
            throw HttpProblem.badRequest("input '" + input.name() + "' needs \"datatype\", one of " + allowed);
        }
        String type = datatype.textValue();
        if (!allowed.contains(type)) {
            throw HttpProblem.badRequest("input '" + input.name() + "' has datatype '" + type + "'; the model takes "
                    + allowed.get(0) + (allowed.size() == 1 ? "" : " (also accepted: " + String.join(", ",
                    allowed.subList(1, allowed.size())) + " whose values are exactly " + what(input.type()) + ")"));
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
                    + ", but " + path + " is " + (node.isArray() ? "an array of " + node.size() : describe(node))
                    + " where an array of " + shape[depth] + " belongs");
        }
        for (int i = 0; i < node.size(); i++) {
            nest(node.get(i), shape, depth + 1, path + "[" + i + "]", name, out);
        }
    }

    /**
     * One value as the cell {@link Batch#of} takes: a String (BYTES), a Boolean (BOOL), a number exactly as the model
     * takes it, or null for a missing value; anything else is refused here, naming the input.
     */
    static Object cell(JsonNode node, String datatype, ModelInput input, Feature feature, int index) {
        String where = "input '" + input.name() + "': data value " + index
                + (input.width() > 1 ? " (feature '" + feature.name() + "')" : "");
        if (node.isNull()) {
            if (!feature.missingAllowed()) {
                throw HttpProblem.badRequest(where + " is null, but '" + feature.name() + "' may not be missing");
            }
            return null;
        }
        switch (datatype) {
            case "BYTES" -> {
                if (!node.isTextual()) {
                    throw HttpProblem.badRequest(where + " must be a string (BYTES), got " + describe(node));
                }
                return node.textValue();
            }
            case "BOOL" -> {
                if (!node.isBoolean()) {
                    throw HttpProblem.badRequest(where + " must be true or false (BOOL), got " + describe(node));
                }
                return node.booleanValue();
            }
            default -> {
                if (!node.isNumber()) {
                    throw HttpProblem.badRequest(where + " must be a number (" + datatype + "), got " + describe(node));
                }
                return datatype.startsWith("FP") ? real(node, datatype, input.type(), where)
                        : whole(node, datatype, input.type(), where);
            }
        }
    }

    /** An FP32 or FP64 value for a float or double input. */
    private static Object real(JsonNode node, String datatype, ValueType type, String where) {
        double value = node.doubleValue();
        if (datatype.equals("FP32")) {
            float rounded = (float) value;
            if (!Float.isFinite(rounded)) {
                throw HttpProblem.badRequest(where + " (" + node + ") is outside the FP32 range");
            }
            return (double) rounded;
        }
        if (!Double.isFinite(value)) {
            throw HttpProblem.badRequest(where + " (" + node + ") is outside the FP64 range");
        }
        if (type == ValueType.FLOAT && (float) value != value) {
            throw HttpProblem.badRequest(where + " (" + node + ") is not exactly a float32, which the model "
                    + "takes; send it as FP32 to have it rounded");
        }
        return value;
    }

    /** An INT32 or INT64 value: whole, within the declared type, and exact in the input's type. */
    private static Object whole(JsonNode node, String datatype, ValueType type, String where) {
        BigInteger value;
        if (node.isIntegralNumber()) {
            value = node.bigIntegerValue();
        } else {
            double d = node.doubleValue();
            BigDecimal exact = Double.isFinite(d) ? node.decimalValue() : null;
            if (exact == null || exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0) {
                throw HttpProblem.badRequest(where + " (" + node + ") is not a whole number, as " + datatype
                        + " requires");
            }
            value = exact.toBigInteger();
        }
        boolean int32 = datatype.equals("INT32");
        if (value.compareTo(int32 ? INT32_MIN : INT64_MIN) < 0 || value.compareTo(int32 ? INT32_MAX : INT64_MAX) > 0) {
            throw HttpProblem.badRequest(where + " (" + node + ") is outside the " + datatype + " range");
        }
        switch (type) {
            case FLOAT -> {
                float rounded = value.floatValue();
                if (new BigDecimal(rounded).toBigIntegerExact().compareTo(value) != 0) {
                    throw HttpProblem.badRequest(where + " (" + node + ") is not exactly a float32, which the model "
                            + "takes (whole numbers are exact up to 16777216)");
                }
                return (double) rounded;
            }
            case DOUBLE -> {
                if (value.abs().compareTo(DOUBLE_EXACT) > 0
                        && new BigDecimal(value.doubleValue()).toBigIntegerExact().compareTo(value) != 0) {
                    throw HttpProblem.badRequest(where + " (" + node + ") is not exactly a float64, which the model "
                            + "takes (whole numbers are exact up to 9007199254740992)");
                }
                return value.doubleValue();
            }
            default -> {
                return value.longValue(); // INT32 and INT64 inputs: Batch checks an INT32 input's range
            }
        }
    }

    /** The rows as a batch; the values the model refuses are a 400 listing each with its input and row. */
    private Batch batch(List<Object[]> rows) {
        try {
            return Batch.of(signature, rows);
        } catch (ModelException e) {
            if (e.kind() != ModelException.Kind.INVALID_INPUT) {
                throw e;
            }
            // The protocol's error body is one string: it must say which input and row, as the list does.
            List<FieldProblem> problems = new ArrayList<>();
            List<String> said = new ArrayList<>();
            for (FieldError error : e.fieldErrors()) {
                problems.add(new FieldProblem(error.field(), error.message(), error.row()));
                if (said.size() < 3) {
                    ModelInput input = inputOf.get(error.field());
                    String where = input == null ? "" : "input '" + input.name() + "'"
                            + (input.width() > 1 ? " (feature '" + error.field() + "')" : "") + ", ";
                    said.add(where + "row " + error.row() + ": " + error.message());
                }
            }
            String detail = problems.size() == 1 ? said.get(0) : e.getMessage() + ": " + String.join("; ", said)
                    + (problems.size() > said.size() ? "; …" : "");
            throw new HttpProblem(400, "Invalid input", detail, problems, Map.of());
        }
    }

    private List<String> outputs(JsonNode outputs) {
        if (outputs == null) {
            return modelOutputs;
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
                        + modelOutputs);
            }
            requireObjectIfPresent(output.get("parameters"), "outputs[" + i + "].parameters");
            if (!modelOutputs.contains(name.textValue())) {
                throw HttpProblem.badRequest("unknown output '" + name.textValue() + "'; the model's outputs are "
                        + modelOutputs);
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
