package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import inference.InferParameter;
import inference.ModelInferRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Timeout;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.ParameterRowParser;
import org.tabserve.rows.RowsFixtures;
import org.tabserve.rows.csv.CsvRowsParser;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.field.NumberText;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.json.JsonLinesReader;
import org.tabserve.rows.json.JsonRowsParser;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.serving.rollout.Rollout;
import org.tabserve.testing.BatchRows;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.Problems;
import org.tabserve.web.mlflow.MlflowRequestParser;
import org.tabserve.web.v2.V2InferRequestParser;
import org.tabserve.web.v2.V2InferRequestParserTest;
import org.tabserve.web.v2.V2Values;
import org.tabserve.web.v2.grpc.V2GrpcReading;

/**
 * Jazzer fuzz tests of every request parser: the JSON body of {@code /api/predict}, the Open Inference Protocol v2
 * infer body and its gRPC ModelInfer message, MLflow's scoring body ({@code /invocations}), query and form values (and {@link NumberText}, which they and the CSV share), CSV uploads and JSON Lines.
 *
 * <p>Without {@code JAZZER_FUZZ} (the normal {@code mvn test}) each target runs once on the empty input and on every
 * file in {@code src/test/resources/org/tabserve/web/api/RequestParsersFuzzTestInputs/<method>/}: for the {@code byte[]}
 * targets a file is the request body (or query string, or CSV) exactly as a client would send it. With
 * {@code JAZZER_FUZZ=1} one target at a time (pick it with {@code -Dtest=RequestParsersFuzzTest#method}) is fuzzed for
 * {@code maxDuration}, and an input that fails it is written to that directory (see README, "Fuzz tests").
 *
 * <p>Every target holds the parser to the project's rule for bad input: it is answered by an {@link HttpProblem} with
 * a 4xx status, a detail and, where there are field errors, each naming its field and why; anything else thrown
 * (a NullPointerException, an IOException the parser did not turn into a 4xx, a StackOverflowError ...) or a run past
 * the timeout fails the test. Accepted input must come out as rows of the model's width holding finite float-range
 * values, and where a simple independent reading of the input is possible the parser must agree with it exactly.
 */
@Timeout(10)
public class RequestParsersFuzzTest {

    /** The bundled model's signature: its graph takes the data's column order. */
    static final ModelSignature SIGNATURE = RowsFixtures.SIGNATURE;

    static final List<String> FEATURES = SIGNATURE.featureNames();
    static final int WIDTH = FEATURES.size();
    /** Small limits, so that the fuzzer reaches the 413 paths with small inputs. */
    static final int MAX_ROWS = 5;

    static final int KEEP_ROWS = 2;

    // ---------------------------------------------------------------------------------------------------------------
    // POST /api/predict

    /**
     * A model of typed column inputs, as skl2onnx exports them: text with known categories (unknown ones taken with a
     * warning, or refused), a float that may be missing, a 64-bit integer, a boolean.
     */
    public static final ModelSignature TYPED = RowsFixtures.TYPED;

    /**
     * The JSON body of {@code /api/predict}, read for the bundled model (numbers only: the hot path) and for a model
     * of typed columns, each checked against a reading of the same bytes as a Jackson tree: the parser must accept
     * exactly the valid requests and hand over exactly the values sent, each of its JSON type.
     */
    @DictionaryEntries({
        "\"instances\"",
        "\"variance\"",
        "\"skewness\"",
        "\"curtosis\"",
        "\"entropy\"",
        "-0.0",
        "1e39",
        "3.4028235e38",
        "null",
        "true",
        "\"island\"",
        "\"bill_length_mm\"",
        "\"flipper_length_mm\"",
        "\"sex\"",
        "\"tagged\"",
        "\"Dream\"",
        "\"MALE\"",
        "9223372036854775808",
        "\\u0000"
    })
    @FuzzTest
    void jsonBody(byte[] body) throws IOException {
        double[][] expected = JsonOracle.rows(body);
        JsonRowsParser.ParsedRows parsed;
        try {
            parsed = new JsonRowsParser(SIGNATURE, MAX_ROWS).parse(new ByteArrayInputStream(body));
        } catch (HttpProblem | RowsException refusal) {
            HttpProblem problem = Problems.of(refusal);
            assertClearProblem(problem);
            assertNull(expected, () -> "refused a request that is valid: " + problem.detail() + " " + problem.errors());
            typedJsonBody(body);
            return;
        }
        double[][] rows = numbers(parsed);
        assertValidRows(rows, 1, MAX_ROWS);
        assertNotNull(expected, () -> "accepted a request that is not valid, as " + Arrays.deepToString(rows));
        assertArrayEquals(expected, rows, "values must be exactly the numbers sent");
        assertEquals(rows.length, parsed.rows().size());
        assertEquals(JsonOracle.isBatch(body), parsed.batch());
        typedJsonBody(body);
    }

    /** The same body for the typed model: accepted exactly when the typed reading says it is valid, values as sent. */
    private static void typedJsonBody(byte[] body) throws IOException {
        List<Object[]> expected = TypedJsonOracle.rows(body);
        JsonRowsParser.ParsedRows parsed;
        try {
            parsed = new JsonRowsParser(TYPED, MAX_ROWS).parse(new ByteArrayInputStream(body));
        } catch (HttpProblem | RowsException refusal) {
            HttpProblem problem = Problems.of(refusal);
            assertClearProblem(problem);
            if (expected == TypedJsonOracle.UNJUDGED) {
                return;
            }
            assertNull(
                    expected,
                    () -> "refused a typed request that is valid: " + problem.detail() + " " + problem.errors());
            return;
        }
        if (expected == TypedJsonOracle.UNJUDGED) {
            return;
        }
        assertNotNull(
                expected,
                () -> "accepted a typed request that is not valid, as "
                        + parsed.cells().stream().map(Arrays::toString).toList());
        assertEquals(expected.size(), parsed.cells().size());
        assertEquals(expected.size(), parsed.rows().size());
        assertEquals(JsonOracle.isBatch(body), parsed.batch());
        for (int r = 0; r < expected.size(); r++) {
            Object[] want = expected.get(r);
            Object[] got = parsed.cells().get(r);
            assertEquals(want.length, got.length);
            for (int f = 0; f < want.length; f++) {
                String where = "row " + r + " " + TYPED.features().get(f).name() + ": " + Arrays.toString(got);
                if (want[f] instanceof BigDecimal whole) {
                    // an integer may come as Long, BigInteger or (from 3.0) BigDecimal: the same number either way
                    assertTrue(got[f] instanceof Number, where);
                    assertEquals(0, whole.compareTo(new BigDecimal(got[f].toString())), where);
                } else {
                    assertEquals(want[f], got[f], where); // Double (bit for bit), String, Boolean or null
                }
            }
            boolean unknownIsland = !TYPED.features().get(0).categories().contains((String) want[0]);
            assertEquals(
                    unknownIsland,
                    !parsed.rows().warnings(r).isEmpty(),
                    () -> parsed.rows().warnings(0).toString());
        }
    }

