package org.tabserve.web.v2;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.answerjson.CoverageField;
import org.tabserve.rows.answerjson.ExplainField;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.field.RowsException;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;

/**
 * Reads Open Inference Protocol (KServe v2) inference requests from a JSON body into a checked {@link Batch}: the
 * body's envelope here (an object with {@code inputs}, each an object; the optional {@code id}, {@code parameters}
 * and list of requested {@code outputs}), then the request as {@link V2RequestReader} checks it for every transport
 * (one tensor per model input, each tensor's {@code shape}, {@code datatype} and {@code data} by {@link V2Tensor}, each
 * value by {@link V2Values}, the rows by {@link Batch#of}).
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
    /**
     * @param explain  whether each row's explanation is asked for (the request's {@code "explain": true})
     * @param coverage the coverage asked for (the request's {@code "coverage": 0.9}), or null
     */
    public record V2InferRequest(String id, Batch batch, List<String> outputs, boolean explain, Double coverage) {}

    private final V2RequestReader reader;

    /**
     * @param signature the model's signature
     * @param outputs   the model's outputs as the protocol names them: {@link #CLASSIFIER_OUTPUTS}, or a regressor's
     *                  one output
     * @param maxRows   the most rows one request may hold
     */
    V2InferRequestParser(ModelSignature signature, List<String> outputs, int maxRows) {
        this.reader = new V2RequestReader(signature, outputs, maxRows);
    }

    /** For a classifier: its outputs are {@link #CLASSIFIER_OUTPUTS}. */
    public V2InferRequestParser(ModelSignature signature, int maxRows) {
        this(signature, CLASSIFIER_OUTPUTS, maxRows);
    }

    /**
     * @throws HttpProblem 400 naming what is wrong (malformed JSON, missing or unknown input, bad shape, datatype or
     *                     value, with every bad value listed), 413 for more rows than the server takes in one request
     */
    public V2InferRequest parse(InputStream body) throws IOException {
        return reader.read(request(readTree(body)));
    }

    /** The body's envelope as the transport-neutral request. */
    private V2Request request(JsonNode root) {
        if (!root.isObject()) {
            throw HttpProblem.badRequest(
                    "the body must be a JSON object with \"inputs\", got " + V2Values.describe(root));
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
        JsonNode parameters = root.get("parameters");
        return new V2Request(
                id,
                inputs(root.get("inputs")),
                outputs(root.get("outputs")),
                explain(parameters == null ? null : parameters.get(ExplainField.NAME)),
                coverage(parameters == null ? null : parameters.get(CoverageField.NAME)));
    }

    /**
     * The request parameter {@code coverage}, as either transport carried it: a number (or a number as text, as a
     * gRPC {@code string_param}) read by {@link CoverageField}'s rule, else a 400 naming it.
     *
     * @param coverage the parameter's value as JSON, or null when the request has none
     * @return the coverage, or null when none was asked for
     */
    public static Double coverage(JsonNode coverage) {
        String path = "parameters." + CoverageField.NAME;
        try {
            if (coverage == null || coverage.isNull()) {
                return null;
            }
            if (coverage.isNumber()) {
                return CoverageField.checked(coverage.doubleValue(), path);
            }
            if (coverage.isTextual()) {
                return CoverageField.parse(coverage.textValue(), path);
            }
            throw RowsException.invalidFields(List.of(new FieldProblem(
                    path,
                    "\"parameters\".\"coverage\" must be a" + " number from 0.5 to 0.99, got "
                            + V2Values.describe(coverage),
                    null)));
        } catch (RowsException e) {
            throw HttpProblem.of(e);
        }
    }

    /**
     * The request parameter {@code explain}, as either transport carried it: a boolean, else a 400 naming it.
     *
     * @param explain the parameter's value as JSON, or null when the request has none
     */
    public static boolean explain(JsonNode explain) {
        if (explain == null || explain.isNull()) {
            return false;
        }
        if (!explain.isBoolean()) {
            throw HttpProblem.invalidFields(List.of(new FieldProblem(
                    "parameters." + ExplainField.NAME,
                    "\"parameters\".\"explain\" must be true or false, got " + V2Values.describe(explain),
                    null)));
        }
        return explain.booleanValue();
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

    /** The input tensors, each an object. */
    private List<V2Request.Input> inputs(JsonNode inputs) {
        if (inputs == null || !inputs.isArray()) {
            throw HttpProblem.badRequest("\"inputs\" must be an array holding " + expectedInputs() + ", got "
                    + (inputs == null ? "nothing" : V2Values.describe(inputs)));
        }
        List<V2Request.Input> tensors = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode input = inputs.get(i);
            if (!input.isObject()) {
                throw HttpProblem.badRequest("inputs[" + i + "] must be an object, got " + V2Values.describe(input));
            }
            requireObjectIfPresent(input.get("parameters"), "inputs[" + i + "].parameters");
            tensors.add(new V2Tensor.Json(input));
        }
        return tensors;
    }

    private String expectedInputs() {
        List<String> names = reader.inputNames();
        return names.size() == 1 ? "the input '" + names.get(0) + "'" : "the model's inputs " + names;
    }

    /** The names of the outputs asked for, or null when the body names none. */
    private List<String> outputs(JsonNode outputs) {
        if (outputs == null) {
            return null;
        }
        if (!outputs.isArray()) {
            throw HttpProblem.badRequest(
                    "\"outputs\" must be an array of {\"name\": ...}, got " + V2Values.describe(outputs));
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            JsonNode output = outputs.get(i);
            JsonNode name = output.isObject() ? output.get("name") : null;
            if (name == null || !name.isTextual()) {
                throw HttpProblem.badRequest(
                        "outputs[" + i + "] must be an object with a \"name\" string, one of " + reader.modelOutputs());
            }
            requireObjectIfPresent(output.get("parameters"), "outputs[" + i + "].parameters");
            names.add(name.textValue());
        }
        return names;
    }

    private static void requireObjectIfPresent(JsonNode node, String what) {
        if (node != null && !node.isObject()) {
            throw HttpProblem.badRequest(what + " must be an object, got " + V2Values.describe(node));
        }
    }
}
