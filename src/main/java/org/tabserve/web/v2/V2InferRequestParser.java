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
import org.tabserve.rows.FieldProblem;
import org.tabserve.rows.JsonText;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Open Inference Protocol (KServe v2) inference requests into a checked {@link Batch}: the request's envelope,
 * here (one tensor per model input, named as the graph's input, none missing or repeated; the optional {@code id},
 * {@code parameters} and list of requested {@code outputs}), each tensor's {@code shape}, {@code datatype} and
 * {@code data} by {@link V2Tensor}, and each value by {@link V2Values}. The tensors' values become rows, which
 * {@link Batch#of} checks as every route does (categories, integer ranges, text length); a value it refuses is a 400
 * naming its input and row.
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
            throw HttpProblem.badRequest("the body must be a JSON object with \"inputs\", got " + V2Values.describe(root));
        }
        String id = null;
        JsonNode idNode = root.get("id");
        if (idNode != null) {
            if (!idNode.isTextual()) {
                throw HttpProblem.badRequest("\"id\" must be a string, got " + V2Values.describe(idNode));
            }
            id = idNode.textValue();
        }
        requireObjectIfPresent(root.get("parameters"), "\"parameters\"");
        Map<String, JsonNode> inputs = inputs(root.get("inputs"));
        List<Object[]> rows = null;
        String rowsFrom = null;
        for (ModelInput input : signature.inputs()) {
            V2Tensor tensor = V2Tensor.read(inputs.get(input.name()), input, maxRows);
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
                    + (inputs == null ? "nothing" : V2Values.describe(inputs)));
        }
        Map<String, JsonNode> found = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode input = inputs.get(i);
            if (!input.isObject()) {
                throw HttpProblem.badRequest("inputs[" + i + "] must be an object, got " + V2Values.describe(input));
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

    /** Puts an input tensor's values into the rows' cells for its features. */
    private void fill(V2Tensor tensor, ModelInput input, List<Object[]> rows) {
        String datatype = tensor.datatype();
        List<JsonNode> values = tensor.values();
        int width = input.width();
        int offset = offsets.get(input.name());
        for (int i = 0; i < values.size(); i++) {
            Feature feature = input.features().get(i % width);
            rows.get(i / width)[offset + i % width] = V2Values.cell(values.get(i), datatype, input, feature, i);
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
            throw HttpProblem.badRequest("\"outputs\" must be an array of {\"name\": ...}, got " + V2Values.describe(outputs));
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
            throw HttpProblem.badRequest(what + " must be an object, got " + V2Values.describe(node));
        }
    }
}