    /** The numbers-only rows of the bundled model, as the parser read them. */
    static double[][] numbers(JsonRowsParser.ParsedRows parsed) {
        if (parsed.numbers() != null) {
            return parsed.numbers();
        }
        double[][] rows = new double[parsed.cells().size()][];
        for (int r = 0; r < rows.length; r++) {
            Object[] cells = parsed.cells().get(r);
            rows[r] = new double[cells.length];
            for (int i = 0; i < cells.length; i++) {
                rows[r][i] = (Double) cells[i];
            }
        }
        return rows;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // POST /v2/models/{model}/infer

    /**
     * The v2 infer body, read for two models: the bank-note model's one float input {@code [N, 4]}, and a typed model
     * of one tensor per input (text, a float that may be missing, int64, bool, text that refuses unknown values,
     * double; {@link V2InferRequestParserTest#TYPED}). On success every value is exactly what was sent in the input's
     * type: FP32 rounded to float32, FP64 and whole numbers unchanged, strings and booleans as they are, null as NaN.
     */
    @DictionaryEntries({
        "\"inputs\"",
        "\"name\"",
        "\"input\"",
        "\"shape\"",
        "\"datatype\"",
        "\"data\"",
        "\"FP32\"",
        "\"FP64\"",
        "\"INT32\"",
        "\"INT64\"",
        "\"BYTES\"",
        "\"BOOL\"",
        "\"outputs\"",
        "\"label\"",
        "\"probabilities\"",
        "\"parameters\"",
        "\"id\"",
        "\"island\"",
        "\"bill\"",
        "\"year\"",
        "\"tagged\"",
        "\"sex\"",
        "\"mass\"",
        "\"MALE\"",
        "\"Dream\"",
        "null",
        "true",
        "16777217",
        "2147483648",
        "9223372036854775808"
    })
    @FuzzTest
    void v2Body(byte[] body) throws IOException {
        v2Body(body, SIGNATURE);
        v2Body(body, V2InferRequestParserTest.TYPED);
    }

    private static void v2Body(byte[] body, ModelSignature signature) throws IOException {
        V2InferRequestParser.V2InferRequest parsed;
        try {
            parsed = new V2InferRequestParser(signature, MAX_ROWS).parse(new ByteArrayInputStream(body));
        } catch (HttpProblem | RowsException refusal) {
            HttpProblem problem = Problems.of(refusal);
            assertClearProblem(problem);
            Json.MAPPER.writeValueAsBytes(new ErrorRenderer.ProtocolError(problem.detail()));
            return;
        }
        Batch batch = parsed.batch();
        assertTrue(batch.size() >= 1 && batch.size() <= MAX_ROWS, () -> batch.size() + " rows");
        assertTrue(V2InferRequestParser.CLASSIFIER_OUTPUTS.containsAll(parsed.outputs()), parsed.outputs()::toString);
        assertEquals(parsed.outputs().size(), new HashSet<>(parsed.outputs()).size(), parsed.outputs()::toString);

        // The same body as a tree: each input's values in row-major order, whatever the nesting.
        JsonNode root = Json.MAPPER.readTree(body);
        JsonNode id = root.get("id");
        assertEquals(id == null ? null : id.textValue(), parsed.id());
        for (int i = 0; i < signature.inputs().size(); i++) {
            ModelInput input = signature.inputs().get(i);
            JsonNode tensor = null;
            for (JsonNode candidate : root.get("inputs")) {
                if (candidate.get("name").textValue().equals(input.name())) {
                    tensor = candidate;
                }
            }
            assertNotNull(tensor, "accepted without input " + input.name());
            String datatype = tensor.get("datatype").textValue();
            assertTrue(V2Values.datatypes(input.type()).contains(datatype), datatype);
            List<JsonNode> sent = new ArrayList<>();
            leaves(tensor.get("data"), sent);
            assertEquals(sent.size(), batch.size() * input.width());
            for (int j = 0; j < sent.size(); j++) {
                assertSameValue(sent.get(j), datatype, input, batch.data(i), j);
            }
        }
    }

    /** The j-th value the batch holds for an input is exactly the one sent, as its datatype says to read it. */
    private static void assertSameValue(JsonNode sent, String datatype, ModelInput input, Object column, int j) {
        String where = input.name() + " value " + j + " (" + datatype + " " + sent + ")";
        if (sent.isNull()) {
            assertTrue(input.features().get(j % input.width()).missingAllowed(), where + ": null taken");
            double value = column instanceof float[] f ? f[j] : ((double[]) column)[j];
            assertTrue(Double.isNaN(value), where);
            return;
        }
        switch (input.type()) {
            case FLOAT -> {
                float value = ((float[]) column)[j];
                switch (datatype) {
                    case "FP32" -> assertEquals((float) sent.doubleValue(), value, where);
                    case "FP64" -> assertEquals(sent.doubleValue(), (double) value, where);
                    default ->
                        assertEquals(
                                sent.decimalValue().toBigIntegerExact(),
                                new BigDecimal(value).toBigIntegerExact(),
                                where);
                }
            }
            case DOUBLE -> {
                double value = ((double[]) column)[j];
                switch (datatype) {
                    case "FP32" -> assertEquals((double) (float) sent.doubleValue(), value, where);
                    case "FP64" -> assertEquals(sent.doubleValue(), value, where);
                    default ->
                        assertEquals(
                                sent.decimalValue().toBigIntegerExact(),
                                new BigDecimal(value).toBigIntegerExact(),
                                where);
                }
            }
            case INT64 ->
                assertEquals(
                        sent.decimalValue().toBigIntegerExact(),
                        java.math.BigInteger.valueOf(((long[]) column)[j]),
                        where);
            case INT32 ->
                assertEquals(
                        sent.decimalValue().toBigIntegerExact(),
                        java.math.BigInteger.valueOf(((int[]) column)[j]),
                        where);
            case STRING -> assertEquals(sent.textValue(), ((String[]) column)[j], where);
            case BOOL -> assertEquals(sent.booleanValue(), ((boolean[]) column)[j], where);
        }
    }

    private static void leaves(JsonNode node, List<JsonNode> out) {
        if (node.isArray()) {
            node.forEach(item -> leaves(item, out));
        } else {
            out.add(node);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The Open Inference Protocol over gRPC: ModelInfer's message

    /**
     * A ModelInfer message's bytes as the gRPC service takes them in (its footprint scanned, parsed by protobuf, read
     * by the checks the REST body goes through), for the bundled model and for the typed model: a refusal must be a
     * 400 or 413 with a detail, never another exception; an accepted message must be one protobuf itself reads, and
     * its rows must hold exactly the values its tensors carry, read here independently (each datatype's contents
     * field, or raw_input_contents little-endian, BYTES after a 4-byte length; NaN a missing number).
     */
    @DictionaryEntries({
        "input",
        "island",
        "bill",
        "year",
        "tagged",
        "sex",
        "mass",
        "FP32",
        "FP64",
        "INT32",
        "INT64",
        "BYTES",
        "BOOL",
        "label",
        "probabilities",
        "explain",
        "Dream",
        "MALE"
    })
    @FuzzTest
    void grpcModelInfer(byte[] message) throws IOException {
        grpcModelInfer(message, SIGNATURE);
        grpcModelInfer(message, V2InferRequestParserTest.TYPED);
    }

    private static void grpcModelInfer(byte[] message, ModelSignature signature) throws IOException {
        V2InferRequestParser.V2InferRequest read;
        try {
            read = V2GrpcReading.read(message, signature, MAX_ROWS);
        } catch (HttpProblem | RowsException refusal) {
            HttpProblem problem = Problems.of(refusal);
            assertClearProblem(problem);
            Json.MAPPER.writeValueAsBytes(new ErrorRenderer.ProtocolError(problem.detail()));
            return;
        }
        ModelInferRequest sent = ModelInferRequest.parseFrom(message);
        Batch batch = read.batch();
        assertTrue(batch.size() >= 1 && batch.size() <= MAX_ROWS, () -> batch.size() + " rows");
        assertEquals(sent.getId().isEmpty() ? null : sent.getId(), read.id());
        InferParameter explain = sent.getParametersMap().get("explain");
        assertEquals(explain != null && explain.getBoolParam(), read.explain());
        List<String> outputs = sent.getOutputsList().stream()
                .map(ModelInferRequest.InferRequestedOutputTensor::getName)
                .toList();
        assertEquals(outputs.isEmpty() ? V2InferRequestParser.CLASSIFIER_OUTPUTS : outputs, read.outputs());
        for (int i = 0; i < signature.inputs().size(); i++) {
            ModelInput input = signature.inputs().get(i);
            int k = -1;
            for (int t = 0; t < sent.getInputsCount(); t++) {
                if (sent.getInputs(t).getName().equals(input.name())) {
                    k = t;
                }
            }
            assertTrue(k >= 0, "accepted without input " + input.name());
            String datatype = sent.getInputs(k).getDatatype();
            assertTrue(V2Values.datatypes(input.type()).contains(datatype), datatype);
            List<JsonNode> values = sentValues(sent, k, datatype);
            assertEquals(values.size(), batch.size() * input.width());
            for (int j = 0; j < values.size(); j++) {
                assertSameValue(values.get(j), datatype, input, batch.data(i), j);
            }
        }
    }

    /** The k-th tensor's values as JSON values, read from protobuf's parse of the message without the service's code. */
    private static List<JsonNode> sentValues(ModelInferRequest request, int k, String datatype) {
        List<JsonNode> values = new ArrayList<>();
        if (request.getRawInputContentsCount() > 0) {
            ByteBuffer raw =
                    request.getRawInputContents(k).asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
            while (raw.hasRemaining()) {
                values.add(
                        switch (datatype) {
                            case "BYTES" -> {
                                byte[] text = new byte[raw.getInt()];
                                raw.get(text);
                                yield com.fasterxml.jackson.databind.node.TextNode.valueOf(
                                        new String(text, StandardCharsets.UTF_8));
                            }
                            case "BOOL" -> com.fasterxml.jackson.databind.node.BooleanNode.valueOf(raw.get() != 0);
                            case "INT32" -> com.fasterxml.jackson.databind.node.IntNode.valueOf(raw.getInt());
                            case "INT64" -> com.fasterxml.jackson.databind.node.LongNode.valueOf(raw.getLong());
                            case "FP32" -> number(raw.getFloat());
                            default -> number(raw.getDouble());
                        });
            }
            return values;
        }
        inference.InferTensorContents contents = request.getInputs(k).getContents();
        switch (datatype) {
            case "BYTES" ->
                contents.getBytesContentsList()
                        .forEach(v ->
                                values.add(com.fasterxml.jackson.databind.node.TextNode.valueOf(v.toStringUtf8())));
            case "BOOL" ->
                contents.getBoolContentsList()
                        .forEach(v -> values.add(com.fasterxml.jackson.databind.node.BooleanNode.valueOf(v)));
            case "INT32" ->
                contents.getIntContentsList()
                        .forEach(v -> values.add(com.fasterxml.jackson.databind.node.IntNode.valueOf(v)));
            case "INT64" ->
                contents.getInt64ContentsList()
                        .forEach(v -> values.add(com.fasterxml.jackson.databind.node.LongNode.valueOf(v)));
            case "FP32" -> contents.getFp32ContentsList().forEach(v -> values.add(number(v)));
            default -> contents.getFp64ContentsList().forEach(v -> values.add(number(v)));
        }
        return values;
    }

    /** A float as JSON: NaN, protobuf's missing number, as null. */
    private static JsonNode number(double value) {
        return Double.isNaN(value)
                ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
                : com.fasterxml.jackson.databind.node.DoubleNode.valueOf(value);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // POST /invocations (MLflow's scoring protocol)

    /** The JSON body of {@code /invocations}, in all four of MLflow's layouts, checked against a reading as a tree. */
    @DictionaryEntries({
        "\"dataframe_split\"",
        "\"dataframe_records\"",
        "\"instances\"",
        "\"inputs\"",
        "\"params\"",
        "\"columns\"",
        "\"data\"",
        "\"index\"",
        "\"variance\"",
        "\"skewness\"",
        "\"curtosis\"",
        "\"entropy\"",
        "1e39",
        "null"
    })
    /**
     * A model's rollout, as {@code PUT /admin/models/{name}/rollout} and {@code rollout.json} give it: refused as a
     * 400 or 413 naming its fields, or read into a rollout that is written back and read again the same.
     */
    @FuzzTest
    void rolloutBody(byte[] body) throws IOException {
        Rollout rollout;
        try {
            rollout = Rollout.parse(body);
        } catch (ServingException refusal) {
            assertClearProblem(HttpProblem.of(refusal));
            return;
        }
        assertEquals(rollout, Rollout.parse(rollout.text().getBytes(StandardCharsets.UTF_8)), rollout::text);
    }

    @FuzzTest
    void mlflowBody(byte[] body) throws IOException {
        double[][] expected = MlflowOracle.rows(body);
        Batch parsed;
        try {
            parsed = new MlflowRequestParser(SIGNATURE, MAX_ROWS).parseJson(new ByteArrayInputStream(body));
        } catch (HttpProblem | RowsException refusal) {
            HttpProblem problem = Problems.of(refusal);
            assertClearProblem(problem);
            assertNull(expected, () -> "refused a request that is valid: " + problem.detail() + " " + problem.errors());
            return;
        }
        double[][] rows = BatchRows.of(parsed);
        assertValidRows(rows, 1, MAX_ROWS);
        assertNotNull(expected, () -> "accepted a request that is not valid, as " + Arrays.deepToString(rows));
        assertEquals(expected.length, parsed.size());
        assertArrayEquals(
                floats(expected),
                (float[]) parsed.data(0),
                "the batch holds exactly the numbers sent, " + "as the model's floats");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // GET /predict?... and the HTML form

    /**
     * A query string or url-encoded form body, decoded into the parameter map the container hands over, then read as
     * one row. The parser must accept exactly the maps that give every feature once as a finite decimal number within
     * float range, and name every bad field otherwise.
     */
    @DictionaryEntries({
        "variance=",
        "skewness=",
        "curtosis=",
        "entropy=",
        "&",
        "%2B",
        "%20",
        "e-",
        "E+",
        "island=",
        "sex=MALE",
        "count=",
        "mass=",
        "adult=true"
    })
    @FuzzTest
    void formParameters(byte[] query) throws IOException {
        Map<String, String[]> parameters = decodeForm(new String(query, StandardCharsets.UTF_8));
        ParameterRowParser.ParsedRow parsed = new ParameterRowParser(SIGNATURE).parse(parameters);
        typedFormParameters(parameters);

        assertEquals(parameters.keySet(), parsed.typed().keySet(), "every parameter is kept to show again");
        parameters.forEach((name, values) ->
                assertEquals(values.length == 0 ? "" : values[0], parsed.typed().get(name)));
        double[] expected = expectedFormRow(parameters);
        if (parsed.cells() == null) {
            assertFalse(parsed.errors().isEmpty(), "no row and no errors");
            for (FieldProblem error : parsed.errors()) {
                assertNotNull(error.field());
                assertTrue(
                        parameters.containsKey(error.field()) || FEATURES.contains(error.field()),
                        () -> "error for a field that was neither sent nor a feature: " + error);
                assertTrue(
                        error.message() != null && error.message().contains("'" + error.field() + "'"),
                        () -> "the message must name its field: " + error);
                assertNull(error.row());
            }
            HttpProblem problem = assertThrowsProblem(parsed::orThrow);
            assertEquals(400, problem.status());
            assertEquals(parsed.errors(), problem.errors());
            assertClearProblem(problem);
            assertNull(expected, () -> "refused valid parameters " + describe(parameters) + ": " + parsed.errors());
            return;
        }
        assertTrue(parsed.errors().isEmpty(), "a row and errors");
        double[] row =
                Arrays.stream(parsed.cells()).mapToDouble(c -> (Double) c).toArray();
        assertValidRows(new double[][] {row}, 1, 1);
        assertNotNull(expected, () -> "accepted bad parameters " + describe(parameters));
        assertArrayEquals(expected, row, "values must be exactly the numbers sent");
        assertArrayEquals(floats(expected), (float[]) parsed.orThrow().data(0), "the batch holds them as floats");
    }

    private static float[] floats(double[][] rows) {
        float[] out = new float[rows.length * WIDTH];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(floats(rows[i]), 0, out, i * WIDTH, WIDTH);
        }
        return out;
    }

    private static float[] floats(double[] row) {
        float[] out = new float[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = (float) row[i];
        }
        return out;
    }

    /**
     * The same parameters read for a model of typed columns ({@link TypedCells#SIGNATURE}): accepted exactly when
     * the typed reading below accepts them, with the same values, and every refusal naming its field.
     */
    private static void typedFormParameters(Map<String, String[]> parameters) throws IOException {
        ParameterRowParser.ParsedRow parsed = new ParameterRowParser(TypedCells.SIGNATURE).parse(parameters);
        Object[] expected = TypedCells.formRow(parameters);
        if (parsed.batch() == null) {
            assertFalse(parsed.errors().isEmpty(), "no row and no errors");
            for (FieldProblem error : parsed.errors()) {
                assertTrue(
                        error.message() != null && error.message().contains("'" + error.field() + "'"),
                        () -> "the message must name its field: " + error);
            }
            assertClearProblem(assertThrowsProblem(parsed::orThrow));
            assertNull(
                    expected, () -> "refused valid typed parameters " + describe(parameters) + ": " + parsed.errors());
            return;
        }
        assertNotNull(expected, () -> "accepted bad typed parameters " + describe(parameters));
        TypedCells.assertBatchHolds(List.<Object[]>of(expected), List.of(parsed.batch()), describe(parameters));
    }

    /**
     * {@link NumberText}, the decimal reader of query, form and CSV values: its hand-written check must agree with
     * its regular expression, and it must take exactly the finite decimals of at most 400 characters.
     */
    @FuzzTest
    void numberText(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(
                NumberText.DECIMAL.matcher(text).matches(),
                NumberText.isDecimal(text),
                () -> "isDecimal(" + text + ")");
        Optional<Double> parsed = NumberText.parse(text);
        String trimmed = text.strip();
        Optional<Double> expected = Optional.empty();
        if (trimmed.length() <= 400 && NumberText.DECIMAL.matcher(trimmed).matches()) {
            double value = Double.parseDouble(trimmed);
            expected = Double.isFinite(value) ? Optional.of(value) : Optional.empty();
        }
        assertEquals(expected, parsed, () -> "parse(" + text + ")");
        String problem = NumberText.problem("variance", text);
        assertTrue(problem.contains("'variance'"), problem);
        assertTrue(problem.length() <= 120, () -> "the problem quotes a bounded part of the text: " + problem.length());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // POST /predict_file

    /**
     * A CSV upload, read the three ways the server reads it (validate; validate and keep; the scoring pass in chunks):
     * all three must accept or refuse alike, give the same rows, and agree with a plain reading of simple files.
     */
    // No "\r\n": Jazzer 0.30.0 writes whitespace into its dictionary file unescaped, which libFuzzer then refuses.
    @DictionaryEntries({
        "variance",
        "skewness",
        "curtosis",
        "entropy",
        "\"",
        "\uFEFF",
        "island",
        "sex",
        "count",
        "mass",
        "adult",
        "MALE",
        "true"
    })
    @FuzzTest
    void csvUpload(byte[] csv) throws IOException {
        typedCsvUpload(csv);
        csvInPlace(csv, SIGNATURE);
        csvInPlace(csv, TypedCells.SIGNATURE);
        CsvRowsParser parser = new CsvRowsParser(SIGNATURE, MAX_ROWS);
        Optional<CsvOracle.Expected> simple = CsvOracle.read(csv);

        List<String> header;
        try {
            header = parser.validate(new ByteArrayInputStream(csv));
        } catch (HttpProblem | RowsException refusal) {
            HttpProblem problem = Problems.of(refusal);
            assertClearProblem(problem);
            HttpProblem kept = assertThrowsProblem(() ->
                    parser.validateAndKeep(new ByteArrayInputStream(csv), KEEP_ROWS, chunk -> {}, (n, chars) -> true));
            assertEquals(problem.detail(), kept.detail());
            assertEquals(problem.errors(), kept.errors());
            HttpProblem streamed =
                    assertThrowsProblem(() -> parser.forEachChunk(new ByteArrayInputStream(csv), chunk -> {}));
            assertEquals(problem.detail(), streamed.detail());
            simple.ifPresent(expected -> assertNull(
                    expected.rows(), () -> "refused a valid CSV: " + problem.detail() + " " + problem.errors()));
            return;
        }
        assertTrue(header.containsAll(FEATURES), header::toString);
        List<double[]> streamed = new ArrayList<>();
        parser.forEachChunk(new ByteArrayInputStream(csv), chunk -> {
            assertEquals(chunk.records().size(), chunk.size(), "one record per row");
            assertTrue(chunk.size() > 0 && chunk.size() <= RowsReader.CHUNK_ROWS, "chunk of " + chunk.size());
            assertArrayEquals(floats(chunk.numbers()), (float[]) chunk.batch().data(0), "the batch holds the rows");
            streamed.addAll(Arrays.asList(chunk.numbers()));
        });
        double[][] rows = streamed.toArray(double[][]::new);
        assertValidRows(rows, 1, MAX_ROWS);
        List<double[]> ahead = new ArrayList<>();
        boolean kept = parser.validateAndKeep(
                new ByteArrayInputStream(csv),
                KEEP_ROWS,
                chunk -> ahead.addAll(Arrays.asList(chunk.numbers())),
                (n, chars) -> true);
        if (rows.length <= KEEP_ROWS) {
            assertTrue(kept, "the rows are kept in memory");
            assertArrayEquals(
                    rows, ahead.toArray(double[][]::new), "every kept row is handed on for scoring, once, in order");
        } else {
            assertFalse(kept, "more rows than kept: read again instead");
        }
        simple.ifPresent(expected -> {
            assertNotNull(expected.rows(), "accepted a CSV that is not valid");
            assertEquals(expected.header(), header);
            assertArrayEquals(expected.rows(), rows, "values must be exactly the numbers sent");
        });
    }

    /**
     * The same CSV read with {@code on_error=row} ({@link OnError#ROW}): a file the default refuses for its bad rows
     * is answered row by row, each row it named refused in its place, and nothing else changes: a file refused for
     * what is wrong with the file itself is refused alike, a file accepted gives the same rows, every one scored; the
     * places are the file's data rows 1, 2, 3, ... in order, a chunk's scored places its batch's rows in order.
     */
    private static void csvInPlace(byte[] csv, ModelSignature signature) throws IOException {
        RowsException rejected = null;
        List<Batch> accepted = new ArrayList<>();
        try {
            accepted.addAll(new CsvRowsParser(signature, MAX_ROWS)
                    .readAll(new ByteArrayInputStream(csv)).stream()
                            .map(RowChunk::batch)
                            .toList());
        } catch (RowsException refusal) {
            rejected = refusal;
        }
        CsvRowsParser parser = new CsvRowsParser(signature, MAX_ROWS).onError(OnError.ROW);
        List<RowChunk> chunks;
        try {
            chunks = parser.readAll(new ByteArrayInputStream(csv));
        } catch (RowsException refusal) {
            assertNotNull(rejected, "row mode refused what reject mode took: " + refusal.getMessage());
            refusal.errors().forEach(e -> assertNull(e.row(), () -> "a bad row refused the file: " + e));
            assertEquals(rejected.getMessage(), refusal.getMessage(), "a file's own problem is refused alike");
            return;
        }
        long number = 0;
        java.util.Set<Long> refused = new java.util.HashSet<>();
        for (RowChunk chunk : chunks) {
            int next = 0;
            assertTrue(chunk.places().size() <= RowsReader.CHUNK_ROWS);
            for (org.tabserve.rows.field.RowPlace place : chunk.places()) {
                assertEquals(number++, place.number(), "places in the file's order, counted from 0");
                if (place.isScored()) {
                    assertEquals(next++, place.batchRow(), "scored places are the batch's rows in order");
                } else {
                    assertFalse(place.problems().isEmpty(), "a refused row says why");
                    assertTrue(place.problems().size() <= org.tabserve.rows.field.RowPlace.MAX_PROBLEMS);
                    place.problems().forEach(p -> assertEquals(place.number(), (long) p.row()));
                    refused.add(place.number());
                }
            }
            assertEquals(next, chunk.size(), "every batch row has its place");
        }
        assertEquals(refused.size(), parser.refusedRows());
        if (rejected == null) {
            assertTrue(refused.isEmpty(), "a file reject mode takes has no bad row");
            assertEquals(accepted.stream().mapToInt(Batch::size).sum(), number);
        } else {
            assertEquals(RowsException.Kind.INVALID_FIELDS, rejected.kind(), rejected::getMessage);
            for (FieldProblem problem : rejected.errors()) {
                assertTrue(refused.contains((long) problem.row()), "row " + problem.row() + " refused in its place");
            }
        }
    }

    /**
     * The same CSV read for a model of typed columns ({@link TypedCells#SIGNATURE}): the three readings agree, and on
     * simple files the rows are exactly what a plain typed reading gives (text as written, whole numbers exactly, an
     * empty number cell missing, an empty text cell refused).
     */
    private static void typedCsvUpload(byte[] csv) throws IOException {
        CsvRowsParser parser = new CsvRowsParser(TypedCells.SIGNATURE, MAX_ROWS);
        Optional<List<Object[]>> simple = TypedCells.csvRows(csv);
        try {
            parser.validate(new ByteArrayInputStream(csv));
        } catch (HttpProblem | RowsException refusal) {
            HttpProblem problem = Problems.of(refusal);
            assertClearProblem(problem);
            HttpProblem streamed =
                    assertThrowsProblem(() -> parser.forEachChunk(new ByteArrayInputStream(csv), chunk -> {}));
            assertEquals(problem.detail(), streamed.detail());
            simple.ifPresent(expected -> assertTrue(
                    expected == TypedCells.REFUSED,
                    () -> "refused a valid typed CSV: " + problem.detail() + " " + problem.errors()));
            return;
        }
        List<org.tabserve.model.signature.Batch> batches = new ArrayList<>();
        parser.forEachChunk(new ByteArrayInputStream(csv), chunk -> {
            assertEquals(chunk.records().size(), chunk.size(), "one record per row");
            assertNull(chunk.numbers());
            batches.add(chunk.batch());
        });
        List<org.tabserve.model.signature.Batch> ahead = new ArrayList<>();
        boolean kept = parser.validateAndKeep(
                new ByteArrayInputStream(csv), KEEP_ROWS, chunk -> ahead.add(chunk.batch()), (n, chars) -> true);
        int rows = batches.stream()
                .mapToInt(org.tabserve.model.signature.Batch::size)
                .sum();
        assertEquals(rows <= KEEP_ROWS, kept);
        simple.ifPresent(expected -> {
            assertTrue(expected != TypedCells.REFUSED, "accepted a typed CSV that is not valid");
            TypedCells.assertBatchHolds(expected, batches, new String(csv, StandardCharsets.UTF_8));
            if (kept) {
                TypedCells.assertBatchHolds(expected, ahead, "kept");
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------------
    // POST /predict_file and /invocations: JSON Lines

    /**
     * A JSON Lines body or upload, read the three ways an upload is read (validate; validate and keep; the scoring
     * pass in chunks): all three must accept or refuse alike, a refusal a clear 4xx; what is accepted must be the
     * numbers an independent reading of the lines (Jackson's tree, line by line) finds, whenever that reading sees
     * plain objects of the first line's keys holding numbers, and {@code on_error=row} must answer every line in its
     * place or refuse the body as the default does.
     */
    @DictionaryEntries({
        "\"variance\"",
        "\"skewness\"",
        "\"curtosis\"",
        "\"entropy\"",
        "null",
        "NaN",
        "1e39",
        "{",
        "}",
        "\"x\"",
        "[]"
    })
    @FuzzTest
    void jsonLines(byte[] body) throws IOException {
        RowsReader reader = new JsonLinesReader(SIGNATURE, MAX_ROWS);
        Optional<double[][]> simple = JsonLinesOracle.read(body);
        List<String> columns;
        try {
            columns = reader.validate(new ByteArrayInputStream(body));
        } catch (HttpProblem | RowsException refusal) {
            HttpProblem problem = Problems.of(refusal);
            assertClearProblem(problem);
            HttpProblem streamed =
                    assertThrowsProblem(() -> reader.forEachChunk(new ByteArrayInputStream(body), c -> {}));
            assertEquals(problem.detail(), streamed.detail());
            HttpProblem kept = assertThrowsProblem(() ->
                    reader.validateAndKeep(new ByteArrayInputStream(body), KEEP_ROWS, chunk -> {}, (n, chars) -> true));
            assertEquals(problem.errors(), kept.errors());
            simple.ifPresent(rows -> fail("refused valid JSON Lines: " + problem.detail() + " " + problem.errors()));
            jsonLinesInPlace(body, problem);
            return;
        }
        assertTrue(columns.containsAll(FEATURES), columns::toString);
        List<double[]> streamed = new ArrayList<>();
        reader.forEachChunk(new ByteArrayInputStream(body), chunk -> {
            assertEquals(chunk.records().size(), chunk.size(), "one record per row");
            streamed.addAll(Arrays.asList(chunk.numbers()));
        });
        assertValidRows(streamed.toArray(double[][]::new), 1, MAX_ROWS);
        simple.ifPresent(rows ->
                assertArrayEquals(rows, streamed.toArray(double[][]::new), "values must be exactly the numbers sent"));
        jsonLinesInPlace(body, null);
    }

    /** {@link #jsonLines} with {@code on_error=row}: refused alike for what is wrong with the body, else every line. */
    private static void jsonLinesInPlace(byte[] body, HttpProblem rejected) throws IOException {
        List<RowChunk> chunks;
        try {
            chunks = new JsonLinesReader(SIGNATURE, MAX_ROWS)
                    .onError(OnError.ROW)
                    .readAll(new ByteArrayInputStream(body));
        } catch (HttpProblem | RowsException refusal) {
            HttpProblem problem = Problems.of(refusal);
            assertClearProblem(problem);
            assertNotNull(rejected, "row mode refused what reject mode took: " + problem.detail());
            problem.errors().forEach(e -> assertNull(e.row(), () -> "a bad line refused the body: " + e));
            return;
        }
        long number = 0;
        for (RowChunk chunk : chunks) {
            for (org.tabserve.rows.field.RowPlace place : chunk.places()) {
                assertEquals(number++, place.number(), "places in the body's order, counted from 0");
                assertEquals(place.isScored(), place.problems().isEmpty(), place::toString);
            }
        }
        assertTrue(number > 0, "a body accepted has a row");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Every format, from the same fuzzed numbers

    /**
     * Rows of fuzzed doubles, written out as valid requests in every format (JSON objects and arrays, a query
     * string, CSV with and without quoting, v2 FP32 and FP64, flat and nested), in fuzzed key and column orders and
     * number spellings: every parser must give back exactly the numbers written (v2 FP32: rounded to float32).
     */
    @FuzzTest
    void roundTrip(FuzzedDataProvider data) throws IOException {
        int count = data.consumeInt(1, MAX_ROWS);
        double[][] rows = new double[count][WIDTH];
        for (double[] row : rows) {
            for (int j = 0; j < WIDTH; j++) {
                row[j] = consumeFeatureValue(data);
            }
        }
        RequestWriter writer = new RequestWriter(data);

        JsonRowsParser json = new JsonRowsParser(SIGNATURE, MAX_ROWS);
        String single = writer.jsonObject(rows[0]);
        assertArrayEquals(new double[][] {rows[0]}, numbers(json.parse(utf8(single))), single);
        String batch = writer.jsonInstances(rows);
        JsonRowsParser.ParsedRows parsedBatch = json.parse(utf8(batch));
        assertTrue(parsedBatch.batch());
        assertArrayEquals(rows, numbers(parsedBatch), batch);

        String query = writer.query(rows[0]);
        assertArrayEquals(
                rows[0],
                Arrays.stream(new ParameterRowParser(SIGNATURE)
                                .parse(decodeForm(query))
                                .cells())
                        .mapToDouble(c -> (Double) c)
                        .toArray(),
                query);

        byte[] csv = writer.csv(rows);
        CsvRowsParser csvParser = new CsvRowsParser(SIGNATURE, MAX_ROWS);
        String csvText = new String(csv, StandardCharsets.UTF_8);
        csvParser.validate(new ByteArrayInputStream(csv));
        List<double[]> streamed = new ArrayList<>();
        csvParser.forEachChunk(new ByteArrayInputStream(csv), chunk -> streamed.addAll(Arrays.asList(chunk.numbers())));
        assertArrayEquals(rows, streamed.toArray(double[][]::new), csvText);

        double[][] floats = new double[count][WIDTH];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < WIDTH; j++) {
                floats[i][j] = (float) rows[i][j];
            }
        }
        V2InferRequestParser v2 = new V2InferRequestParser(SIGNATURE, MAX_ROWS);
        String fp32 = writer.v2(rows, "FP32");
        assertArrayEquals(floats, V2InferRequestParserTest.rows(v2.parse(utf8(fp32))), fp32);
        String fp64 = writer.v2(floats, "FP64");
        assertArrayEquals(floats, V2InferRequestParserTest.rows(v2.parse(utf8(fp64))), fp64);
    }

    /** A finite value within float range, favouring the kinds of number that are spelled in different ways. */
    private static double consumeFeatureValue(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 4)) {
            case 0 -> data.consumeRegularDouble(-Float.MAX_VALUE, Float.MAX_VALUE);
            case 1 -> data.consumeRegularDouble(-100, 100);
            case 2 -> data.consumeInt();
            case 3 -> {
                float f = data.consumeFloat();
                yield Float.isFinite(f) ? f : 0.0;
            }
            default -> {
                double d = data.consumeDouble();
                yield Double.isFinite(d) && Math.abs(d) <= Float.MAX_VALUE ? d : Math.scalb(1.0, -1074);
            }
        };
    }

    /** Writes valid requests, choosing orders, spellings and layouts from the fuzzer's data. */
    private static final class RequestWriter {
        private final FuzzedDataProvider data;

        RequestWriter(FuzzedDataProvider data) {
            this.data = data;
        }

        /**
         * A decimal spelling of {@code value} that reads back as exactly {@code value}, at most 400 characters with
         * its sign (the longest number the JSON reader and {@link NumberText} take).
         */
        String number(double value, boolean plusAllowed) {
            String text = switch (data.consumeInt(0, 3)) {
                case 0 -> Double.toString(value);
                case 1 -> new BigDecimal(value).toPlainString();
                case 2 -> new BigDecimal(value).toString();
                default -> BigDecimal.valueOf(value).toString().toLowerCase(java.util.Locale.ROOT);
            };
            if (text.length() > 399 || Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(-0.0)) {
                text = Double.toString(value); // BigDecimal has no negative zero
            }
            if (plusAllowed && !text.startsWith("-") && data.consumeBoolean()) {
                text = "+" + text;
            }
            return text;
        }

        String space() {
            return data.consumeBoolean()
                    ? ""
                    : List.of(" ", "\n", "\t", "\r\n ").get(data.consumeInt(0, 3));
        }

        private List<Integer> order() {
            List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3));
            for (int i = order.size() - 1; i > 0; i--) {
                java.util.Collections.swap(order, i, data.consumeInt(0, i));
            }
            return order;
        }

        String jsonObject(double[] row) {
            StringBuilder json = new StringBuilder("{").append(space());
            List<Integer> order = order();
            for (int k = 0; k < WIDTH; k++) {
                int j = order.get(k);
                json.append(k > 0 ? "," + space() : "")
                        .append('"')
                        .append(FEATURES.get(j))
                        .append('"')
                        .append(space())
                        .append(':')
                        .append(space())
                        .append(jsonNumber(row[j]))
                        .append(space());
            }
            return json.append('}').toString();
        }

        /** JSON has no leading '+', and Java's exponent spelling "E+5" is valid JSON. */
        String jsonNumber(double value) {
            String text = number(value, false);
            return text.endsWith(".") ? text + "0" : text;
        }

        String jsonInstances(double[][] rows) {
            StringBuilder json = new StringBuilder("{")
                    .append(space())
                    .append("\"instances\":")
                    .append(space())
                    .append('[');
            for (int i = 0; i < rows.length; i++) {
                json.append(i > 0 ? "," + space() : "");
                if (data.consumeBoolean()) {
                    json.append(jsonObject(rows[i]));
                } else {
                    json.append('[');
                    for (int j = 0; j < WIDTH; j++) {
                        json.append(j > 0 ? "," + space() : "").append(jsonNumber(rows[i][j]));
                    }
                    json.append(']');
                }
            }
            return json.append("]}").append(space()).toString();
        }

        String query(double[] row) {
            StringBuilder query = new StringBuilder();
            for (int j : order()) {
                String value =
                        (data.consumeBoolean() ? " " : "") + number(row[j], true) + (data.consumeBoolean() ? "\t" : "");
                query.append(query.length() > 0 ? "&" : "")
                        .append(FEATURES.get(j))
                        .append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
            return query.toString();
        }

        byte[] csv(double[][] rows) {
            List<Integer> order = order();
            boolean extra = data.consumeBoolean();
            int extraAt = data.consumeInt(0, WIDTH);
            String newline = data.consumeBoolean() ? "\r\n" : "\n";
            List<String> header = new ArrayList<>();
            for (int j : order) {
                header.add(csvField(FEATURES.get(j)));
            }
            if (extra) {
                header.add(extraAt, csvField("note"));
            }
            StringBuilder csv =
                    new StringBuilder(data.consumeBoolean() ? "\uFEFF" : "").append(String.join(",", header));
            for (double[] row : rows) {
                List<String> fields = new ArrayList<>();
                for (int j : order) {
                    fields.add(csvField(number(row[j], true)));
                }
                if (extra) {
                    fields.add(extraAt, "\"a, \"\"quoted\"\"" + newline + "note\"");
                }
                csv.append(newline).append(data.consumeBoolean() ? newline : "").append(String.join(",", fields));
            }
            if (data.consumeBoolean()) {
                csv.append(newline);
            }
            return csv.toString().getBytes(StandardCharsets.UTF_8);
        }

        private String csvField(String text) {
            String field = data.consumeBoolean() ? '"' + text + '"' : text;
            return data.consumeBoolean() ? " " + field + " " : field;
        }

        String v2(double[][] rows, String datatype) {
            StringBuilder values = new StringBuilder("[");
            boolean nested = data.consumeBoolean();
            for (int i = 0; i < rows.length; i++) {
                values.append(i > 0 ? "," : "").append(nested ? "[" : "");
                for (int j = 0; j < WIDTH; j++) {
                    values.append(j > 0 ? "," : "").append(jsonNumber(rows[i][j]));
                }
                values.append(nested ? "]" : "");
            }
            values.append(']');
            return "{\"id\":\"r\",\"inputs\":[{\"name\":\"input\",\"shape\":[" + rows.length + "," + WIDTH
                    + "],\"datatype\":\"" + datatype + "\",\"data\":" + values + "}]}";
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // What every parser must do

    /** A refusal a client can act on: a 4xx with a detail, each field error naming its field and why; and renderable. */
    static void assertClearProblem(HttpProblem problem) throws IOException {
        assertTrue(problem.status() == 400 || problem.status() == 413, () -> "status " + problem.status());
        assertTrue(problem.detail() != null && !problem.detail().isBlank(), "a problem needs a detail");
        for (FieldProblem error : problem.errors()) {
            assertNotNull(error.field(), () -> "an error without a field: " + error);
            assertTrue(
                    error.message() != null && !error.message().isBlank(),
                    () -> "an error without a message: " + error);
        }
        // What ErrorRenderer writes for it must be writable.
        byte[] json = Json.MAPPER.writeValueAsBytes(new ErrorRenderer.ProblemBody(
                "about:blank", problem.title(), problem.status(), problem.detail(), "/", problem.errors()));
        assertEquals(problem.detail(), Json.MAPPER.readTree(json).get("detail").textValue());
    }

    /** Rows of the model's width, finite, within float range, and as many as allowed. */
    static void assertValidRows(double[][] rows, int min, int max) {
        assertTrue(rows.length >= min && rows.length <= max, () -> rows.length + " rows");
        for (double[] row : rows) {
            assertEquals(WIDTH, row.length, () -> Arrays.toString(row));
            for (double value : row) {
                assertNull(ModelSignature.valueProblem("x", value), () -> Arrays.toString(row));
            }
        }
    }

    interface Call {
        void run() throws IOException;
    }

    static HttpProblem assertThrowsProblem(Call call) throws IOException {
        try {
            call.run();
        } catch (HttpProblem | RowsException refusal) {
            return Problems.of(refusal);
        }
        return fail("expected a refusal");
    }

    static InputStream utf8(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Independent readings of the inputs

    /**
     * Decodes {@code application/x-www-form-urlencoded} text as a servlet container does: pairs split at '&', name
     * and value at the first '=', '+' and %XX decoded as UTF-8. A pair that does not decode is kept as sent (a
     * container would refuse the request; the parser must cope with any strings all the same).
     */
    static Map<String, String[]> decodeForm(String text) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        Map<String, String[]> parameters = new LinkedHashMap<>();
        values.forEach((name, list) -> parameters.put(name, list.toArray(String[]::new)));
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static String describe(Map<String, String[]> parameters) {
        StringBuilder text = new StringBuilder("{");
        parameters.forEach(
                (k, v) -> text.append(k).append('=').append(Arrays.toString(v)).append(' '));
        return text.append('}').toString();
    }

    /** The row for parameters that give every feature once as a finite decimal in float range; otherwise null. */
    static double[] expectedFormRow(Map<String, String[]> parameters) {
        if (!parameters.keySet().equals(Set.copyOf(FEATURES))) {
            return null;
        }
        double[] row = new double[WIDTH];
        for (int j = 0; j < WIDTH; j++) {
            String[] values = parameters.get(FEATURES.get(j));
            Double value = values.length == 1 ? decimal(values[0].strip()) : null;
            if (value == null) {
                return null;
            }
            row[j] = value;
        }
        return row;
    }

    /** A decimal feature value by the regular expression, or null: not decimal, too long, or out of float range. */
    static Double decimal(String text) {
        if (text.length() > 400 || !NumberText.DECIMAL.matcher(text).matches()) {
            return null;
        }
        double value = Double.parseDouble(text);
        return Float.isFinite((float) value) ? value : null;
    }

    /** The JSON body read as a tree: the rows a valid request holds, or null for any invalid one. */
    static final class JsonOracle {

        static double[][] rows(byte[] body) {
            JsonNode root = tree(body);
            if (root != null && root.isArray()) { // pandas' records: the rows themselves, as "instances" holds them
                return rows(Json.MAPPER.createObjectNode().set("instances", root));
            }
            if (root != null && isSplit(root)) { // pandas' split: as MLflow's dataframe_split reads it
                double[][] rows = MlflowOracle.split(root);
                return rows == null || rows.length == 0 ? null : rows;
            }
            return rows(root);
        }

        /**
         * Whether a body is pandas' split orientation to the JSON routes: an object of {@code columns}, {@code data}
         * and {@code index} alone (none of them a feature of {@link #SIGNATURE}), at least one of them an array.
         */
        static boolean isSplit(JsonNode root) {
            if (!root.isObject() || root.isEmpty()) {
                return false;
            }
            boolean array = false;
            for (var fields = root.fields(); fields.hasNext(); ) {
                var field = fields.next();
                if (!List.of("columns", "data", "index").contains(field.getKey())) {
                    return false;
                }
                array |= field.getValue().isArray();
            }
            return array;
        }

        private static double[][] rows(JsonNode root) {
            if (root == null || !root.isObject()) {
                return null;
            }
            if (!root.has("instances")) {
                double[] row = namedRow(root);
                return row == null ? null : new double[][] {row};
            }
            JsonNode instances = root.get("instances");
            if (root.size() != 1 || !instances.isArray() || instances.isEmpty() || instances.size() > MAX_ROWS) {
                return null;
            }
            double[][] rows = new double[instances.size()][];
            for (int i = 0; i < rows.length; i++) {
                JsonNode item = instances.get(i);
                rows[i] = item.isObject() ? namedRow(item) : item.isArray() ? arrayRow(item) : null;
                if (rows[i] == null) {
                    return null;
                }
            }
            return rows;
        }

        /**
         * A body's text when it is well-formed UTF-8 (RFC 8259 §8.1; a leading byte-order mark dropped, as Jackson drops
         * it), else null.
         */
        static String utf8Text(byte[] body) {
            try {
                String text = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(body))
                        .toString();
                return text.startsWith("\uFEFF") ? text.substring(1) : text;
            } catch (java.nio.charset.CharacterCodingException e) {
                return null;
            }
        }

        static boolean isBatch(byte[] body) {
            JsonNode root = tree(body);
            return root != null && (root.has("instances") || root.isArray() || isSplit(root));
        }

        /**
         * The whole body as one JSON value under the server's own reading constraints, or null if it is not: read from
         * its text as strict UTF-8 (Java's decoder), so that Jackson's guess at UTF-16 or UTF-32 plays no part.
         */
        static JsonNode tree(byte[] body) {
            String text = utf8Text(body);
            if (text == null) {
                return null;
            }
            try (JsonParser parser = JsonText.FACTORY.createParser(text)) {
                JsonNode root = Json.MAPPER.readTree(parser);
                return root == null || parser.nextToken() != null ? null : root;
            } catch (IOException e) {
                return null;
            }
        }

        private static double[] namedRow(JsonNode object) {
            if (object.size() != WIDTH) {
                return null;
            }
            double[] row = new double[WIDTH];
            for (int j = 0; j < WIDTH; j++) {
                Double value = number(object.get(FEATURES.get(j)));
                if (value == null) {
                    return null;
                }
                row[j] = value;
            }
            return row;
        }

        private static double[] arrayRow(JsonNode array) {
            if (array.size() != WIDTH) {
                return null;
            }
            double[] row = new double[WIDTH];
            for (int j = 0; j < WIDTH; j++) {
                Double value = number(array.get(j));
                if (value == null) {
                    return null;
                }
                row[j] = value;
            }
            return row;
        }

        private static Double number(JsonNode node) {
            if (node == null || !node.isNumber()) {
                return null;
            }
            double value = node.doubleValue();
            return Float.isFinite((float) value) ? value : null;
        }
    }

    /**
     * The JSON body read as a tree for {@link #TYPED}: each row's values in feature order when the request is valid
     * (a float as its double, an integer as its exact BigDecimal, text, a boolean, null for a missing float), or null
     * for any invalid request.
     */
    static final class TypedJsonOracle {

        private static final List<Feature> FEATURES = TYPED.features();
        /** Fractions read exactly, for the integer feature: 3.0 is 3, 3.0000000000000000001 is no integer. */
        private static final ObjectReader EXACT =
                Json.MAPPER.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

        /**
         * Said of a body that holds a fraction whose exponent BigDecimal cannot hold (1e4034567890): where it stands
         * cannot be told from the exact reading, so the oracle says nothing (the parser must still not fail).
         */
        static final List<Object[]> UNJUDGED = new ArrayList<>();

        static List<Object[]> rows(byte[] body) {
            JsonNode root = JsonOracle.tree(body);
            JsonNode exact;
            try {
                exact = tree(body);
            } catch (NumberFormatException e) {
                return root == null ? null : UNJUDGED;
            }
            if (root != null && exact != null && root.isArray()) { // pandas' records: as "instances"
                root = Json.MAPPER.createObjectNode().set("instances", root);
                exact = Json.MAPPER.createObjectNode().set("instances", exact);
            } else if (root != null && exact != null && JsonOracle.isSplit(root)) {
                // pandas' split: each row as the object of its features' columns (any other column ignored)
                JsonNode[] trees = asInstances(root, exact);
                if (trees == null) {
                    return null;
                }
                root = trees[0];
                exact = trees[1];
            }
            if (root == null || exact == null || !root.isObject()) {
                return null;
            }
            if (!root.has("instances")) {
                Object[] row = namedRow(root, exact);
                return row == null ? null : List.<Object[]>of(row);
            }
            JsonNode instances = root.get("instances");
            if (root.size() != 1 || !instances.isArray() || instances.isEmpty() || instances.size() > MAX_ROWS) {
                return null;
            }
            List<Object[]> rows = new ArrayList<>();
            for (int i = 0; i < instances.size(); i++) {
                JsonNode item = instances.get(i);
                JsonNode exactItem = exact.get("instances").get(i);
                Object[] row =
                        item.isObject() ? namedRow(item, exactItem) : item.isArray() ? arrayRow(item, exactItem) : null;
                if (row == null) {
                    return null;
                }
                rows.add(row);
            }
            return rows;
        }

        /**
         * A valid split frame as {@code {"instances": [...]}} of objects of the features' columns, in both readings
         * ({@code [plain, exact]}); null when the frame is not valid.
         */
        private static JsonNode[] asInstances(JsonNode root, JsonNode exact) {
            JsonNode columns = root.get("columns");
            JsonNode data = root.get("data");
            JsonNode index = root.get("index");
            if (columns == null
                    || data == null
                    || !columns.isArray()
                    || !data.isArray()
                    || data.isEmpty()
                    || data.size() > MAX_ROWS
                    || (index != null && (!index.isArray() || index.size() != data.size()))) {
                return null;
            }
            List<String> names = new ArrayList<>();
            for (JsonNode name : columns) {
                if (!name.isTextual() || names.contains(name.textValue())) {
                    return null;
                }
                names.add(name.textValue());
            }
            if (!names.containsAll(FEATURES.stream().map(Feature::name).toList())) {
                return null;
            }
            var plain = Json.MAPPER.createArrayNode();
            var exactRows = Json.MAPPER.createArrayNode();
            for (int r = 0; r < data.size(); r++) {
                JsonNode row = data.get(r);
                if (!row.isArray() || row.size() != names.size()) {
                    return null;
                }
                var object = Json.MAPPER.createObjectNode();
                var exactObject = Json.MAPPER.createObjectNode();
                for (Feature feature : FEATURES) {
                    int at = names.indexOf(feature.name());
                    object.set(feature.name(), row.get(at));
                    exactObject.set(feature.name(), exact.get("data").get(r).get(at));
                }
                plain.add(object);
                exactRows.add(exactObject);
            }
            return new JsonNode[] {
                Json.MAPPER.createObjectNode().set("instances", plain),
                Json.MAPPER.createObjectNode().set("instances", exactRows)
            };
        }

        private static JsonNode tree(byte[] body) {
            String text = JsonOracle.utf8Text(body);
            if (text == null) {
                return null;
            }
            try (JsonParser parser = JsonText.FACTORY.createParser(text)) {
                JsonNode root = EXACT.readTree(parser);
                return root == null || parser.nextToken() != null ? null : root;
            } catch (IOException e) {
                return null;
            }
        }

        private static Object[] namedRow(JsonNode object, JsonNode exact) {
            if (object.size() != FEATURES.size()) {
                return null;
            }
            Object[] row = new Object[FEATURES.size()];
            for (int j = 0; j < row.length; j++) {
                String name = FEATURES.get(j).name();
                if (!object.has(name)) {
                    return null;
                }
                Object[] value = value(FEATURES.get(j), object.get(name), exact.get(name));
                if (value == null) {
                    return null;
                }
                row[j] = value[0];
            }
            return row;
        }

        private static Object[] arrayRow(JsonNode array, JsonNode exact) {
            if (array.size() != FEATURES.size()) {
                return null;
            }
            Object[] row = new Object[FEATURES.size()];
            for (int j = 0; j < row.length; j++) {
                Object[] value = value(FEATURES.get(j), array.get(j), exact.get(j));
                if (value == null) {
                    return null;
                }
                row[j] = value[0];
            }
            return row;
        }

        /** A one-element array holding the value the model takes (maybe null), or null when it takes none. */
        private static Object[] value(Feature feature, JsonNode node, JsonNode exact) {
            switch (feature.type()) {
                case FLOAT -> {
                    if (node.isNull()) {
                        return feature.missingAllowed() ? new Object[] {null} : null;
                    }
                    if (!node.isNumber()) {
                        return null;
                    }
                    double value = node.doubleValue();
                    return Float.isFinite((float) value) ? new Object[] {value} : null;
                }
                case INT64 -> {
                    if (!exact.isNumber()) {
                        return null;
                    }
                    try {
                        return new Object[] {
                            BigDecimal.valueOf(exact.decimalValue().longValueExact())
                        };
                    } catch (ArithmeticException e) {
                        return null; // a fraction, or beyond the 64-bit range
                    }
                }
                case STRING -> {
                    if (!node.isTextual()) {
                        return null;
                    }
                    String text = node.textValue();
                    boolean known = feature.categories().contains(text);
                    return text.length() <= Feature.MAX_TEXT_LENGTH
                                    && text.indexOf('\0') < 0
                                    && (known || !feature.refusesUnknown())
                            ? new Object[] {text}
                            : null;
                }
                case BOOL -> {
                    return node.isBoolean() ? new Object[] {node.booleanValue()} : null;
                }
                default -> throw new IllegalStateException(feature.toString());
            }
        }
    }

    /**
     * MLflow's JSON layouts read as a tree: the rows a valid body holds, or null for any invalid one. Columns the
     * model does not take are ignored whatever they hold; a key beside the one format other than an object (or null)
     * {@code params} makes a body invalid.
     */
    static final class MlflowOracle {

        private static final List<String> FORMATS =
                List.of("dataframe_split", "dataframe_records", "instances", "inputs");

        static double[][] rows(byte[] body) {
            JsonNode root = JsonOracle.tree(body);
            if (root == null || !root.isObject()) {
                return null;
            }
            String format = null;
            for (var fields = root.fields(); fields.hasNext(); ) {
                var field = fields.next();
                if (FORMATS.contains(field.getKey())) {
                    if (format != null) {
                        return null;
                    }
                    format = field.getKey();
                } else if (!field.getKey().equals("params")
                        || !(field.getValue().isObject() || field.getValue().isNull())) {
                    return null;
                }
            }
            if (format == null) {
                return null;
            }
            JsonNode value = root.get(format);
            double[][] rows = switch (format) {
                case "dataframe_split" -> split(value);
                case "dataframe_records" -> value.isArray() ? list(value, false) : null;
                default -> value.isArray() ? list(value, true) : value.isObject() ? columns(value) : null;
            };
            return rows == null || rows.length == 0 ? null : rows; // no rows: nothing to predict
        }

        private static double[][] split(JsonNode frame) {
            if (!frame.isObject() || !frame.has("columns") || !frame.has("data")) {
                return null;
            }
            for (var names = frame.fieldNames(); names.hasNext(); ) {
                if (!List.of("columns", "data", "index").contains(names.next())) {
                    return null;
                }
            }
            JsonNode columns = frame.get("columns");
            JsonNode data = frame.get("data");
            JsonNode index = frame.get("index");
            if (!columns.isArray()
                    || !data.isArray()
                    || data.size() > MAX_ROWS
                    || (index != null && (!index.isArray() || index.size() != data.size()))) {
                return null;
            }
            List<String> names = new ArrayList<>();
            for (JsonNode name : columns) {
                if (!name.isTextual() || names.contains(name.textValue())) {
                    return null;
                }
                names.add(name.textValue());
            }
            if (!names.containsAll(FEATURES)) {
                return null;
            }
            double[][] rows = new double[data.size()][WIDTH];
            for (int i = 0; i < rows.length; i++) {
                JsonNode row = data.get(i);
                if (!row.isArray() || row.size() != names.size()) {
                    return null;
                }
                for (int j = 0; j < WIDTH; j++) {
                    Double number = JsonOracle.number(row.get(names.indexOf(FEATURES.get(j))));
                    if (number == null) {
                        return null;
                    }
                    rows[i][j] = number;
                }
            }
            return rows;
        }

        private static double[][] list(JsonNode items, boolean arraysToo) {
            if (items.size() > MAX_ROWS) {
                return null;
            }
            double[][] rows = new double[items.size()][];
            for (int i = 0; i < rows.length; i++) {
                JsonNode item = items.get(i);
                rows[i] =
                        item.isObject() ? record(item) : arraysToo && item.isArray() ? JsonOracle.arrayRow(item) : null;
                if (rows[i] == null) {
                    return null;
                }
            }
            return rows;
        }

        private static double[] record(JsonNode object) {
            double[] row = new double[WIDTH];
            for (int j = 0; j < WIDTH; j++) {
                Double number = JsonOracle.number(object.get(FEATURES.get(j)));
                if (number == null) {
                    return null;
                }
                row[j] = number;
            }
            return row;
        }

        private static double[][] columns(JsonNode object) {
            int length = -1;
            for (JsonNode column : object) {
                if (!column.isArray() || column.size() > MAX_ROWS || (length >= 0 && column.size() != length)) {
                    return null;
                }
                length = column.size();
            }
            for (String feature : FEATURES) {
                if (!object.has(feature)) {
                    return null;
                }
            }
            double[][] rows = new double[length][WIDTH];
            for (int i = 0; i < length; i++) {
                for (int j = 0; j < WIDTH; j++) {
                    Double number =
                            JsonOracle.number(object.get(FEATURES.get(j)).get(i));
                    if (number == null) {
                        return null;
                    }
                    rows[i][j] = number;
                }
            }
            return rows;
        }
    }

    /**
     * A plain reading of CSV files simple enough to need no CSV library: valid UTF-8 (a leading byte-order mark
     * aside), no quotes, no spaces, no empty lines but a final line break, lines ending in LF or CRLF, and no empty
     * header name. For other files it says nothing; for those it says what the parser must answer.
     */
    static final class CsvOracle {

        /** @param rows the rows a valid file holds, or null when it must be refused */
        record Expected(List<String> header, double[][] rows) {}

        /**
         * A simple file's lines: its header (null for a file that is never valid: not UTF-8, or empty), its data
         * lines and its separator; empty for a file too complex for this reading.
         */
        record Lines(List<String> header, List<String> rows, String separator) {}

        static Optional<Lines> lines(byte[] csv) {
            String text;
            try {
                text = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(csv))
                        .toString();
            } catch (CharacterCodingException e) {
                return Optional.of(new Lines(null, List.of(), ",")); // never valid, wherever the bad bytes are
            }
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (!text.replace("\r\n", "\n")
                    .chars()
                    .allMatch(c -> c == '\n'
                            || c == ','
                            || c == ';'
                            || c == '\t'
                            || c == '.'
                            || c == '+'
                            || c == '-'
                            || c == '_'
                            || (c >= '0' && c <= '9')
                            || (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z'))) {
                return Optional.empty();
            }
            List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r?\n", -1)));
            if (lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            if (lines.stream().anyMatch(String::isEmpty)) {
                return Optional.empty();
            }
            if (lines.isEmpty()) {
                return Optional.of(new Lines(null, List.of(), ","));
            }
            // The separator is the one the header line holds most of, a tie going to ',' then ';' (no quotes here).
            String first = lines.get(0);
            String separator = ",";
            for (String candidate : List.of(";", "\t")) {
                if (count(first, candidate) > count(first, separator)) {
                    separator = candidate;
                }
            }
            List<String> header = Arrays.asList(first.split(separator, -1));
            if (header.stream().anyMatch(String::isEmpty)) {
                return Optional.empty();
            }
            return Optional.of(new Lines(header, lines.subList(1, lines.size()), separator));
        }

        static Optional<Expected> read(byte[] csv) {
            Optional<Lines> read = lines(csv);
            if (read.isEmpty()) {
                return Optional.empty();
            }
            Expected refused = new Expected(null, null);
            List<String> header = read.get().header();
            List<String> lines = read.get().rows();
            String separator = read.get().separator();
            boolean decimalComma = separator.equals(";");
            if (header == null
                    || new HashSet<>(header).size() != header.size()
                    || !header.containsAll(FEATURES)
                    || lines.isEmpty()
                    || lines.size() > MAX_ROWS) {
                return Optional.of(refused);
            }
            double[][] rows = new double[lines.size()][WIDTH];
            for (int i = 0; i < rows.length; i++) {
                String[] fields = lines.get(i).split(separator, -1);
                if (fields.length != header.size()) {
                    return Optional.of(refused);
                }
                for (int j = 0; j < WIDTH; j++) {
                    String field = fields[header.indexOf(FEATURES.get(j))];
                    Double value = decimalComma ? decimalCommaValue(field) : decimal(field);
                    if (value == null) {
                        return Optional.of(refused);
                    }
                    rows[i][j] = value;
                }
            }
            return Optional.of(new Expected(header, rows));
        }

        private static int count(String text, String separator) {
            return text.length() - text.replace(separator, "").length();
        }

        /**
         * A field of a semicolon-separated file: one ',' is the decimal mark; both marks, several commas, or a '.'
         * that could group thousands (1.234, but not 0.125) are refused.
         */
        static Double decimalCommaValue(String field) {
            if (field.contains(",")) {
                return field.indexOf(',') != field.lastIndexOf(',') || field.contains(".")
                        ? null
                        : decimal(field.replace(',', '.'));
            }
            return field.matches("[+-]?[1-9][0-9]?[0-9]?([.][0-9][0-9][0-9])+") ? null : decimal(field);
        }
    }

    /**
     * A model of typed columns and a plain reading of its rows, for the typed side of the form and CSV targets:
     * island (text, unknown values taken), sex (FEMALE or MALE only), count (int64), mass (a float that may be
     * missing), adult (a boolean).
     */
    static final class TypedCells {

        static final ModelSignature SIGNATURE = RowsFixtures.TYPED_CELLS;
        static final List<String> NAMES = SIGNATURE.featureNames();
        /** The answer for a file that must be refused. */
        static final List<Object[]> REFUSED = List.of();

        private static final Object BAD = new Object();

        /** One cell as plain rules read it: null for a missing number, the value, or BAD. */
        static Object cell(String feature, String text, boolean decimalComma) {
            String trimmed = text.strip();
            switch (feature) {
                case "island" -> {
                    return text.isEmpty() || text.indexOf('\0') >= 0 || text.length() > 10_000 ? BAD : text;
                }
                case "sex" -> {
                    return text.equals("FEMALE") || text.equals("MALE") ? text : BAD;
                }
                case "adult" -> {
                    return trimmed.equalsIgnoreCase("true")
                            ? Boolean.TRUE
                            : trimmed.equalsIgnoreCase("false") ? (Object) Boolean.FALSE : BAD;
                }
                case "mass" -> {
                    if (trimmed.isEmpty()) {
                        return null;
                    }
                    Double value = decimalComma ? CsvOracle.decimalCommaValue(trimmed) : decimal(trimmed);
                    return value == null ? BAD : value;
                }
                default -> { // count
                    if (trimmed.isEmpty() || trimmed.length() > 400) {
                        return BAD;
                    }
                    BigDecimal exact;
                    if (trimmed.matches("[+-]?[0-9]+")) {
                        exact = new BigDecimal(new java.math.BigInteger(trimmed));
                    } else {
                        Double value = decimalComma ? CsvOracle.decimalCommaValue(trimmed) : decimal(trimmed);
                        if (value == null) {
                            return BAD;
                        }
                        exact = new BigDecimal(trimmed.replace(',', '.'));
                    }
                    if (exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0) {
                        return BAD;
                    }
                    java.math.BigInteger whole = exact.toBigInteger();
                    return whole.bitLength() < 64 ? (Object) whole.longValueExact() : BAD;
                }
            }
        }

        /** The row for form parameters, or null when they must be refused. */
        static Object[] formRow(Map<String, String[]> parameters) {
            if (!NAMES.containsAll(parameters.keySet())) {
                return null;
            }
            Object[] row = new Object[NAMES.size()];
            for (int f = 0; f < NAMES.size(); f++) {
                String[] values = parameters.get(NAMES.get(f));
                if (values == null) {
                    if (!NAMES.get(f).equals("mass")) {
                        return null;
                    }
                    continue;
                }
                if (values.length != 1) {
                    return null;
                }
                row[f] = cell(NAMES.get(f), values[0], false);
                if (row[f] == BAD) {
                    return null;
                }
            }
            return row;
        }

        /** The rows of a simple file (as {@link CsvOracle} takes them), {@link #REFUSED}, or empty for other files. */
        static Optional<List<Object[]>> csvRows(byte[] csv) {
            Optional<CsvOracle.Lines> read = CsvOracle.lines(csv);
            if (read.isEmpty()) {
                return Optional.empty();
            }
            CsvOracle.Lines lines = read.get();
            if (lines.header() == null
                    || new HashSet<>(lines.header()).size() != lines.header().size()
                    || !lines.header().containsAll(NAMES)
                    || lines.rows().isEmpty()
                    || lines.rows().size() > MAX_ROWS) {
                return Optional.of(REFUSED);
            }
            List<Object[]> rows = new ArrayList<>();
            for (String line : lines.rows()) {
                String[] fields = line.split(lines.separator(), -1);
                if (fields.length != lines.header().size()) {
                    return Optional.of(REFUSED);
                }
                Object[] row = new Object[NAMES.size()];
                for (int f = 0; f < NAMES.size(); f++) {
                    row[f] = cell(
                            NAMES.get(f),
                            fields[lines.header().indexOf(NAMES.get(f))],
                            lines.separator().equals(";"));
                    if (row[f] == BAD) {
                        return Optional.of(REFUSED);
                    }
                }
                rows.add(row);
            }
            return Optional.of(rows);
        }

        /** The batches hold exactly the expected rows, in order. */
        static void assertBatchHolds(
                List<Object[]> expected, List<org.tabserve.model.signature.Batch> batches, String what) {
            int r = 0;
            for (org.tabserve.model.signature.Batch batch : batches) {
                for (int i = 0; i < batch.size(); i++, r++) {
                    Object[] row = expected.get(r);
                    String where = what + " row " + r;
                    assertEquals(row[0], ((String[]) batch.data(0))[i], where);
                    assertEquals(row[1], ((String[]) batch.data(1))[i], where);
                    assertEquals(row[2], ((long[]) batch.data(2))[i], where);
                    float mass = ((float[]) batch.data(3))[i];
                    if (row[3] == null) {
                        assertTrue(Float.isNaN(mass), where + ": a missing mass is NaN");
                    } else {
                        assertEquals((float) (double) (Double) row[3], mass, where);
                    }
                    assertEquals(row[4], ((boolean[]) batch.data(4))[i], where);
                }
            }
            assertEquals(expected.size(), r, what + ": every row");
        }
    }
}
